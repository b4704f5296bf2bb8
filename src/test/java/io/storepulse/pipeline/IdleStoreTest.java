package io.storepulse.pipeline;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A store that falls silent still gets its windows closed: the watermark follows the wall clock. */
class IdleStoreTest {

  private static final String STORE = "quiet-shop";
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(1);
  private static final Duration IDLE_GRACE = Duration.ofSeconds(1);
  private static final Duration ALLOWED_LATENESS = Duration.ofSeconds(1);

  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void windowOfAStoreThatFallsSilentBecomesFinalWithoutAnotherEvent() {
    server = TestServer.start(Map.of(
        "windows.short", "10s",
        "windows.outOfOrderness", "1s",
        "windows.idleGrace", "1s",
        "windows.allowedLateness", "1s",
        "pipeline.flushInterval", "200ms"));
    JsonObject created = server.createStore(STORE);
    String writeKey = created.getJsonObject("writeKey").getString("key");
    String readToken = created.getJsonObject("readToken").getString("key");

    // early in a window, so that it is still open when its first result is persisted
    Deadline.await(Duration.ofSeconds(15), "the start of a 10 s window",
        () -> Instant.now().toEpochMilli() % WINDOW.toMillis() < 2_000);
    Instant now = Instant.now();
    Instant windowStart = Instant.ofEpochMilli(now.toEpochMilli() / WINDOW.toMillis() * WINDOW.toMillis());
    Instant windowEnd = windowStart.plus(WINDOW);
    JsonArray events = new JsonArray()
        .add(event("q-1", "page_viewed", now).put("visitorId", "v1"))
        .add(event("q-2", "product_viewed", now).put("visitorId", "v1").put("sku", "tea"))
        .add(event("q-3", "order_completed", now).put("visitorId", "v1").put("orderId", "A-1")
            .put("currency", "EUR").put("items", new JsonArray().add(new JsonObject()
                .put("sku", "tea").put("quantity", 2).put("price", "3.20"))));
    assertEquals(3, assertIngestAnswer(server.ingest(writeKey, new JsonObject().put("events", events)), 3)
        .getInteger("accepted"));
    long logRows = server.eventRows("");

    AtomicReference<JsonObject> firstSeen = new AtomicReference<>();
    Deadline.await(Duration.ofSeconds(5), "the open window to be persisted", () -> {
      firstSeen.set(window(readToken, windowStart));
      return firstSeen.get() != null;
    });
    assertEquals("provisional", firstSeen.get().getString("status"), firstSeen.get().encode());

    // the watermark of an idle partition is wall clock - outOfOrderness - idleGrace; the window is
    // final once it reaches end - 1 ms + allowedLateness
    Instant earliestFinal = windowEnd.plus(OUT_OF_ORDERNESS).plus(IDLE_GRACE).plus(ALLOWED_LATENESS).minusMillis(1);
    AtomicReference<JsonObject> latest = new AtomicReference<>();
    AtomicReference<Instant> seenFinalAt = new AtomicReference<>();
    Deadline.await(Duration.ofSeconds(30), "the silent store's window to become final", () -> {
      latest.set(window(readToken, windowStart));
      seenFinalAt.set(Instant.now());
      return latest.get().getString("status").equals("final");
    });

    assertFalse(seenFinalAt.get().isBefore(earliestFinal),
        "final at " + seenFinalAt.get() + ", before the idle watermark could pass " + earliestFinal);
    assertEquals(logRows, server.eventRows(""), "no event reached the log while the store was silent");
    JsonObject window = latest.get();
    assertEquals(windowEnd.toString(), window.getString("end"));
    JsonObject metrics = window.getJsonObject("metrics");
    assertEquals(3, metrics.getLong("events"), window.encode());
    assertEquals(1, metrics.getLong("orders"), window.encode());
    assertEquals(2, metrics.getLong("units"), window.encode());
    assertEquals(new JsonObject().put("EUR", "6.40"), metrics.getJsonObject("revenue"), window.encode());
    assertTrue(metrics.getLong("visitors") == 1, window.encode());
  }

  private static JsonObject event(String id, String type, Instant time) {
    return new JsonObject().put("id", id).put("type", type).put("time", time.toString());
  }

  /** The store's 10 s window starting at {@code start}, through the query API; null before it is persisted. */
  private JsonObject window(String readToken, Instant start) {
    HttpResponse<Buffer> response = server.client()
        .get("/v1/stores/" + STORE + "/metrics")
        .addQueryParam("window", "10s")
        .addQueryParam("from", start.toString())
        .addQueryParam("to", start.plusMillis(1).toString())
        .bearerTokenAuthentication(readToken)
        .send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonArray windows = response.bodyAsJsonObject().getJsonArray("windows");
    return windows.isEmpty() ? null : windows.getJsonObject(0);
  }
}
