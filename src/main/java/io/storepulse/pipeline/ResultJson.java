package io.storepulse.pipeline;

import io.storepulse.analytics.Alert;
import io.storepulse.analytics.SkuCount;
import io.storepulse.analytics.StoreMetrics;
import io.storepulse.analytics.WindowResult;
import io.storepulse.analytics.WindowStatus;
import io.storepulse.inventory.StockAlert;
import io.storepulse.inventory.StockLevel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stored and served JSON forms of results, one place for the read API, the result tables and
 * the dashboards. Money stays exact: decimals as strings.
 */
public final class ResultJson {

  private ResultJson() {
  }

  /** A window with its metrics, as the read API lists it. */
  public static JsonObject window(WindowResult w) {
    return new JsonObject()
        .put("start", w.windowStart().toString())
        .put("end", w.windowEnd().toString())
        .put("status", status(w.status()))
        .put("metrics", metrics(w.metrics()));
  }

  public static String status(WindowStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }

  public static String alertKind(Alert alert) {
    return alert.kind().name().toLowerCase(Locale.ROOT);
  }

  /** An anomaly alert as the read API lists it, without the id and time the alerts table adds. */
  public static JsonObject alert(Alert a) {
    return alert(alertKind(a), a.metric(), a.observed(), a.expected(), a.score(), a.windowStart(), a.windowEnd(),
        a.message());
  }

  /** A stock crossing as the alerts table keeps it: metric {@code available}, expected the threshold. */
  public static JsonObject alert(StockAlert a) {
    StockLevel level = a.level();
    return alert(a.kind().wireName(), "available", level.available(), level.lowStockThreshold(), 0.0, a.time(),
        a.time(), a.message());
  }

  /**
   * An alert as the read API lists it, from its fields (the alerts table adds an id and a time).
   * Times to the microsecond, as the alerts table keeps them: a stock alert carries its event's
   * time, which may have nanoseconds, and the dashboards must show what the read API shows.
   */
  static JsonObject alert(String kind, String metric, double observed, double expected, double score,
      Instant windowStart, Instant windowEnd, String message) {
    return new JsonObject()
        .put("kind", kind)
        .put("metric", metric)
        .put("observed", observed)
        .put("expected", expected)
        .put("score", score)
        .put("windowStart", windowStart.truncatedTo(ChronoUnit.MICROS).toString())
        .put("windowEnd", windowEnd.truncatedTo(ChronoUnit.MICROS).toString())
        .put("message", message);
  }

  /** A stock level as the inventory API lists it. */
  public static JsonObject level(StockLevel level) {
    return new JsonObject()
        .put("sku", level.sku())
        .put("onHand", level.onHand())
        .put("reserved", level.reserved())
        .put("available", level.available())
        .put("lowStockThreshold", level.lowStockThreshold())
        .put("lowStock", level.available() < level.lowStockThreshold())
        .put("version", level.version());
  }

  /** One moving-average point: the window's value and both averages up to it. */
  public static JsonObject movingAverage(double value, double simple, double exponential) {
    return new JsonObject().put("value", value).put("simple", simple).put("exponential", exponential);
  }

  public static JsonObject metrics(StoreMetrics m) {
    return new JsonObject()
        .put("events", m.events())
        .put("visitors", m.visitors())
        .put("pageViews", m.pageViews())
        .put("productViews", m.productViews())
        .put("carts", m.carts())
        .put("cartRemovals", m.cartRemovals())
        .put("checkouts", m.checkouts())
        .put("orders", m.orders())
        .put("units", m.units())
        .put("cancellations", m.cancellations())
        .put("refunds", m.refunds())
        .put("paymentFailures", m.paymentFailures())
        .put("sessions", m.sessions())
        .put("sessionsWithOrder", m.sessionsWithOrder())
        .put("revenue", money(m.revenue()))
        .put("averageOrderValue", money(m.averageOrderValue()))
        .put("refundAmount", money(m.refundAmount()))
        .put("conversion", new JsonObject()
            .put("viewToCart", decimal(m.viewToCart()))
            .put("cartToCheckout", decimal(m.cartToCheckout()))
            .put("checkoutToOrder", decimal(m.checkoutToOrder()))
            .put("sessionToOrder", decimal(m.sessionToOrder())))
        .put("topByUnits", ranking(m.topByUnits()))
        .put("topByViews", ranking(m.topByViews()));
  }

  /** Currency to amount, amounts as plain decimal strings ("19.99", never "1.999E+1"). */
  public static JsonObject money(Map<String, BigDecimal> amounts) {
    JsonObject json = new JsonObject();
    amounts.forEach((currency, amount) -> json.put(currency, amount.toPlainString()));
    return json;
  }

  public static JsonArray ranking(List<SkuCount> ranking) {
    JsonArray json = new JsonArray();
    ranking.forEach(entry -> json.add(new JsonObject().put("sku", entry.sku()).put("count", entry.count())));
    return json;
  }

  private static String decimal(BigDecimal value) {
    return value == null ? null : value.toPlainString();
  }
}
