package io.storepulse.store;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live credentials in memory, looked up by the hash of the presented secret, so that every
 * request is authenticated without a database round trip. Shared by all event loops.
 */
public final class KeyRegistry {

  private final Map<ByteBuffer, ApiKey> byHash = new ConcurrentHashMap<>();

  public Optional<ApiKey> find(String presentedSecret) {
    return Optional.ofNullable(byHash.get(ByteBuffer.wrap(Secrets.hash(presentedSecret))));
  }

  public void add(byte[] hash, ApiKey key) {
    byHash.put(ByteBuffer.wrap(hash.clone()), key);
  }

  public void revoke(String keyId) {
    byHash.values().removeIf(key -> key.id().equals(keyId));
  }

  /** Replaces the whole set, e.g. after reading it from the database. */
  public void replaceAll(Map<ByteBuffer, ApiKey> keys) {
    byHash.keySet().retainAll(keys.keySet());
    byHash.putAll(keys);
  }

}
