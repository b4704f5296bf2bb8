package io.storepulse.http;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read API over the pipeline's results, for a small stream whose every figure is known: three
 * past minutes of one store, the last with a burst of payment failures.
 */
class QueryApiTest {

  private static final String STORE = "qa-shop";
  private static final String OTHER_STORE = "qa-other";
  /** Sends the event that closes the three minutes; never queried. */
  private static final String CLOCK_STORE = "qa-clock";

  static TestServer server;
  static String writeKey;
  static String readToken;
  static String otherReadToken;
  /** The three minutes of the stream, oldest first. */
  static Instant m0;
  static Instant m1;
  static Instant m2;

  @BeforeAll
  static void streamThreeMinutes() {
    // An idle partition's watermark follows the wall clock less the idle grace from its first
    // idle second on, before any event too: with a short grace, minutes-old events that reach it
    // after that second are all late (a race this test lost on a loaded machine). A long grace
    // keeps them on time; an event of another store of the one partition, stamped now, then moves
    // the watermark past the three minutes.
    server = TestServer.start(Map.of(
        "pipeline.partitions", "1",
        "windows.allowedLateness", "5s",
        "windows.idleGrace", "10m",
        "pipeline.flushInterval", "200ms",
        "analytics.anomalyWarmUp", "2",
        "analytics.anomalyK", "2"));
    JsonObject created = server.createStore(STORE);
    writeKey = created.getJsonObject("writeKey").getString("key");
    readToken = created.getJsonObject("readToken").getString("key");
    otherReadToken = server.createStore(OTHER_STORE).getJsonObject("readToken").getString("key");

    m2 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
    m1 = m2.minus(Duration.ofMinutes(1));
    m0 = m1.minus(Duration.ofMinutes(1));
    List<JsonObject> events = new ArrayList<>();
    // minute 0: a visitor's full funnel; order A = tea x3 at 2.50 + mug at 4.00
    events.add(event("a1", "page_viewed", m0, 1).put("visitorId", "v1"));
    events.add(product("a2", "product_viewed", m0, 2, "v1", "tea"));
    events.add(product("a3", "product_viewed", m0, 3, "v2", "tea"));
    events.add(product("a4", "product_viewed", m0, 4, "v2", "mug"));
    events.add(product("a5", "product_added", m0, 5, "v1", "tea"));
    events.add(event("a6", "checkout_started", m0, 6).put("visitorId", "v1"));
    events.add(order("a7", m0, 7, "A", line("tea", 3, "2.50"), line("mug", 1, "4.00")));
    // minute 1: order B = tea x2, mug, cup
    events.add(event("b1", "page_viewed", m1, 1).put("visitorId", "v2"));
    events.add(order("b2", m1, 2, "B", line("tea", 2, "2.50"), line("mug", 1, "4.00"), line("cup", 1, "1.00")));
    // minute 2: views mug x3, cup x2, tea x1; order C = cup x4 + pot, order D = mug x2 + pot; 10 payment failures
    int second = 1;
    for (String sku : List.of("mug", "mug", "mug", "cup", "cup", "tea")) {
      events.add(product("c-view-" + second, "product_viewed", m2, second++, "v3", sku));
    }
    events.add(order("c1", m2, second++, "C", line("cup", 4, "1.00"), line("pot", 1, "9.99")));
    events.add(order("c2", m2, second++, "D", line("mug", 2, "4.00"), line("pot", 1, "9.99")));
    for (int i = 0; i < 10; i++) {
      events.add(event("c-fail-" + i, "payment_failed", m2, second++).put("visitorId", "v3"));
    }
    JsonObject answer = assertIngestAnswer(
        server.ingest(writeKey, new JsonObject().put("events", new JsonArray(new ArrayList<>(events)))), events.size());
    assertEquals(events.size(), answer.getInteger("accepted"), answer.encode());
    JsonObject clock = assertIngestAnswer(server.ingest(server.writeKeyOfNewStore(CLOCK_STORE),
        event("clock", "page_viewed", Instant.now(), 0).put("visitorId", "clock")), 1);
    assertEquals(1, clock.getInteger("accepted"), clock.encode());

    Deadline.await(Duration.ofSeconds(60), "the three minutes to be final and the alert raised", () -> {
      JsonArray windows = get(metricsPath("1m", m0, m2.plus(Duration.ofMinutes(1)))).bodyAsJsonObject()
          .getJsonArray("windows");
      boolean allFinal = windows.size() == 3
          && windows.stream().allMatch(w -> ((JsonObject) w).getString("status").equals("final"));
      return allFinal && !get("/v1/stores/" + STORE + "/alerts").bodyAsJsonObject().getJsonArray("alerts").isEmpty();
    });
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void metricsAnswerTheWindowsInRangeWithCountsRatesMoneyAndTopProducts() {
    HttpResponse<Buffer> response = get(metricsPath("1m", m0, m0.plusSeconds(60)));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("application/json"), response.getHeader("Content-Type"));
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(STORE, body.getString("store"));
    assertEquals("1m", body.getString("window"));
    assertEquals(1, body.getJsonArray("windows").size(), body.encode());
    JsonObject window = body.getJsonArray("windows").getJsonObject(0);
    assertEquals(m0.toString(), window.getString("start"));
    assertEquals(m1.toString(), window.getString("end"));
    assertEquals("final", window.getString("status"));

    JsonObject m = window.getJsonObject("metrics");
    assertEquals(7, m.getLong("events"));
    assertEquals(3, m.getLong("visitors")); // v1, v2 and the buyer of order A
    assertEquals(1, m.getLong("pageViews"));
    assertEquals(3, m.getLong("productViews"));
    assertEquals(1, m.getLong("carts"));
    assertEquals(1, m.getLong("checkouts"));
    assertEquals(1, m.getLong("orders"));
    assertEquals(4, m.getLong("units"));
    assertEquals(0, m.getLong("paymentFailures"));
    assertEquals(new JsonObject().put("EUR", "11.50"), m.getJsonObject("revenue"));
    assertEquals(new JsonObject().put("EUR", "11.50"), m.getJsonObject("averageOrderValue"));
    JsonObject conversion = m.getJsonObject("conversion");
    assertEquals("0.3333", conversion.getString("viewToCart"));
    assertEquals("1.0000", conversion.getString("cartToCheckout"));
    assertEquals("1.0000", conversion.getString("checkoutToOrder"));
    assertEquals(ranking("tea", 3, "mug", 1), m.getJsonArray("topByUnits"));
    assertEquals(ranking("tea", 2, "mug", 1), m.getJsonArray("topByViews"));
  }

  @Test
  void metricsOfTheLongAndHoppingWindowsSumTheMinutesTheyCover() {
    JsonObject hours = get(metricsPath("1h", m0.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1)),
        m2.plus(Duration.ofHours(1)))).bodyAsJsonObject();
    long orders = 0;
    for (Object window : hours.getJsonArray("windows")) {
      orders += ((JsonObject) window).getJsonObject("metrics").getLong("orders");
    }
    assertEquals(4, orders, hours.encode());

    // the 5 min window starting at minute 0 holds all three minutes: orders A to D
    JsonObject hopping = get(metricsPath("5m", m0, m0.plusMillis(1))).bodyAsJsonObject();
    assertEquals("5m", hopping.getString("window"));
    JsonObject metrics = hopping.getJsonArray("windows").getJsonObject(0).getJsonObject("metrics");
    assertEquals(4, metrics.getLong("orders"), hopping.encode());
    assertEquals(new JsonObject().put("EUR", "53.48"), metrics.getJsonObject("revenue"), hopping.encode());
    assertEquals(10, metrics.getLong("paymentFailures"), hopping.encode());
  }

  @Test
  void metricsWithoutAWindowAreTheShortOnesAndAnEmptyRangeIsAnEmptyList() {
    JsonObject defaults = get("/v1/stores/" + STORE + "/metrics?from=" + m0).bodyAsJsonObject();
    assertEquals("1m", defaults.getString("window"));
    assertEquals(3, defaults.getJsonArray("windows").size(), defaults.encode());

    JsonObject empty = get(metricsPath("1m", m2.plus(Duration.ofDays(1)), m2.plus(Duration.ofDays(2))))
        .bodyAsJsonObject();
    assertEquals(new JsonArray(), empty.getJsonArray("windows"));
  }

  @Test
  void trendingRanksTheLatestWindowsProductsByUnitsOrViewsTiesBySku() {
    JsonObject byUnits = get("/v1/stores/" + STORE + "/trending?window=1m&by=units&limit=3").bodyAsJsonObject();
    assertEquals("units", byUnits.getString("by"));
    assertEquals(m2.toString(), byUnits.getString("windowStart"), byUnits.encode());
    assertEquals(m2.plusSeconds(60).toString(), byUnits.getString("windowEnd"));
    assertEquals("final", byUnits.getString("status"));
    assertEquals(ranking("cup", 4, "mug", 2, "pot", 2), byUnits.getJsonArray("products"));

    JsonObject byViews = get("/v1/stores/" + STORE + "/trending?by=views&limit=2").bodyAsJsonObject();
    assertEquals(ranking("mug", 3, "cup", 2), byViews.getJsonArray("products"));
  }

  @Test
  void trendingOfAStoreWithoutWindowsIsEmpty() {
    HttpResponse<Buffer> response = request("/v1/stores/" + OTHER_STORE + "/trending", otherReadToken);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(new JsonArray(), response.bodyAsJsonObject().getJsonArray("products"));
  }

  @Test
  void recommendationsAreTheProductsBoughtTogetherMostOftenFirst() {
    JsonObject body = get("/v1/stores/" + STORE + "/recommendations?sku=tea&relation=bought&limit=5").bodyAsJsonObject();
    assertEquals("tea", body.getString("sku"));
    assertEquals("bought", body.getString("relation"));
    JsonArray products = body.getJsonArray("products");
    assertEquals(2, products.size(), body.encode());
    // tea went with mug in orders A and B and with cup in B; a 7-day half-life barely decays minutes
    assertEquals("mug", products.getJsonObject(0).getString("sku"), body.encode());
    assertEquals(2.0, products.getJsonObject(0).getDouble("score"), 0.01, body.encode());
    assertEquals("cup", products.getJsonObject(1).getString("sku"), body.encode());
    assertEquals(1.0, products.getJsonObject(1).getDouble("score"), 0.01, body.encode());

    JsonObject limited = get("/v1/stores/" + STORE + "/recommendations?sku=tea&limit=1").bodyAsJsonObject();
    assertEquals(1, limited.getJsonArray("products").size(), limited.encode());
    JsonObject unknown = get("/v1/stores/" + STORE + "/recommendations?sku=kettle").bodyAsJsonObject();
    assertEquals(new JsonArray(), unknown.getJsonArray("products"));
  }

  @Test
  void burstOfPaymentFailuresAfterTheWarmUpRaisesOneSpikeAlert() {
    JsonObject body = get("/v1/stores/" + STORE + "/alerts").bodyAsJsonObject();
    List<JsonObject> spikes = new ArrayList<>();
    for (Object alert : body.getJsonArray("alerts")) {
      if (((JsonObject) alert).getString("metric").equals("payment_failures")) {
        spikes.add((JsonObject) alert);
      }
    }
    assertEquals(1, spikes.size(), body.encode());
    JsonObject spike = spikes.get(0);
    assertEquals("spike", spike.getString("kind"));
    assertEquals(10.0, spike.getDouble("observed"));
    assertEquals(0.0, spike.getDouble("expected"));
    assertTrue(spike.getDouble("score") > 2, spike.encode());
    assertEquals(m2.toString(), spike.getString("windowStart"));
    assertEquals(m2.plusSeconds(60).toString(), spike.getString("windowEnd"));
    assertTrue(spike.getString("message").contains("payment failures"), spike.encode());

    long id = spike.getLong("id");
    JsonArray after = get("/v1/stores/" + STORE + "/alerts?since=" + id).bodyAsJsonObject().getJsonArray("alerts");
    assertTrue(after.stream().allMatch(a -> ((JsonObject) a).getLong("id") > id), after.encode());
    JsonArray others = request("/v1/stores/" + OTHER_STORE + "/alerts", otherReadToken).bodyAsJsonObject()
        .getJsonArray("alerts");
    assertEquals(new JsonArray(), others, "another store's alerts");
  }

  @ParameterizedTest
  @ValueSource(strings = {"metrics", "trending", "alerts", "recommendations?sku=tea"})
  void everyQueryNeedsAReadTokenOfThatStore(String query) {
    String path = "/v1/stores/" + STORE + "/" + query;
    assertProblem(server.client().get(path).send().await(), 401);
    assertProblem(request(path, "spr_not-a-token"), 401);
    assertProblem(request(path, otherReadToken), 403);
    assertProblem(request(path, writeKey), 403);
    assertProblem(request("/v1/stores/" + OTHER_STORE + "/" + query, readToken), 403);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "metrics?window=2m", "metrics?window=", "metrics?from=yesterday", "metrics?to=2026-13-01T00:00:00Z",
      "metrics?limit=0", "trending?by=revenue", "trending?limit=0", "trending?limit=11", "trending?limit=x",
      "alerts?since=latest", "recommendations", "recommendations?sku=tea&relation=liked",
      "recommendations?sku=tea&limit=101"})
  void badQueryParametersAre400WithAReason(String query) {
    assertProblem(get("/v1/stores/" + STORE + "/" + query), 400);
  }

  private static String metricsPath(String kind, Instant from, Instant to) {
    return "/v1/stores/" + STORE + "/metrics?window=" + kind + "&from=" + from + "&to=" + to;
  }

  private static HttpResponse<Buffer> get(String path) {
    return request(path, readToken);
  }

  private static HttpResponse<Buffer> request(String path, String token) {
    HttpRequest<Buffer> request = server.client().get(path).bearerTokenAuthentication(token);
    return request.send().await();
  }

  private static JsonObject event(String id, String type, Instant minute, int second) {
    return new JsonObject().put("id", id).put("type", type).put("time", minute.plusSeconds(second).toString());
  }

  private static JsonObject product(String id, String type, Instant minute, int second, String visitor, String sku) {
    return event(id, type, minute, second).put("visitorId", visitor).put("sku", sku);
  }

  private static JsonObject order(String id, Instant minute, int second, String orderId, JsonObject... lines) {
    return event(id, "order_completed", minute, second).put("visitorId", "v-" + orderId).put("orderId", orderId)
        .put("currency", "EUR").put("items", new JsonArray(List.of((Object[]) lines)));
  }

  private static JsonObject line(String sku, int quantity, String price) {
    return new JsonObject().put("sku", sku).put("quantity", quantity).put("price", price);
  }

  private static JsonArray ranking(Object... skuAndCount) {
    JsonArray ranking = new JsonArray();
    for (int i = 0; i < skuAndCount.length; i += 2) {
      ranking.add(new JsonObject().put("sku", skuAndCount[i]).put("count", skuAndCount[i + 1]));
    }
    return ranking;
  }
}
