package io.storepulse.pipeline;

import io.storepulse.analytics.Alert;
import io.storepulse.analytics.EngineChanges;
import io.storepulse.analytics.LateEvent;
import io.storepulse.analytics.MovingAveragePoint;
import io.storepulse.analytics.SkuResult;
import io.storepulse.analytics.WindowResult;
import io.storepulse.inventory.EndedReservation;
import io.storepulse.inventory.InventoryChanges;
import io.storepulse.inventory.Movement;
import io.storepulse.inventory.Reservation;
import io.storepulse.inventory.StockAlert;
import io.storepulse.inventory.StockLevel;
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
      "SELECT partitions, position, engine_state, inventory_state FROM pipeline_checkpoints WHERE partition = $1";

  private static final String SAVE_CHECKPOINT = """
      INSERT INTO pipeline_checkpoints (partition, partitions, position, engine_state, inventory_state, updated_at)
      VALUES ($1, $2, $3, $4, $5, now())
      ON CONFLICT (partition) DO UPDATE
        SET partitions = EXCLUDED.partitions, position = EXCLUDED.position,
            engine_state = EXCLUDED.engine_state, inventory_state = EXCLUDED.inventory_state, updated_at = now()""";

  private static final String UPSERT_LEVEL = """
      INSERT INTO inventory_levels (store_id, sku, on_hand, reserved, version, low_stock_threshold, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, now())
      ON CONFLICT (store_id, sku) DO UPDATE
        SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved, version = EXCLUDED.version,
            low_stock_threshold = EXCLUDED.low_stock_threshold, updated_at = now()""";

  private static final String INSERT_MOVEMENT = """
      INSERT INTO inventory_movements (store_id, sku, delta_on_hand, delta_reserved, reason, cause, at)
      VALUES ($1, $2, $3, $4, $5, $6, $7)""";

  private static final String INSERT_RESERVATION = """
      INSERT INTO inventory_reservations (store_id, id, sku, quantity, holder_kind, holder_id, created_at, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (store_id, id) DO NOTHING""";

  private static final String DELETE_RESERVATION =
      "DELETE FROM inventory_reservations WHERE store_id = $1 AND id = $2";

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
  record Checkpoint(int partitions, long position, byte[] engineState, byte[] inventoryState) {
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
      Buffer inventory = row.getBuffer(3);
      return Optional.of(new Checkpoint(row.getInteger(0), row.getLong(1), row.getBuffer(2).getBytes(),
          inventory == null ? null : inventory.getBytes()));
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
  Future<Void> persist(int partition, int partitions, long position, EngineChanges changes, byte[] engineState,
      InventoryChanges stock, byte[] inventoryState) {
    return pool.withTransaction(tx -> batch(tx, UPSERT_WINDOW, windowRows(changes.windows()))
        .compose(v -> batch(tx, UPSERT_SKU, skuRows(changes.skus())))
        .compose(v -> batch(tx, INSERT_ALERT, alertRows(changes.alerts())))
        .compose(v -> batch(tx, INSERT_LATE, lateRows(changes.lateEvents())))
        .compose(v -> batch(tx, UPSERT_MOVING_AVERAGE, movingAverageRows(changes.movingAverages())))
        .compose(v -> batch(tx, UPSERT_LEVEL, levelRows(stock.levels())))
        .compose(v -> batch(tx, INSERT_MOVEMENT, movementRows(stock.movements())))
        // created before ended: a reservation may begin and end within one flush
        .compose(v -> batch(tx, INSERT_RESERVATION, reservationRows(stock.reservationsCreated())))
        .compose(v -> batch(tx, DELETE_RESERVATION, endedRows(stock.reservationsEnded())))
        .compose(v -> batch(tx, INSERT_ALERT, stockAlertRows(stock.alerts())))
        .compose(v -> tx.preparedQuery(SAVE_CHECKPOINT)
            .execute(Tuple.of(partition, partitions, position, Buffer.buffer(engineState),
                Buffer.buffer(inventoryState)))
            .mapEmpty()));
  }

  private static Future<Void> batch(SqlClient client, String sql, List<Tuple> rows) {
    return rows.isEmpty() ? Future.succeededFuture() : client.preparedQuery(sql).executeBatch(rows).mapEmpty();
  }

  private static List<Tuple> windowRows(List<WindowResult> windows) {
    List<Tuple> rows = new ArrayList<>(windows.size());
    for (WindowResult w : windows) {
      rows.add(Tuple.of(w.storeId(), w.windowKind(), time(w.windowStart()), time(w.windowEnd()),
          ResultJson.status(w.status()), ResultJson.metrics(w.metrics())));
    }
    return rows;
  }

  private static List<Tuple> skuRows(List<SkuResult> skus) {
    List<Tuple> rows = new ArrayList<>(skus.size());
    for (SkuResult s : skus) {
      rows.add(Tuple.tuple(List.of(s.storeId(), s.windowKind(), time(s.windowStart()), s.sku(), time(s.windowEnd()),
          ResultJson.status(s.status()), s.views(), s.carts(), s.units(), ResultJson.money(s.revenue()))));
    }
    return rows;
  }

  private static List<Tuple> alertRows(List<Alert> alerts) {
    List<Tuple> rows = new ArrayList<>(alerts.size());
    for (Alert a : alerts) {
      rows.add(Tuple.tuple(List.of(a.storeId(), ResultJson.alertKind(a), a.metric(), a.observed(),
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

  private static List<Tuple> levelRows(List<StockLevel> levels) {
    List<Tuple> rows = new ArrayList<>(levels.size());
    for (StockLevel l : levels) {
      rows.add(Tuple.of(l.storeId(), l.sku(), l.onHand(), l.reserved(), l.version(), l.lowStockThreshold()));
    }
    return rows;
  }

  private static List<Tuple> movementRows(List<Movement> movements) {
    List<Tuple> rows = new ArrayList<>(movements.size());
    for (Movement m : movements) {
      rows.add(Tuple.tuple(List.of(m.storeId(), m.sku(), m.deltaOnHand(), m.deltaReserved(),
          m.reason().name().toLowerCase(Locale.ROOT))).addValue(m.cause()).addValue(time(m.time())));
    }
    return rows;
  }

  private static List<Tuple> reservationRows(List<Reservation> reservations) {
    List<Tuple> rows = new ArrayList<>(reservations.size());
    for (Reservation r : reservations) {
      rows.add(Tuple.tuple(List.of(r.storeId(), r.id(), r.sku(), r.quantity(),
          r.holder().kind().name().toLowerCase(Locale.ROOT), r.holder().id(), time(r.createdAt()),
          time(r.expiresAt()))));
    }
    return rows;
  }

  private static List<Tuple> endedRows(List<EndedReservation> ended) {
    List<Tuple> rows = new ArrayList<>(ended.size());
    for (EndedReservation e : ended) {
      rows.add(Tuple.of(e.reservation().storeId(), e.reservation().id()));
    }
    return rows;
  }

  /** Stock crossings go to the alerts table: the metric is {@code available}, expected the threshold. */
  private static List<Tuple> stockAlertRows(List<StockAlert> alerts) {
    List<Tuple> rows = new ArrayList<>(alerts.size());
    for (StockAlert a : alerts) {
      StockLevel level = a.level();
      rows.add(Tuple.tuple(List.of(level.storeId(), a.kind().wireName(), "available", (double) level.available(),
          (double) level.lowStockThreshold(), 0.0, time(a.time()), time(a.time()), a.message())));
    }
    return rows;
  }

  private static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
