package io.storepulse.config;

import java.util.List;

/** Every setting storepulse reads, with its default. The README's settings table follows this list. */
public final class Settings {

  public static final Setting HTTP_HOST = new Setting("http.host", "0.0.0.0", "address the HTTP server binds");
  public static final Setting HTTP_PORT = new Setting("http.port", "8080", "HTTP port");
  public static final Setting EVENT_LOOPS = new Setting("eventLoops", "", "event-loop threads; one HTTP verticle instance runs on each (default: 2 x CPU cores)");
  public static final Setting DATA_DIR = new Setting("data.dir", "./data", "embedded PostgreSQL data and the generated admin token live here");
  public static final Setting DB_URL = new Setting("db.url", "", "postgresql://user:pass@host:port/db of an external PostgreSQL; when set, no embedded database is started");
  public static final Setting DB_POOL_SIZE = new Setting("db.poolSize", "4", "connections for queries and administration");
  public static final Setting DB_CONNECT_ATTEMPTS = new Setting("db.connectAttempts", "10", "attempts to reach the database at start, one second apart");
  public static final Setting DB_EMBEDDED_DURABLE = new Setting("db.embedded.durable", "true", "fsync, synchronous_commit and full_page_writes on for the embedded PostgreSQL; false only for tests");
  public static final Setting ADMIN_TOKEN = new Setting("admin.token", "", "bearer token for /v1/admin; when unset, one is generated on first start and kept in the data directory");
  public static final Setting INGEST_MAX_EVENT_BYTES = new Setting("ingest.maxEventBytes", "32768", "largest accepted event, in bytes of JSON");
  public static final Setting INGEST_MAX_REQUEST_BYTES = new Setting("ingest.maxRequestBytes", "1048576", "largest request body after decompression");
  public static final Setting INGEST_MAX_EVENTS_PER_REQUEST = new Setting("ingest.maxEventsPerRequest", "1000", "events in one request");
  public static final Setting INGEST_MAX_EVENT_AGE = new Setting("ingest.maxEventAge", "7d", "events older than this are rejected");
  public static final Setting INGEST_MAX_FUTURE_SKEW = new Setting("ingest.maxFutureSkew", "5m", "events further in the future than this are rejected");
  public static final Setting INGEST_ACK_TIMEOUT = new Setting("ingest.ackTimeout", "10s", "a request whose events are not durable by then is answered 503");
  public static final Setting WRITER_QUEUE_CAPACITY = new Setting("writer.queueCapacity", "20000", "events waiting for the log writer; beyond it, ingest answers 503 with Retry-After");
  public static final Setting WRITER_MAX_BATCH_EVENTS = new Setting("writer.maxBatchEvents", "4000", "events in one group commit");
  public static final Setting WRITER_CONNECTIONS = new Setting("writer.connections", "2", "group commits in flight at once, each on its own connection");
  public static final Setting SHUTDOWN_TIMEOUT = new Setting("shutdown.timeout", "30s", "how long SIGTERM waits for in-flight requests");

  public static final List<Setting> ALL = List.of(
      HTTP_HOST, HTTP_PORT, EVENT_LOOPS, DATA_DIR, DB_URL, DB_POOL_SIZE, DB_CONNECT_ATTEMPTS,
      DB_EMBEDDED_DURABLE, ADMIN_TOKEN, INGEST_MAX_EVENT_BYTES, INGEST_MAX_REQUEST_BYTES,
      INGEST_MAX_EVENTS_PER_REQUEST, INGEST_MAX_EVENT_AGE, INGEST_MAX_FUTURE_SKEW,
      INGEST_ACK_TIMEOUT, WRITER_QUEUE_CAPACITY, WRITER_MAX_BATCH_EVENTS, WRITER_CONNECTIONS,
      SHUTDOWN_TIMEOUT);

  private Settings() {
  }
}
