package io.storepulse.inventory;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reservations through the owner of the store's partition, against a real server: concurrency,
 * release and expiry, each answer durable before it is given.
 */
class ReservationsApiTest {

  static TestServer server;
  static InventoryApi shop;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("pipeline.flushInterval", "200ms"));
    shop = new InventoryApi(server, "res-shop");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void fiftyConcurrentReservationsOfOneAgainstTenAvailableGrantExactlyTen() {
    shop.ingest(InventoryApi.restocked("hot", 10));
    shop.awaitLevel("hot", "restocked to 10", level -> level.getLong("available") == 10);

    List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      requests.add(shop.reserveAsync("hot", new JsonObject().put("quantity", 1).put("ttlSeconds", 600)
          .put("visitorId", "visitor-" + i)));
    }
    Future.join(requests).await();
    int granted = 0;
    int refused = 0;
    for (Future<HttpResponse<Buffer>> request : requests) {
      HttpResponse<Buffer> response = request.result();
      if (response.statusCode() == 201) {
        granted++;
        JsonObject body = response.bodyAsJsonObject();
        assertEquals("hot", body.getString("sku"));
        assertEquals(1, body.getLong("quantity"));
        assertTrue(Instant.parse(body.getString("expiresAt")).isAfter(Instant.now()), body.encode());
      } else {
        assertEquals(0, assertProblem(response, 409).getLong("available"), response.bodyAsString());
        refused++;
      }
    }
    assertEquals(10, granted);
    assertEquals(40, refused);
    // answered only once durable: the table already says so
    JsonObject level = shop.level("hot").bodyAsJsonObject();
    assertEquals(0, level.getLong("available"), level.encode());
    assertEquals(10, level.getLong("reserved"), level.encode());
    assertEquals(10L, server.queryValue(Long.class,
        "SELECT count(*) FROM inventory_reservations WHERE store_id = 'res-shop' AND sku = 'hot'"));
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
  }

  @Test
  void releasingAReservationMakesItsUnitsAvailableAgainAndASecondReleaseIsNotFound() {
    shop.ingest(InventoryApi.restocked("rel", 3));
    shop.awaitLevel("rel", "restocked to 3", level -> level.getLong("available") == 3);

    HttpResponse<Buffer> reserved = shop.reserve("rel", 2, 600, "v-rel");
    assertEquals(201, reserved.statusCode(), reserved.bodyAsString());
    String id = reserved.bodyAsJsonObject().getString("id");
    assertEquals(1, shop.level("rel").bodyAsJsonObject().getLong("available"));

    assertEquals(204, shop.release("rel", id).statusCode());
    JsonObject level = shop.level("rel").bodyAsJsonObject();
    assertEquals(3, level.getLong("available"), level.encode());
    assertEquals(0, level.getLong("reserved"), level.encode());
    assertProblem(shop.release("rel", id), 404);
    assertProblem(shop.release("rel", "no-such-reservation"), 404);
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
  }

  @Test
  void anExpiredReservationIsReleasedByTheOwner() {
    shop.ingest(InventoryApi.restocked("exp", 2));
    shop.awaitLevel("exp", "restocked to 2", level -> level.getLong("available") == 2);

    HttpResponse<Buffer> reserved = shop.reserve("exp", 2, 1, "v-exp");
    assertEquals(201, reserved.statusCode(), reserved.bodyAsString());
    assertEquals(0, shop.level("exp").bodyAsJsonObject().getLong("available"));

    shop.awaitLevel("exp", "the reservation to expire", level -> level.getLong("available") == 2
        && level.getLong("reserved") == 0);
    Deadline.await(Duration.ofSeconds(10), "the expired reservation's row to go", () -> server.queryValue(Long.class,
        "SELECT count(*) FROM inventory_reservations WHERE store_id = 'res-shop' AND sku = 'exp'") == 0);
    assertEquals(1L, server.queryValue(Long.class, "SELECT count(*) FROM inventory_movements"
        + " WHERE store_id = 'res-shop' AND sku = 'exp' AND reason = 'expire' AND delta_reserved = -2"));
  }

  @Test
  void aReservationForMoreThanIsAvailableOrForAnUnknownSkuIsAConflict() {
    shop.ingest(InventoryApi.restocked("few", 1));
    shop.awaitLevel("few", "restocked to 1", level -> level.getLong("available") == 1);
    assertEquals(1, assertProblem(shop.reserve("few", 2, 60, "v-few"), 409).getLong("available"));
    assertEquals(0, assertProblem(shop.reserve("unknown-sku", 1, 60, "v-few"), 409).getLong("available"));
  }

  @Test
  void badReservationRequestsAndForeignKeysAreRefused() {
    assertProblem(shop.reserveAsync("few", new JsonObject().put("quantity", 0).put("visitorId", "v")).await(), 400);
    assertProblem(shop.reserveAsync("few", new JsonObject().put("quantity", 1)).await(), 400);
    assertProblem(shop.reserveAsync("few", new JsonObject().put("quantity", 1).put("visitorId", "v")
        .put("orderId", "o")).await(), 400);
    HttpResponse<Buffer> withReadToken = server.client().post(shop.path("few") + "/reservations")
        .bearerTokenAuthentication(shop.readToken)
        .sendJsonObject(new JsonObject().put("quantity", 1).put("visitorId", "v")).await();
    assertProblem(withReadToken, 403);
    InventoryApi other = new InventoryApi(server, "res-other");
    HttpResponse<Buffer> foreign = server.client().post(shop.path("few") + "/reservations")
        .bearerTokenAuthentication(other.writeKey)
        .sendJsonObject(new JsonObject().put("quantity", 1).put("visitorId", "v")).await();
    assertProblem(foreign, 403);
  }
}
