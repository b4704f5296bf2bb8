package io.storepulse.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes and hashes credentials. Keys carry 256 random bits, so a plain SHA-256 is enough to keep
 * them safe at rest: there is nothing to brute-force that a slow hash would protect.
 */
public final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

  private Secrets() {
  }

  /** A random token of {@code bytes} random bytes, URL-safe. */
  public static String randomToken(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return URL_SAFE.encodeToString(random);
  }

  public static String newKey(KeyKind kind) {
    return kind.prefix() + randomToken(32);
  }

  public static String newKeyId() {
    return "key_" + randomToken(9);
  }

  public static byte[] hash(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Compares secrets in time independent of where they differ. */
  public static boolean sameSecret(String presented, String expected) {
    return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }
}
