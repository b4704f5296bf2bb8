package io.storepulse.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the read API answers for a store, in the shape of a dashboard channel's state (key to
 * value, docs/dashboard-protocol.md), so a {@link DashboardMirror} can be compared with it. The
 * read API adds a few fields the channels leave out (a level's {@code updatedAt}, an alert's
 * {@code id} and {@code raisedAt}); the channels add moving averages to metrics windows. Those are
 * dropped on the side that has them.
 */
public final class ReadApiViews {

  private static final DateTimeFormatter ALERT_KEY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private ReadApiViews() {
  }

  /** {@code GET /v1/stores/{store}/metrics?window=…} of the last hour: window start to window. */
  public static JsonObject metrics(StoreKeys store, String window) {
    JsonObject body = get(store, "/v1/stores/" + store.id() + "/metrics?window=" + window);
    JsonObject state = new JsonObject();
    body.getJsonArray("windows").forEach(w -> state.put(((JsonObject) w).getString("start"), w));
    return state;
  }

  /** Every level of {@code GET /v1/stores/{store}/inventory}, page by page: SKU to level. */
  public static JsonObject inventory(StoreKeys store) {
    JsonObject state = new JsonObject();
    String after = "";
    while (true) {
      JsonObject page = get(store, "/v1/stores/" + store.id() + "/inventory?limit=1000&after=" + after);
      page.getJsonArray("items").forEach(item -> {
        JsonObject level = ((JsonObject) item).copy();
        level.remove("updatedAt");
        state.put(level.getString("sku"), level);
      });
      if (!page.containsKey("next")) {
        return state;
      }
      after = page.getString("next");
    }
  }

  /** {@code GET /v1/stores/{store}/alerts}: the channel's key ({@code <time>|<kind>|<message>}) to alert. */
  public static JsonObject alerts(StoreKeys store) {
    JsonObject body = get(store, "/v1/stores/" + store.id() + "/alerts?limit=1000");
    JsonObject state = new JsonObject();
    body.getJsonArray("alerts").forEach(a -> {
      JsonObject alert = ((JsonObject) a).copy();
      alert.remove("id");
      alert.remove("raisedAt");
      state.put(alertKey(alert), alert);
    });
    return state;
  }

  /** The key the alerts channel gives an alert. */
  public static String alertKey(JsonObject alert) {
    return ALERT_KEY_TIME.format(Instant.parse(alert.getString("windowStart"))) + "|" + alert.getString("kind") + "|"
        + alert.getString("message");
  }

  /** A metrics channel state without the moving averages, which the read API's windows do not carry. */
  public static JsonObject withoutMovingAverages(JsonObject metricsState) {
    JsonObject plain = new JsonObject();
    metricsState.forEach(entry -> {
      JsonObject window = ((JsonObject) entry.getValue()).copy();
      window.remove("movingAverages");
      plain.put(entry.getKey(), window);
    });
    return plain;
  }

  /** The sum of one count over every window of a metrics state. */
  public static long total(JsonObject metricsState, String metric) {
    long total = 0;
    for (String start : metricsState.fieldNames()) {
      total += metricsState.getJsonObject(start).getJsonObject("metrics").getLong(metric);
    }
    return total;
  }

  /** The sum of the revenue in one currency over every window of a metrics state. */
  public static BigDecimal revenue(JsonObject metricsState, String currency) {
    BigDecimal total = BigDecimal.ZERO;
    for (String start : metricsState.fieldNames()) {
      String amount = metricsState.getJsonObject(start).getJsonObject("metrics").getJsonObject("revenue")
          .getString(currency);
      if (amount != null) {
        total = total.add(new BigDecimal(amount));
      }
    }
    return total;
  }

  private static JsonObject get(StoreKeys store, String path) {
    HttpResponse<Buffer> response = store.server().client().get(path).bearerTokenAuthentication(store.readToken())
        .send().await();
    assertEquals(200, response.statusCode(), path + ": " + response.bodyAsString());
    return response.bodyAsJsonObject();
  }
}
