package io.storepulse.loadtest;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most a PostgreSQL can take of storepulse's log rows: plain multi-row inserts of the same
 * rows into a table of the same shape, each statement its own committed transaction, over a few
 * connections. storepulse's durable events/s is reported against this rate, so the figure says
 * what its group commit, validation and HTTP cost on top of the database's own work.
 *
 * <p>Options: {@code --url} (required; {@code postgresql://user:password@host:port/db} or a JDBC
 * URL), {@code --rows} (default 1 000 000), {@code --seconds} (stop earlier, default 60),
 * {@code --batch} rows per statement (default 1000), {@code --connections} (default 4),
 * {@code --store} (default {@code bench}).
 *
 * <p>Prints {@code RESULT rows=… duration_s=… rows_per_s=…} on one line.
 */
public final class RawInsertBenchmark {

  private static final String TABLE = "bench_events";
  /** Any fixed value: the slot is a store's hash, and the benchmark writes one store. */
  private static final short STORE_SLOT = 1;

  /** The shape of storepulse's {@code events} log table. */
  private static final String CREATE_TABLE = """
      CREATE TABLE bench_events (
        position bigint PRIMARY KEY,
        store_id text NOT NULL,
        slot smallint NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        event_time timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        payload json NOT NULL,
        UNIQUE (store_id, event_id)
      )""";

  private static final String INSERT_HEAD =
      "INSERT INTO bench_events (position, store_id, slot, event_id, type, event_time, received_at, payload) VALUES ";
  private static final String ROW_VALUES = "(?, ?, ?, ?, ?, ?, ?, CAST(? AS json))";
  private static final int COLUMNS = 8;
  /** The extended protocol counts bind parameters in an unsigned 16-bit field. */
  private static final int MAX_BATCH = 65_535 / COLUMNS;

  private final String jdbcUrl;
  private final Properties credentials;
  private final long rows;
  private final int batch;
  private final int connections;
  private final String storeId;
  private final long deadlineNanos;
  private final String eventTime;
  private final OffsetDateTime eventTimestamp;

  private final AtomicLong nextPosition = new AtomicLong();
  private final AtomicLong inserted = new AtomicLong();
  private final AtomicBoolean failed = new AtomicBoolean();

  private RawInsertBenchmark(Options options) {
    String url = options.string("url", null);
    if (url == null) {
      throw new IllegalArgumentException("--url is required");
    }
    credentials = new Properties();
    jdbcUrl = toJdbc(url, credentials);
    rows = options.positiveInt("rows", 1_000_000);
    batch = options.positiveInt("batch", 1000);
    if (batch > MAX_BATCH) {
      throw new IllegalArgumentException("--batch must be at most " + MAX_BATCH);
    }
    connections = options.positiveInt("connections", 4);
    storeId = options.string("store", "bench");
    // the bound on time starts now, so table setup counts against it and a stuck server cannot
    // hold the script
    deadlineNanos = System.nanoTime() + options.positiveInt("seconds", 60) * 1_000_000_000L;
    // one event time for the run, as the wrk scripts compute it once per thread
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    eventTime = now.toString();
    eventTimestamp = now.atOffset(ZoneOffset.UTC);
  }

  public static void main(String[] args) throws Exception {
    RawInsertBenchmark benchmark =
        new RawInsertBenchmark(Options.parse(args, Set.of("url", "rows", "seconds", "batch", "connections", "store")));
    System.exit(benchmark.run() ? 0 : 1);
  }

  private boolean run() throws SQLException, InterruptedException {
    try (Connection admin = connect()) {
      admin.setAutoCommit(true);
      try (Statement statement = admin.createStatement()) {
        statement.execute("DROP TABLE IF EXISTS " + TABLE);
        statement.execute(CREATE_TABLE);
      }
      try {
        return insertAndReport(admin);
      } finally {
        try (Statement statement = admin.createStatement()) {
          statement.execute("DROP TABLE " + TABLE);
        }
      }
    }
  }

  private boolean insertAndReport(Connection admin) throws SQLException, InterruptedException {
    // connections are opened before the clock starts: the rate is about inserts, not logins
    List<Connection> open = new ArrayList<>();
    ExecutorService workers = Executors.newFixedThreadPool(connections);
    try {
      for (int i = 0; i < connections; i++) {
        open.add(connect());
      }
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        Connection connection = open.get(i);
        String idPrefix = "raw-" + (i + 1);
        done.add(workers.submit(() -> {
          insertUntilDone(connection, idPrefix);
          return null;
        }));
      }
      Exception failure = null;
      for (Future<?> worker : done) {
        try {
          worker.get();
        } catch (ExecutionException e) {
          failure = failure == null ? (Exception) e.getCause() : failure;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (failure != null) {
        System.err.println("raw insert failed: " + failure);
        return false;
      }

      long counted;
      try (Statement statement = admin.createStatement();
          ResultSet result = statement.executeQuery("SELECT count(*) FROM " + TABLE)) {
        result.next();
        counted = result.getLong(1);
      }
      if (counted != inserted.get()) {
        System.err.printf("raw insert committed %d rows but the table holds %d%n", inserted.get(), counted);
        return false;
      }
      System.out.printf("RESULT rows=%d duration_s=%.3f rows_per_s=%.0f batch=%d connections=%d payload_bytes=%d%n",
          counted, seconds, counted / seconds, batch, connections,
          BenchEvent.stored(storeId, "raw-1", 1, eventTime).length());
      return true;
    } finally {
      workers.shutdownNow();
      for (Connection connection : open) {
        connection.close();
      }
    }
  }

  /** Claims {@code batch} positions at a time until the row count or the deadline is reached. */
  private void insertUntilDone(Connection connection, String idPrefix) throws SQLException {
    connection.setAutoCommit(true);
    PreparedStatement full = connection.prepareStatement(insertSql(batch));
    PreparedStatement tail = null;
    long counter = 0;
    try {
      while (!failed.get() && System.nanoTime() < deadlineNanos) {
        long first = nextPosition.getAndAdd(batch);
        if (first >= rows) {
          return;
        }
        int count = (int) Math.min(batch, rows - first);
        PreparedStatement insert = full;
        if (count < batch) {
          tail = connection.prepareStatement(insertSql(count));
          insert = tail;
        }
        OffsetDateTime receivedAt = OffsetDateTime.now(ZoneOffset.UTC);
        int parameter = 1;
        for (int row = 0; row < count; row++) {
          counter++;
          insert.setLong(parameter++, first + row + 1);
          insert.setString(parameter++, storeId);
          insert.setShort(parameter++, STORE_SLOT);
          insert.setString(parameter++, BenchEvent.id(idPrefix, counter));
          insert.setString(parameter++, "product_viewed");
          insert.setObject(parameter++, eventTimestamp);
          insert.setObject(parameter++, receivedAt);
          insert.setString(parameter++, BenchEvent.stored(storeId, idPrefix, counter, eventTime));
        }
        insert.executeUpdate();
        inserted.addAndGet(count);
      }
    } catch (SQLException | RuntimeException e) {
      failed.set(true);
      throw e;
    } finally {
      full.close();
      if (tail != null) {
        tail.close();
      }
    }
  }

  private static String insertSql(int rowCount) {
    StringBuilder sql = new StringBuilder(INSERT_HEAD);
    for (int row = 0; row < rowCount; row++) {
      sql.append(row == 0 ? "" : ", ").append(ROW_VALUES);
    }
    return sql.toString();
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, credentials);
  }

  /**
   * pgjdbc wants {@code jdbc:postgresql://host:port/db} with credentials as properties; storepulse
   * and psql take {@code postgresql://user:password@host:port/db}. Accepts either.
   */
  static String toJdbc(String url, Properties credentials) {
    if (url.startsWith("jdbc:")) {
      return url;
    }
    URI uri = URI.create(url);
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("--url must be postgresql://… or jdbc:postgresql://…, got " + url);
    }
    String userInfo = uri.getUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      credentials.setProperty("user", colon < 0 ? userInfo : userInfo.substring(0, colon));
      if (colon >= 0) {
        credentials.setProperty("password", userInfo.substring(colon + 1));
      }
    }
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    return "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath();
  }
}
