package io.storepulse.inventory;

import io.storepulse.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Soft cart reservations, switched on per store by {@code inventory.cartReservations}, and the
 * reservation API's {@code inventory.reservationMaxTtl}, against a real server.
 */
class InventoryCartReservationsTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("pipeline.flushInterval", "200ms",
        "inventory.cartReservations", "cart-on", "inventory.reservationMaxTtl", "10m"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void productAddedHoldsStockAndProductRemovedReleasesItInAStoreWithCartReservations() {
    InventoryApi shop = new InventoryApi(server, "cart-on");
    shop.ingest(InventoryApi.restocked("tea", 10));
    shop.awaitLevel("tea", "restocked to 10", level -> level.getLong("onHand") == 10);

    shop.ingest(cart("product_added", "v-1", "tea", 3));
    JsonObject held = shop.awaitLevel("tea", "the cart to hold 3", level -> level.getLong("reserved") == 3);
    assertEquals(10, held.getLong("onHand"), held.encode());
    assertEquals(7, held.getLong("available"), held.encode());
    assertEquals(1L, server.queryValue(Long.class,
        "SELECT count(*) FROM inventory_reservations WHERE store_id = 'cart-on' AND sku = 'tea'"));

    shop.ingest(cart("product_removed", "v-1", "tea", 3));
    JsonObject released = shop.awaitLevel("tea", "the removal to release", level -> level.getLong("reserved") == 0);
    assertEquals(10, released.getLong("available"), released.encode());
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
  }

  @Test
  void productAddedHoldsNothingInAStoreWithoutCartReservations() {
    InventoryApi shop = new InventoryApi(server, "cart-off");
    shop.ingest(InventoryApi.restocked("tea", 10));
    shop.awaitLevel("tea", "restocked to 10", level -> level.getLong("onHand") == 10);
    shop.ingest(cart("product_added", "v-1", "tea", 3), InventoryApi.restocked("tea", 1));
    // the restock after the cart event shows the cart event has been applied
    JsonObject level = shop.awaitLevel("tea", "the later restock", l -> l.getLong("onHand") == 11);
    assertEquals(0, level.getLong("reserved"), level.encode());
    assertEquals(11, level.getLong("available"), level.encode());
  }

  @Test
  void aReservationLongerThanTheConfiguredMaximumIsRefused() {
    InventoryApi shop = new InventoryApi(server, "cart-ttl");
    shop.ingest(InventoryApi.restocked("tea", 5));
    shop.awaitLevel("tea", "restocked to 5", level -> level.getLong("onHand") == 5);
    assertProblem(shop.reserve("tea", 1, 601, "v-1"), 400);
    assertEquals(201, shop.reserve("tea", 1, 600, "v-1").statusCode());
  }

  private static JsonObject cart(String type, String visitorId, String sku, int quantity) {
    return InventoryApi.event(type).put("visitorId", visitorId).put("sku", sku).put("quantity", quantity)
        .put("price", "2.50").put("currency", "EUR");
  }
}
