package io.storepulse.pipeline;

import io.storepulse.inventory.StockLevel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Reads persisted results for the query API and for the dashboards' channel history. */
public final class ResultQueries {

  private static final String WINDOWS = """
      SELECT window_start, window_end, status, metrics FROM window_metrics
      WHERE store_id = $1 AND window_kind = $2 AND window_start >= $3 AND window_start < $4
      ORDER BY window_start
      LIMIT $5""";

  private static final String LATEST_WINDOW = """
      SELECT window_start, window_end, status, metrics FROM window_metrics
      WHERE store_id = $1 AND window_kind = $2
      ORDER BY window_start DESC
      LIMIT 1""";

  private static final String ALERTS = """
      SELECT id, kind, metric, observed, expected, score, window_start, window_end, message, raised_at
      FROM alerts WHERE store_id = $1 AND id > $2
      ORDER BY id
      LIMIT $3""";

  private static final String LEVELS = """
      SELECT sku, on_hand, reserved, version, low_stock_threshold, updated_at FROM inventory_levels
      WHERE store_id = $1 AND sku > $2 AND (NOT $3 OR on_hand - reserved < low_stock_threshold)
      ORDER BY sku
      LIMIT $4""";

  private static final String LEVEL = """
      SELECT sku, on_hand, reserved, version, low_stock_threshold, updated_at FROM inventory_levels
      WHERE store_id = $1 AND sku = $2""";

  private static final String RECENT_WINDOWS = """
      SELECT window_start, window_end, status, metrics FROM window_metrics
      WHERE store_id = $1 AND window_kind = $2
      ORDER BY window_start DESC
      LIMIT $3""";

  private static final String MOVING_AVERAGES = """
      SELECT metric, window_start, value, simple, exponential FROM moving_averages
      WHERE store_id = $1 AND window_start >= $2
      ORDER BY window_start, metric""";

  private static final String LATEST_ALERTS = """
      SELECT id, kind, metric, observed, expected, score, window_start, window_end, message, raised_at
      FROM alerts WHERE store_id = $1
      ORDER BY id DESC
      LIMIT $2""";

  private final Pool pool;

  public ResultQueries(Pool pool) {
    this.pool = pool;
  }

  /** Windows of one kind whose start is in [from, to), oldest first. */
  public Future<JsonArray> windows(String storeId, String kind, Instant from, Instant to, int limit) {
    return pool.preparedQuery(WINDOWS).execute(Tuple.of(storeId, kind, time(from), time(to), limit)).map(rows -> {
      JsonArray windows = new JsonArray();
      rows.forEach(row -> windows.add(window(row)));
      return windows;
    });
  }

  /** The newest window of a kind, or null when the store has none yet. */
  public Future<JsonObject> latestWindow(String storeId, String kind) {
    return pool.preparedQuery(LATEST_WINDOW).execute(Tuple.of(storeId, kind))
        .map(rows -> rows.size() == 0 ? null : window(rows.iterator().next()));
  }

  /** The newest {@code limit} windows of a kind, newest first. */
  public Future<JsonArray> recentWindows(String storeId, String kind, int limit) {
    return pool.preparedQuery(RECENT_WINDOWS).execute(Tuple.of(storeId, kind, limit)).map(rows -> {
      JsonArray windows = new JsonArray();
      rows.forEach(row -> windows.add(window(row)));
      return windows;
    });
  }

  /**
   * Moving-average points of windows starting at or after {@code from}, oldest first: objects with
   * {@code metric}, {@code windowStart} and the {@link io.storepulse.pipeline.ResultJson#movingAverage} fields.
   */
  public Future<JsonArray> movingAverages(String storeId, Instant from) {
    return pool.preparedQuery(MOVING_AVERAGES).execute(Tuple.of(storeId, time(from))).map(rows -> {
      JsonArray points = new JsonArray();
      for (Row row : rows) {
        points.add(ResultJson.movingAverage(row.getDouble("value"), row.getDouble("simple"),
                row.getDouble("exponential"))
            .put("metric", row.getString("metric"))
            .put("windowStart", instant(row, "window_start")));
      }
      return points;
    });
  }

  /** Alerts with an id above {@code sinceId}, oldest first. */
  public Future<JsonArray> alerts(String storeId, long sinceId, int limit) {
    return pool.preparedQuery(ALERTS).execute(Tuple.of(storeId, sinceId, limit)).map(ResultQueries::alertList);
  }

  /** The newest {@code limit} alerts, newest first. */
  public Future<JsonArray> latestAlerts(String storeId, int limit) {
    return pool.preparedQuery(LATEST_ALERTS).execute(Tuple.of(storeId, limit)).map(ResultQueries::alertList);
  }

  private static JsonArray alertList(Iterable<Row> rows) {
    JsonArray alerts = new JsonArray();
    for (Row row : rows) {
      alerts.add(ResultJson.alert(row.getString("kind"), row.getString("metric"), row.getDouble("observed"),
              row.getDouble("expected"), row.getDouble("score"), row.getOffsetDateTime("window_start").toInstant(),
              row.getOffsetDateTime("window_end").toInstant(), row.getString("message"))
          .put("id", row.getLong("id"))
          .put("raisedAt", instant(row, "raised_at")));
    }
    return alerts;
  }

  /** Stock levels of a store with a SKU after {@code afterSku}, by SKU; only low ones with {@code lowStock}. */
  public Future<JsonArray> levels(String storeId, boolean lowStock, String afterSku, int limit) {
    return pool.preparedQuery(LEVELS).execute(Tuple.of(storeId, afterSku, lowStock, limit)).map(rows -> {
      JsonArray levels = new JsonArray();
      rows.forEach(row -> levels.add(level(storeId, row)));
      return levels;
    });
  }

  /** One stock level, or null when the store has none for the SKU. */
  public Future<JsonObject> level(String storeId, String sku) {
    return pool.preparedQuery(LEVEL).execute(Tuple.of(storeId, sku))
        .map(rows -> rows.size() == 0 ? null : level(storeId, rows.iterator().next()));
  }

  /** A level as {@link ResultJson#level} has it, with the time of its last change. */
  private static JsonObject level(String storeId, Row row) {
    StockLevel level = new StockLevel(storeId, row.getString("sku"), row.getLong("on_hand"), row.getLong("reserved"),
        row.getLong("version"), row.getLong("low_stock_threshold"));
    return ResultJson.level(level).put("updatedAt", instant(row, "updated_at"));
  }

  private static JsonObject window(Row row) {
    return new JsonObject()
        .put("start", instant(row, "window_start"))
        .put("end", instant(row, "window_end"))
        .put("status", row.getString("status"))
        .put("metrics", (JsonObject) row.getJson("metrics"));
  }

  private static String instant(Row row, String column) {
    return row.getOffsetDateTime(column).toInstant().toString();
  }

  private static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
