package io.storepulse.inventory;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestPostgres;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded stream of restocks, orders, cancellations, refunds and adjustments for two stores, sent
 * through HTTP with duplicates and time disorder: the levels the API serves once the pipeline has
 * caught up equal a plain reference computed from the distinct events in log order, and each level
 * equals the sum of its ledger.
 */
class InventoryGroundTruthTest {

  private static final long SEED = 4_2026_11L;
  private static final int PARTITIONS = 4;
  private static final List<String> STORES = List.of("truth-north", "truth-south");
  private static final int SKUS = 50;
  private static final int EVENTS_PER_STORE = 1_500;
  private static final int BATCH = 100;
  private static final Duration CATCH_UP = Duration.ofSeconds(60);

  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void levelsAfterADisorderedStreamWithDuplicatesEqualTheReferenceAndTheirLedger() throws Exception {
    server = TestServer.start(Map.of(
        "pipeline.partitions", Integer.toString(PARTITIONS),
        "pipeline.flushInterval", "200ms"));
    Map<String, InventoryApi> stores = new LinkedHashMap<>();
    STORES.forEach(store -> stores.put(store, new InventoryApi(server, store)));

    List<JsonObject> sendOrder = InventoryTruth.stream(new Random(SEED), STORES, SKUS, EVENTS_PER_STORE,
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
    sendPerStore(sendOrder, stores);

    Map<String, JsonObject> distinct = InventoryTruth.distinct(sendOrder);
    try (Connection db = TestPostgres.connect(server.database())) {
      Deadline.awaitSql(CATCH_UP, "every partition to checkpoint at the end of the log",
          () -> InventoryTruth.caughtUp(db, PARTITIONS));
      assertEquals(distinct.size(), server.eventRows(""), "the log holds each distinct event once");

      for (InventoryApi store : stores.values()) {
        List<JsonObject> log = new ArrayList<>();
        for (String id : InventoryTruth.logOrder(db, store.store)) {
          log.add(distinct.get(InventoryTruth.key(store.store, id)));
        }
        Map<String, Long> reference = InventoryTruth.reference(log);
        assertTrue(reference.values().stream().anyMatch(onHand -> onHand < 0),
            store.store + ": the stream should oversell some SKU: " + reference);
        assertEquals(reference, InventoryTruth.onHand(levelPages(store)), store.store + ": levels served by the API");
        assertEquals(List.of(), InventoryTruth.levelsDifferingFromTheirLedger(db, store.store), "ledger sums");
        assertEquals(0, InventoryTruth.movementsWithoutLevel(db, store.store), store.store + ": movements without level");
      }
    }
  }

  /**
   * Sends in order, per store, in requests of up to {@link #BATCH} events, checking each answer: a
   * first sending is accepted, a resent id is a duplicate.
   */
  private void sendPerStore(List<JsonObject> events, Map<String, InventoryApi> stores) {
    Set<String> sent = new HashSet<>();
    Map<String, JsonArray> pending = new LinkedHashMap<>();
    Map<String, Integer> duplicates = new LinkedHashMap<>();
    for (JsonObject event : events) {
      String store = event.getString("storeId");
      if (!sent.add(InventoryTruth.key(store, event.getString("id")))) {
        duplicates.merge(store, 1, Integer::sum);
      }
      JsonArray batch = pending.computeIfAbsent(store, s -> new JsonArray());
      batch.add(event);
      if (batch.size() == BATCH) {
        send(stores.get(store), pending.remove(store), duplicates.getOrDefault(store, 0));
        duplicates.remove(store);
      }
    }
    pending.forEach((store, batch) -> send(stores.get(store), batch, duplicates.getOrDefault(store, 0)));
  }

  private void send(InventoryApi store, JsonArray batch, int duplicates) {
    JsonObject answer = assertIngestAnswer(server.ingest(store.writeKey, new JsonObject().put("events", batch)),
        batch.size());
    assertEquals(0, answer.getInteger("rejected"), store.store + ": " + answer.encode());
    assertEquals(duplicates, answer.getInteger("duplicates"), store.store + ": " + answer.encode());
  }

  /** Every page of {@code GET /v1/stores/{store}/inventory}. */
  private static List<JsonObject> levelPages(InventoryApi store) {
    List<JsonObject> pages = new ArrayList<>();
    String after = null;
    do {
      var request = store.server.client().get("/v1/stores/" + store.store + "/inventory")
          .addQueryParam("limit", "20").bearerTokenAuthentication(store.readToken);
      if (after != null) {
        request.addQueryParam("after", after);
      }
      HttpResponse<Buffer> response = request.send().await();
      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonObject page = response.bodyAsJsonObject();
      pages.add(page);
      after = page.getString("next");
    } while (after != null);
    return pages;
  }

}
