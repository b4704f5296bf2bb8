package io.storepulse.pipeline;

import io.storepulse.analytics.Alert;
import io.storepulse.analytics.EngineChanges;
import io.storepulse.analytics.LateEvent;
import io.storepulse.analytics.MovingAveragePoint;
import io.storepulse.analytics.SkuResult;
import io.storepulse.analytics.WindowResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The pipeline's tables: a partition's checkpoint, and the results it persists with it. */
final class ResultRepository {

  private static final String LOAD_CHECKPOINT =
      "SELECT partitions, position, engine_state FROM pipeline_checkpoints WHERE partition = $1";

  private static final String SAVE_CHECKPOINT = """
      INSERT INTO pipeline_checkpoints (partition, partitions, position, engine_state, updated_at)
      VALUES ($1, $2, $3, $4, now())
      ON CONFLICT (partition) DO UPDATE
        SET partitions = EXCLUDED.partitions, position = EXCLUDED.position,
            engine_state = EXCLUDED.engine_state, updated_at = now()""";

  private static final String UPSERT_WINDOW = """
      INSERT INTO window_metrics (store_id, window_kind, window_start, window_end, status, metrics, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, now())
      ON CONFLICT (store_id, window_kind, window_start) DO UPDATE
        SET window_end = EXCLUDED.window_end, status = EXCLUDED.status, metrics = EXCLUDED.metrics,
            updated_at = now()""";

  private static final String UPSERT_SKU = """
      INSERT INTO sku_metrics (store_id, window_kind, window_start, sku, window_end, status, views, carts, units, revenue)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
      ON CONFLICT (store_id, window_kind, window_start, sku) DO UPDATE
        SET window_end = EXCLUDED.window_end, status = EXCLUDED.status, views = EXCLUDED.views,
            carts = EXCLUDED.carts, units = EXCLUDED.units, revenue = EXCLUDED.revenue""";

  private static final String INSERT_ALERT = """
      INSERT INTO alerts (store_id, kind, metric, observed, expected, score, window_start, window_end, message)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""";

  private static final String INSERT_LATE = """
      INSERT INTO late_events (position, store_id, event_id, event_time, watermark, windows)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (position) DO NOTHING""";

  private static final String UPSERT_MOVING_AVERAGE = """
      INSERT INTO moving_averages (store_id, metric, window_start, window_end, value, simple, exponential)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (store_id, metric, window_start) DO UPDATE
        SET value = EXCLUDED.value, simple = EXCLUDED.simple, exponential = EXCLUDED.exponential""";

  // A partition of P reads only the rows of its stores: slot mod P is the partition (see StoreSlot).
  private static final String READ_LOG = """
      SELECT position, payload::text FROM events
      WHERE position > $1 AND position <= $2 AND slot % $3 = $4
      ORDER BY position
      LIMIT $5""";

  private static final String LOG_END = "SELECT coalesce(max(position), 0) FROM events";

  private final Pool pool;

  ResultRepository(Pool pool) {
    this.pool = pool;
  }

  /** What a partition persisted last. */
  record Checkpoint(int partitions, long position, byte[] engineState) {
  }

  /** A row of the log: its position and the event's JSON. */
  record LogRow(long position, String payload) {
  }

  Future<Optional<Checkpoint>> loadCheckpoint(int partition) {
    return pool.preparedQuery(LOAD_CHECKPOINT).execute(Tuple.of(partition)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new Checkpoint(row.getInteger(0), row.getLong(1), row.getBuffer(2).getBytes()));
    });
  }

  Future<Long> logEnd() {
    return pool.query(LOG_END).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  Future<List<LogRow>> readLog(long after, long upTo, int partitions, int partition, int limit) {
    return pool.preparedQuery(READ_LOG).execute(Tuple.of(after, upTo, partitions, partition, limit)).map(rows -> {
      List<LogRow> log = new ArrayList<>(rows.size());
      for (Row row : rows) {
        log.add(new LogRow(row.getLong(0), row.getString(1)));
      }
      return log;
    });
  }

  /** Writes the changes and the checkpoint that includes them, all or nothing. */
  Future<Void> persist(int partition, int partitions, long position, EngineChanges changes, byte[] engineState) {
    return pool.withTransaction(tx -> batch(tx, UPSERT_WINDOW, windowRows(changes.windows()))
        .compose(v -> batch(tx, UPSERT_SKU, skuRows(changes.skus())))
        .compose(v -> batch(tx, INSERT_ALERT, alertRows(changes.alerts())))
        .compose(v -> batch(tx, INSERT_LATE, lateRows(changes.lateEvents())))
        .compose(v -> batch(tx, UPSERT_MOVING_AVERAGE, movingAverageRows(changes.movingAverages())))
        .compose(v -> tx.preparedQuery(SAVE_CHECKPOINT)
            .execute(Tuple.of(partition, partitions, position, Buffer.buffer(engineState)))
            .mapEmpty()));
  }

  private static Future<Void> batch(SqlClient client, String sql, List<Tuple> rows) {
    return rows.isEmpty() ? Future.succeededFuture() : client.preparedQuery(sql).executeBatch(rows).mapEmpty();
  }

  private static List<Tuple> windowRows(List<WindowResult> windows) {
    List<Tuple> rows = new ArrayList<>(windows.size());
    for (WindowResult w : windows) {
      rows.add(Tuple.of(w.storeId(), w.windowKind(), time(w.windowStart()), time(w.windowEnd()),
          status(w.status()), ResultJson.metrics(w.metrics())));
    }
    return rows;
  }

  private static List<Tuple> skuRows(List<SkuResult> skus) {
    List<Tuple> rows = new ArrayList<>(skus.size());
    for (SkuResult s : skus) {
      rows.add(Tuple.tuple(List.of(s.storeId(), s.windowKind(), time(s.windowStart()), s.sku(), time(s.windowEnd()),
          status(s.status()), s.views(), s.carts(), s.units(), ResultJson.money(s.revenue()))));
    }
    return rows;
  }

  private static List<Tuple> alertRows(List<Alert> alerts) {
    List<Tuple> rows = new ArrayList<>(alerts.size());
    for (Alert a : alerts) {
      rows.add(Tuple.tuple(List.of(a.storeId(), a.kind().name().toLowerCase(Locale.ROOT), a.metric(), a.observed(),
          a.expected(), a.score(), time(a.windowStart()), time(a.windowEnd()), a.message())));
    }
    return rows;
  }

  private static List<Tuple> lateRows(List<LateEvent> lateEvents) {
    List<Tuple> rows = new ArrayList<>(lateEvents.size());
    for (LateEvent late : lateEvents) {
      JsonArray windows = new JsonArray();
      late.windows().forEach(w -> windows.add(new JsonObject().put("kind", w.kind())
          .put("start", w.start().toString()).put("end", w.end().toString()).put("corrected", w.corrected())));
      rows.add(Tuple.of(late.event().position(), late.event().storeId(), late.event().id(),
          time(late.event().time()), time(late.watermark()), windows));
    }
    return rows;
  }

  private static List<Tuple> movingAverageRows(List<MovingAveragePoint> points) {
    List<Tuple> rows = new ArrayList<>(points.size());
    for (MovingAveragePoint p : points) {
      rows.add(Tuple.tuple(List.of(p.storeId(), p.metric(), time(p.windowStart()), time(p.windowEnd()), p.value(),
          p.simple(), p.exponential())));
    }
    return rows;
  }

  static String status(io.storepulse.analytics.WindowStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }

  private static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
