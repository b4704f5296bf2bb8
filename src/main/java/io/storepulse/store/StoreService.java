package io.storepulse.store;

import io.storepulse.api.ClientFault;
import io.storepulse.api.ServerFault;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Stores and their credentials: kept in PostgreSQL (hashes only), mirrored in the
 * {@link KeyRegistry} that authenticates requests.
 */
public final class StoreService {

  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private static final String INSERT_STORE = "INSERT INTO stores (id, name) VALUES ($1, $2)";
  private static final String INSERT_KEY = "INSERT INTO api_keys (id, store_id, kind, key_hash) VALUES ($1, $2, $3, $4)";
  private static final String REVOKE_KEY = "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL";
  private static final String ACTIVE_KEYS = "SELECT id, store_id, kind, key_hash FROM api_keys WHERE revoked_at IS NULL";
  private static final String STORE_EXISTS = "SELECT 1 FROM stores WHERE id = $1";

  private final Pool pool;
  private final KeyRegistry registry;

  public StoreService(Pool pool, KeyRegistry registry) {
    this.pool = pool;
    this.registry = registry;
  }

  /** A new store with one write key and one read token. */
  public record CreatedStore(Store store, IssuedKey writeKey, IssuedKey readToken) {
  }

  /** Loads every live key into the registry. */
  public Future<Integer> loadKeys() {
    return pool.query(ACTIVE_KEYS).execute().map(rows -> {
      Map<ByteBuffer, ApiKey> keys = new HashMap<>();
      for (Row row : rows) {
        ApiKey key = new ApiKey(row.getString("id"), row.getString("store_id"), KeyKind.fromWireName(row.getString("kind")));
        keys.put(ByteBuffer.wrap(row.getBuffer("key_hash").getBytes()), key);
      }
      registry.replaceAll(keys);
      return keys.size();
    });
  }

  /**
   * Creates a store with a write key and a read token.
   *
   * @return a failed {@link ClientFault} 400 for a bad id or name, 409 when the id is taken
   */
  public Future<CreatedStore> createStore(String id, String name) {
    if (!Store.isValidId(id)) {
      return Future.failedFuture(ClientFault.badRequest(
          "\"id\" must be 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit"));
    }
    if (name == null || name.isBlank() || name.length() > 200) {
      return Future.failedFuture(ClientFault.badRequest("\"name\" must be a non-empty string of at most 200 characters"));
    }
    Store store = new Store(id, name);
    IssuedKey writeKey = newKey(id, KeyKind.WRITE);
    IssuedKey readToken = newKey(id, KeyKind.READ);
    return pool.withTransaction(tx -> tx.preparedQuery(INSERT_STORE).execute(Tuple.of(id, name))
            .compose(v -> insertKey(tx, writeKey))
            .compose(v -> insertKey(tx, readToken)))
        .recover(failure -> isSqlState(failure, UNIQUE_VIOLATION)
            ? Future.failedFuture(ClientFault.conflict("store '" + id + "' already exists"))
            : asUnavailable(failure))
        .map(v -> {
          remember(writeKey);
          remember(readToken);
          return new CreatedStore(store, writeKey, readToken);
        });
  }

  /** Issues another key for an existing store; a failed {@link ClientFault} 404 when there is no such store. */
  public Future<IssuedKey> issueKey(String storeId, KeyKind kind) {
    IssuedKey issued = newKey(storeId, kind);
    return insertKey(pool, issued)
        .recover(failure -> isSqlState(failure, FOREIGN_KEY_VIOLATION)
            ? Future.failedFuture(ClientFault.notFound("there is no store '" + storeId + "'"))
            : asUnavailable(failure))
        .map(v -> {
          remember(issued);
          return issued;
        });
  }

  /** Revokes a key at once; a failed {@link ClientFault} 404 when no live key has this id. */
  public Future<Void> revokeKey(String keyId) {
    return pool.preparedQuery(REVOKE_KEY).execute(Tuple.of(keyId))
        .recover(StoreService::asUnavailable)
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.failedFuture(ClientFault.notFound("there is no live key '" + keyId + "'"));
          }
          registry.revoke(keyId);
          return Future.succeededFuture();
        });
  }

  public Future<Boolean> storeExists(String storeId) {
    return pool.preparedQuery(STORE_EXISTS).execute(Tuple.of(storeId)).map(rows -> rows.size() > 0);
  }

  private IssuedKey newKey(String storeId, KeyKind kind) {
    return new IssuedKey(new ApiKey(Secrets.newKeyId(), storeId, kind), Secrets.newKey(kind));
  }

  private Future<Void> insertKey(SqlClient client, IssuedKey issued) {
    ApiKey key = issued.key();
    return client.preparedQuery(INSERT_KEY)
        .execute(Tuple.of(key.id(), key.storeId(), key.kind().wireName(), io.vertx.core.buffer.Buffer.buffer(Secrets.hash(issued.secret()))))
        .mapEmpty();
  }

  private void remember(IssuedKey issued) {
    registry.add(Secrets.hash(issued.secret()), issued.key());
  }

  /** Client faults pass; anything else means the database failed us, which the client may retry. */
  private static <T> Future<T> asUnavailable(Throwable failure) {
    return Future.failedFuture(failure instanceof ClientFault
        ? failure
        : ServerFault.unavailable("the database is unavailable; retry shortly", failure));
  }

  private static boolean isSqlState(Throwable failure, String sqlState) {
    return failure instanceof PgException pg && sqlState.equals(pg.getSqlState());
  }
}
