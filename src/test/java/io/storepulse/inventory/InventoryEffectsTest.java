package io.storepulse.inventory;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Effects of inventory events applied by the pipeline, adjustments through the API, stock alerts
 * and the ledger, against a real server.
 */
class InventoryEffectsTest {

  static TestServer server;
  static InventoryApi shop;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("pipeline.flushInterval", "200ms"));
    shop = new InventoryApi(server, "fx-shop");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aCompletedOrderCommitsStockAndItsCancellationWithRestockReturnsIt() {
    shop.ingest(InventoryApi.restocked("tea", 10));
    shop.awaitLevel("tea", "restocked to 10", level -> level.getLong("onHand") == 10);
    shop.ingest(InventoryApi.order("o-tea", "tea", 3));
    shop.awaitLevel("tea", "the order to take 3", level -> level.getLong("onHand") == 7);
    shop.ingest(InventoryApi.event("order_cancelled").put("orderId", "o-tea").put("restock", true));
    JsonObject level = shop.awaitLevel("tea", "the cancellation to return 3", l -> l.getLong("onHand") == 10);
    assertEquals(10, level.getLong("available"), level.encode());
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
  }

  @Test
  void aCompletedOrderConsumesTheReservationItsOrderHoldsInsteadOfCountingTwice() {
    shop.ingest(InventoryApi.restocked("kit", 5));
    shop.awaitLevel("kit", "restocked to 5", level -> level.getLong("onHand") == 5);
    HttpResponse<Buffer> reserved = shop.reserveAsync("kit", new JsonObject().put("quantity", 2).put("ttlSeconds", 600)
        .put("orderId", "o-kit")).await();
    assertEquals(201, reserved.statusCode(), reserved.bodyAsString());
    assertEquals(3, shop.level("kit").bodyAsJsonObject().getLong("available"));

    shop.ingest(InventoryApi.order("o-kit", "kit", 2));
    JsonObject level = shop.awaitLevel("kit", "the order to take its 2", l -> l.getLong("onHand") == 3);
    assertEquals(0, level.getLong("reserved"), level.encode());
    assertEquals(3, level.getLong("available"), level.encode());
    assertEquals(0L, server.queryValue(Long.class,
        "SELECT count(*) FROM inventory_reservations WHERE store_id = 'fx-shop' AND sku = 'kit'"));
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
  }

  @Test
  void anAdjustmentSetsOrShiftsOnHandAndARepeatOfItsKeyAnswersTheFirstAnswer() {
    HttpResponse<Buffer> set = shop.adjust("cup", new JsonObject().put("onHand", 20), "adj-1", null);
    assertEquals(200, set.statusCode(), set.bodyAsString());
    JsonObject first = set.bodyAsJsonObject();
    assertEquals(20, first.getLong("onHand"));
    long version = first.getLong("version");
    assertEquals(Long.toString(version), set.getHeader("ETag"));

    HttpResponse<Buffer> shifted = shop.adjust("cup", new JsonObject().put("delta", -5), "adj-2",
        Long.toString(version));
    assertEquals(200, shifted.statusCode(), shifted.bodyAsString());
    assertEquals(15, shifted.bodyAsJsonObject().getLong("onHand"));

    HttpResponse<Buffer> repeat = shop.adjust("cup", new JsonObject().put("onHand", 20), "adj-1", null);
    assertEquals(200, repeat.statusCode(), repeat.bodyAsString());
    assertEquals(first, repeat.bodyAsJsonObject());
    assertEquals(15, shop.level("cup").bodyAsJsonObject().getLong("onHand"), "a repeat changes nothing");
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
  }

  @Test
  void anAdjustmentForAnotherVersionIsRefusedWith412AndChangesNothing() {
    HttpResponse<Buffer> created = shop.adjust("mug", new JsonObject().put("onHand", 4), "cas-1", "0");
    assertEquals(200, created.statusCode(), created.bodyAsString());
    long version = created.bodyAsJsonObject().getLong("version");

    JsonObject problem = assertProblem(shop.adjust("mug", new JsonObject().put("delta", 1), "cas-2",
        Long.toString(version + 7)), 412);
    assertEquals(version, problem.getLong("version"), problem.encode());
    // the refusal is the first answer of its key too
    assertProblem(shop.adjust("mug", new JsonObject().put("delta", 1), "cas-2", Long.toString(version + 7)), 412);
    assertEquals(4, shop.level("mug").bodyAsJsonObject().getLong("onHand"));
  }

  @Test
  void anAdjustmentWithoutIdempotencyKeyOrWithAReusedKeyIsRefused() {
    assertProblem(shop.adjust("pen", new JsonObject().put("onHand", 1), null, null), 400);
    assertProblem(shop.adjust("pen", new JsonObject().put("onHand", 1).put("delta", 1), "bad-1", null), 400);
    assertEquals(200, shop.adjust("pen", new JsonObject().put("onHand", 1), "reused", null).statusCode());
    assertProblem(shop.adjust("pen", new JsonObject().put("onHand", 2), "reused", null), 422);
    HttpResponse<Buffer> asAdmin = server.client().put(shop.path("pen"))
        .bearerTokenAuthentication(TestServer.ADMIN_TOKEN).putHeader("Idempotency-Key", "by-admin")
        .sendJsonObject(new JsonObject().put("delta", 2)).await();
    assertEquals(200, asAdmin.statusCode(), asAdmin.bodyAsString());
    assertEquals(3, asAdmin.bodyAsJsonObject().getLong("onHand"));
  }

  @Test
  void anOrderBeyondTheStockIsAppliedAndRaisesOneOversoldAlert() {
    shop.ingest(InventoryApi.restocked("pot", 1));
    shop.awaitLevel("pot", "restocked to 1", level -> level.getLong("onHand") == 1);
    shop.ingest(InventoryApi.order("o-pot-1", "pot", 3));
    shop.awaitLevel("pot", "oversold to -2", level -> level.getLong("onHand") == -2);
    shop.ingest(InventoryApi.order("o-pot-2", "pot", 1));
    shop.awaitLevel("pot", "oversold to -3", level -> level.getLong("onHand") == -3);

    assertEquals(1L, server.queryValue(Long.class,
        "SELECT count(*) FROM alerts WHERE store_id = 'fx-shop' AND kind = 'oversold' AND message LIKE '%pot%'"));
    assertEquals(1L, server.queryValue(Long.class,
        "SELECT count(*) FROM alerts WHERE store_id = 'fx-shop' AND kind = 'out_of_stock' AND message LIKE '%pot%'"));
    JsonArray alerts = server.client().get("/v1/stores/fx-shop/alerts").bearerTokenAuthentication(shop.readToken)
        .send().await().bodyAsJsonObject().getJsonArray("alerts");
    JsonObject oversold = alerts.stream().map(JsonObject.class::cast)
        .filter(a -> a.getString("kind").equals("oversold")).findFirst().orElseThrow();
    assertEquals("available", oversold.getString("metric"));
    assertEquals(-2.0, oversold.getDouble("observed"), oversold.encode());
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
  }

  @Test
  void theListIsPagedBySkuAndFiltersLowStock() {
    InventoryApi list = new InventoryApi(server, "fx-list");
    list.ingest(InventoryApi.restocked("a", 1), InventoryApi.restocked("b", 50), InventoryApi.restocked("c", 2));
    list.awaitLevel("c", "restocked", level -> level.getLong("onHand") == 2);
    Deadline.await(Duration.ofSeconds(10), "all three levels", () -> page(list, "").getJsonArray("items").size() == 3);

    JsonObject first = page(list, "?limit=2");
    assertEquals(2, first.getJsonArray("items").size(), first.encode());
    assertEquals("b", first.getString("next"));
    JsonObject second = page(list, "?limit=2&after=b");
    assertEquals("c", second.getJsonArray("items").getJsonObject(0).getString("sku"), second.encode());

    JsonObject low = page(list, "?lowStock=true");
    assertEquals(2, low.getJsonArray("items").size(), low.encode());
    assertTrue(low.getJsonArray("items").stream().map(JsonObject.class::cast).allMatch(l -> l.getBoolean("lowStock")));
    assertProblem(server.client().get("/v1/stores/fx-list/inventory/zzz").bearerTokenAuthentication(list.readToken)
        .send().await(), 404);
  }

  private static JsonObject page(InventoryApi api, String query) {
    HttpResponse<Buffer> response = api.server.client().get("/v1/stores/" + api.store + "/inventory" + query)
        .bearerTokenAuthentication(api.readToken).send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }
}
