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
  public static final Setting PIPELINE_ENABLED = new Setting("pipeline.enabled", "true", "run the analytics pipeline on this node; false makes an ingest-only node");
  public static final Setting PIPELINE_PARTITIONS = new Setting("pipeline.partitions", "4", "pipeline partitions; a store belongs to one, each is applied in log order by one verticle");
  public static final Setting PIPELINE_FLUSH_INTERVAL = new Setting("pipeline.flushInterval", "1s", "how often a partition persists its changed results with its checkpoint");
  public static final Setting PIPELINE_READ_BATCH = new Setting("pipeline.readBatch", "2000", "log rows a partition reads at a time");
  public static final Setting WINDOW_SHORT = new Setting("windows.short", "1m", "the short tumbling window");
  public static final Setting WINDOW_LONG = new Setting("windows.long", "1h", "the long tumbling window");
  public static final Setting WINDOW_HOPPING_SIZE = new Setting("windows.hoppingSize", "5m", "size of the hopping window");
  public static final Setting WINDOW_HOPPING_ADVANCE = new Setting("windows.hoppingAdvance", "1m", "advance of the hopping window");
  public static final Setting WINDOW_SESSION_GAP = new Setting("windows.sessionGap", "30m", "a visitor's session ends after this much inactivity");
  public static final Setting WINDOW_OUT_OF_ORDERNESS = new Setting("windows.outOfOrderness", "5s", "the watermark trails the latest event time by this much");
  public static final Setting WINDOW_ALLOWED_LATENESS = new Setting("windows.allowedLateness", "1m", "a window becomes final this long after the watermark passes its end");
  public static final Setting WINDOW_CORRECTIONS = new Setting("windows.corrections", "true", "apply events later than the allowed lateness to final results, as corrections");
  public static final Setting WINDOW_IDLE_GRACE = new Setting("windows.idleGrace", "10s", "with no events, the watermark follows the wall clock less this and the out-of-orderness");
  public static final Setting ANALYTICS_SMA_WINDOWS = new Setting("analytics.smaWindows", "5", "short windows in the simple moving average");
  public static final Setting ANALYTICS_EMA_ALPHA = new Setting("analytics.emaAlpha", "0.3", "weight of the newest window in the exponential moving average");
  public static final Setting ANALYTICS_ANOMALY_K = new Setting("analytics.anomalyK", "3", "an alert fires when a value is this many standard deviations from its mean");
  public static final Setting ANALYTICS_ANOMALY_WARM_UP = new Setting("analytics.anomalyWarmUp", "30", "short windows observed before anomaly alerts fire");
  public static final Setting INVENTORY_LOW_STOCK_THRESHOLD = new Setting("inventory.lowStockThreshold", "5", "low-stock threshold of a level that was not given its own (by an import)");
  public static final Setting INVENTORY_CART_RESERVATIONS = new Setting("inventory.cartReservations", "", "comma-separated store ids whose product_added / product_removed events hold and release stock");
  public static final Setting INVENTORY_CART_RESERVATION_TTL = new Setting("inventory.cartReservationTtl", "15m", "how long a soft cart reservation lives after its event");
  public static final Setting INVENTORY_RESERVATION_MAX_TTL = new Setting("inventory.reservationMaxTtl", "1h", "longest ttlSeconds a reservation request may ask for; above it, 400");
  public static final Setting DASHBOARD_PUBLISH_INTERVAL = new Setting("dashboard.publishInterval", "50ms", "how often partitions push what changed to live dashboards (results are persisted at pipeline.flushInterval)");
  public static final Setting DASHBOARD_REPLAY_BUFFER = new Setting("dashboard.replayBuffer", "500", "updates each dashboard channel keeps for clients that reconnect with since");
  public static final Setting DASHBOARD_MAX_CONNECTIONS = new Setting("dashboard.maxConnections", "5000", "dashboard WebSockets at once; beyond it, 503 with Retry-After");
  public static final Setting DASHBOARD_MAX_SUBSCRIPTIONS = new Setting("dashboard.maxSubscriptions", "32", "subscriptions on one dashboard WebSocket");
  public static final Setting DASHBOARD_STUCK_AFTER = new Setting("dashboard.stuckAfter", "10s", "a dashboard WebSocket that stays unwritable this long is closed (1013)");
  public static final Setting DASHBOARD_PING_INTERVAL = new Setting("dashboard.pingInterval", "20s", "how often the server pings each dashboard WebSocket");
  public static final Setting DASHBOARD_PONG_TIMEOUT = new Setting("dashboard.pongTimeout", "60s", "a dashboard WebSocket without a pong for this long is closed (1001)");
  public static final Setting SHUTDOWN_TIMEOUT = new Setting("shutdown.timeout", "30s", "how long SIGTERM waits for in-flight requests");

  public static final List<Setting> ALL = List.of(
      HTTP_HOST, HTTP_PORT, EVENT_LOOPS, DATA_DIR, DB_URL, DB_POOL_SIZE, DB_CONNECT_ATTEMPTS,
      DB_EMBEDDED_DURABLE, ADMIN_TOKEN, INGEST_MAX_EVENT_BYTES, INGEST_MAX_REQUEST_BYTES,
      INGEST_MAX_EVENTS_PER_REQUEST, INGEST_MAX_EVENT_AGE, INGEST_MAX_FUTURE_SKEW,
      INGEST_ACK_TIMEOUT, WRITER_QUEUE_CAPACITY, WRITER_MAX_BATCH_EVENTS, WRITER_CONNECTIONS,
      PIPELINE_ENABLED, PIPELINE_PARTITIONS, PIPELINE_FLUSH_INTERVAL, PIPELINE_READ_BATCH, WINDOW_SHORT, WINDOW_LONG,
      WINDOW_HOPPING_SIZE, WINDOW_HOPPING_ADVANCE, WINDOW_SESSION_GAP, WINDOW_OUT_OF_ORDERNESS,
      WINDOW_ALLOWED_LATENESS, WINDOW_CORRECTIONS, WINDOW_IDLE_GRACE, ANALYTICS_SMA_WINDOWS,
      ANALYTICS_EMA_ALPHA, ANALYTICS_ANOMALY_K, ANALYTICS_ANOMALY_WARM_UP, INVENTORY_LOW_STOCK_THRESHOLD,
      INVENTORY_CART_RESERVATIONS, INVENTORY_CART_RESERVATION_TTL, INVENTORY_RESERVATION_MAX_TTL, DASHBOARD_PUBLISH_INTERVAL, DASHBOARD_REPLAY_BUFFER,
      DASHBOARD_MAX_CONNECTIONS, DASHBOARD_MAX_SUBSCRIPTIONS, DASHBOARD_STUCK_AFTER, DASHBOARD_PING_INTERVAL,
      DASHBOARD_PONG_TIMEOUT, SHUTDOWN_TIMEOUT);

  private Settings() {
  }
}
