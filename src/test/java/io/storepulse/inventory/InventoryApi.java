package io.storepulse.inventory;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** One store of a {@link TestServer}, with the inventory API and inventory events at hand. */
final class InventoryApi {

  private static final AtomicInteger IDS = new AtomicInteger();

  final TestServer server;
  final String store;
  final String writeKey;
  final String readToken;

  InventoryApi(TestServer server, String store) {
    this.server = server;
    this.store = store;
    JsonObject created = server.createStore(store);
    this.writeKey = created.getJsonObject("writeKey").getString("key");
    this.readToken = created.getJsonObject("readToken").getString("key");
  }

  private InventoryApi(TestServer server, String store, String writeKey, String readToken) {
    this.server = server;
    this.store = store;
    this.writeKey = writeKey;
    this.readToken = readToken;
  }

  /** A store created earlier (on a server since restarted on the same database); reads only. */
  static InventoryApi existing(TestServer server, String store, String readToken) {
    return new InventoryApi(server, store, null, readToken);
  }

  void ingest(JsonObject... events) {
    JsonObject answer = assertIngestAnswer(
        server.ingest(writeKey, new JsonObject().put("events", new JsonArray(List.of((Object[]) events)))), events.length);
    assertEquals(events.length, answer.getInteger("accepted"), answer.encode());
  }

  static JsonObject event(String type) {
    return new JsonObject().put("id", "inv-" + IDS.incrementAndGet()).put("type", type)
        .put("time", Instant.now().toString());
  }

  static JsonObject restocked(String sku, int quantity) {
    return event("inventory_restocked").put("sku", sku).put("quantity", quantity);
  }

  static JsonObject order(String orderId, String sku, int quantity) {
    return event("order_completed").put("orderId", orderId).put("visitorId", "v-" + orderId).put("currency", "EUR")
        .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", quantity).put("price", "1.00")));
  }

  HttpResponse<Buffer> level(String sku) {
    return server.client().get(path(sku)).bearerTokenAuthentication(readToken).send().await();
  }

  /** Polls the level until it satisfies {@code condition}; returns it. */
  JsonObject awaitLevel(String sku, String what, Predicate<JsonObject> condition) {
    JsonObject[] last = new JsonObject[1];
    Deadline.await(Duration.ofSeconds(30), sku + ": " + what, () -> {
      HttpResponse<Buffer> response = level(sku);
      if (response.statusCode() != 200) {
        return false;
      }
      last[0] = response.bodyAsJsonObject();
      return condition.test(last[0]);
    });
    return last[0];
  }

  Future<HttpResponse<Buffer>> reserveAsync(String sku, JsonObject body) {
    return server.client().post(path(sku) + "/reservations").bearerTokenAuthentication(writeKey).sendJsonObject(body);
  }

  HttpResponse<Buffer> reserve(String sku, long quantity, long ttlSeconds, String visitorId) {
    return reserveAsync(sku, new JsonObject().put("quantity", quantity).put("ttlSeconds", ttlSeconds)
        .put("visitorId", visitorId)).await();
  }

  HttpResponse<Buffer> release(String sku, String id) {
    return server.client().delete(path(sku) + "/reservations/" + id).bearerTokenAuthentication(writeKey).send().await();
  }

  HttpResponse<Buffer> adjust(String sku, JsonObject body, String idempotencyKey, String ifMatch) {
    var request = server.client().put(path(sku)).bearerTokenAuthentication(writeKey);
    if (idempotencyKey != null) {
      request.putHeader("Idempotency-Key", idempotencyKey);
    }
    if (ifMatch != null) {
      request.putHeader("If-Match", ifMatch);
    }
    return request.sendJsonObject(body).await();
  }

  String path(String sku) {
    return "/v1/stores/" + store + "/inventory/" + sku;
  }

  /** Levels of the store that differ from the sum of their movements; 0 when the ledger holds. */
  long levelsDifferingFromTheirLedger() {
    return server.queryValue(Long.class, """
        SELECT count(*) FROM inventory_levels l
        WHERE l.store_id = ? AND (
          l.on_hand <> (SELECT coalesce(sum(m.delta_on_hand), 0) FROM inventory_movements m
                        WHERE m.store_id = l.store_id AND m.sku = l.sku)
          OR l.reserved <> (SELECT coalesce(sum(m.delta_reserved), 0) FROM inventory_movements m
                            WHERE m.store_id = l.store_id AND m.sku = l.sku))""", store);
  }
}
