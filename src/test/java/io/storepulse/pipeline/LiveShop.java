package io.storepulse.pipeline;

import io.storepulse.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A store sending its events as they happen: stamped with the current time, in requests spread
 * over a few seconds. Events stamped in the past would be late for a server whose idle watermark
 * follows the wall clock; with short windows ({@link #SETTINGS}) these become final, with their
 * moving averages, within seconds of the last request.
 */
final class LiveShop {

  /** Two-second short windows that close a few seconds after their end. */
  static final Map<String, String> SETTINGS = Map.of(
      "windows.short", "2s",
      "windows.outOfOrderness", "1s",
      "windows.allowedLateness", "1s",
      "windows.idleGrace", "1s",
      "pipeline.flushInterval", "300ms");
  static final String SHORT = "2s";

  /** {@link #SETTINGS} with this many pipeline partitions. */
  static Map<String, String> settings(int partitions) {
    Map<String, String> settings = new HashMap<>(SETTINGS);
    settings.put("pipeline.partitions", Integer.toString(partitions));
    return settings;
  }

  /** A server with {@link #SETTINGS} and this many pipeline partitions. */
  static TestServer startServer(int partitions) {
    return TestServer.start(settings(partitions));
  }
  static final Duration SHORT_SIZE = Duration.ofSeconds(2);

  private final TestServer server;
  private final String store;
  private final String writeKey;
  private final ShopEvents shop;
  private final List<JsonObject> sent = new ArrayList<>();

  LiveShop(TestServer server, String store, String writeKey, long seed) {
    this.server = server;
    this.store = store;
    this.writeKey = writeKey;
    this.shop = new ShopEvents(new Random(seed), 30, 10);
  }

  /** Sends {@code requests} requests of {@code events} random events, {@code pause} apart. */
  LiveShop stream(int requests, int events, Duration pause) {
    for (int r = 0; r < requests; r++) {
      JsonArray batch = new JsonArray();
      for (int i = 0; i < events; i++) {
        batch.add(shop.next(store + "-" + (sent.size() + batch.size()), store, 0, Instant.now()));
      }
      send(batch);
      if (r < requests - 1) {
        sleep(pause);
      }
    }
    return this;
  }

  /**
   * Waits until the wall clock has entered the next short window (windows are aligned to the
   * epoch), so that what is sent before and after falls into two windows however fast it went.
   */
  LiveShop intoNextWindow() {
    long size = SHORT_SIZE.toMillis();
    long nextStart = (System.currentTimeMillis() / size + 1) * size;
    sleep(Duration.ofMillis(Math.max(0, nextStart - System.currentTimeMillis()) + 1));
    return this;
  }

  /** Sends these events, stamped now. */
  LiveShop send(JsonObject... events) {
    JsonArray batch = new JsonArray();
    for (JsonObject event : events) {
      batch.add(event.copy().put("storeId", store).put("time", Instant.now().toString()));
    }
    send(batch);
    return this;
  }

  /**
   * What the persisted short, hourly and 5-minute hopping windows get wrong against the windows
   * recomputed from every event sent; empty when they are exact.
   */
  List<String> persistedDifferences(Connection db) throws SQLException {
    List<String> differences = new ArrayList<>(ReferenceWindows.differences(
        ReferenceWindows.tumbling(sent, SHORT, SHORT_SIZE), PersistedWindows.read(db, List.of(store), SHORT), 0.0));
    differences.addAll(ReferenceWindows.differences(ReferenceWindows.tumbling(sent, "1h", Duration.ofHours(1)),
        PersistedWindows.read(db, List.of(store), "1h"), 0.0));
    differences.addAll(ReferenceWindows.differences(
        ReferenceWindows.hopping(sent, "5m", Duration.ofMinutes(5), Duration.ofMinutes(1)),
        PersistedWindows.read(db, List.of(store), "5m"), 0.0));
    return differences;
  }

  /** Every event sent so far, as sent. */
  List<JsonObject> sent() {
    return List.copyOf(sent);
  }

  static JsonObject restocked(String id, String sku, int quantity) {
    return new JsonObject().put("id", id).put("type", "inventory_restocked").put("sku", sku).put("quantity", quantity);
  }

  static JsonObject ordered(String id, String sku, int quantity) {
    return new JsonObject().put("id", id).put("type", "order_completed").put("visitorId", "v-" + id)
        .put("orderId", "order-" + id).put("currency", "EUR").put("items", new JsonArray().add(new JsonObject()
            .put("sku", sku).put("quantity", quantity).put("price", "20.00")));
  }

  private void send(JsonArray batch) {
    JsonObject answer = assertIngestAnswer(server.ingest(writeKey, new JsonObject().put("events", batch)),
        batch.size());
    assertEquals(batch.size(), answer.getInteger("accepted"), answer.encode());
    batch.forEach(event -> sent.add((JsonObject) event));
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}
