package io.storepulse.pipeline;

import io.storepulse.analytics.SkuCount;
import io.storepulse.analytics.StoreMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** The stored and served JSON form of window results. Money stays exact: decimals as strings. */
public final class ResultJson {

  private ResultJson() {
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
