package io.storepulse.inventory;

import io.storepulse.testing.CrashDrill;
import io.storepulse.testing.CrashDrill.Batch;
import io.storepulse.testing.CrashDrill.Crash;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.EmbeddedPostmaster;
import io.storepulse.testing.ForkedServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * kill -9 of the server JVM and its embedded PostgreSQL while inventory events stream in: after a
 * restart on the same data directory and the resending of every unacknowledged batch, the levels
 * equal the reference over the distinct events in log order, and each equals the sum of its ledger
 * (no effect lost with the unpersisted state, none applied twice on replay).
 */
class InventoryCrashTest {

  private static final String ADMIN_TOKEN = "inventory-crash-admin-token";
  private static final List<String> STORES = List.of("crash-north", "crash-south");
  private static final int PARTITIONS = 4;
  private static final int SKUS = 50;
  private static final int EVENTS_PER_STORE = 1_500;
  private static final int EVENTS_PER_BATCH = 20;
  private static final int STOREFRONTS = 4;

  @TempDir
  Path temp;

  private final CrashDrill drill = new CrashDrill(ADMIN_TOKEN, PARTITIONS);

  @AfterEach
  void leaveNothingRunning() {
    drill.close();
  }

  @Test
  void sigkillMidStreamThenResendingUnacknowledgedBatchesEndsAtTheReferenceLevels() throws Exception {
    Path data = temp.resolve("data");
    ForkedServer server = drill.start("inventory-crash", data);
    Map<String, JsonObject> keys = new LinkedHashMap<>();
    Map<String, String> writeKeys = new LinkedHashMap<>();
    for (String store : STORES) {
      keys.put(store, drill.createStore(server, store));
      writeKeys.put(store, CrashDrill.writeKey(keys.get(store)));
    }

    List<JsonObject> sendOrder = InventoryTruth.stream(new Random(9_2026L), STORES, SKUS, EVENTS_PER_STORE,
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
    List<Batch> batches = batches(sendOrder);

    Crash crash = drill.streamAndCrash(server, data, writeKeys, batches, STOREFRONTS);
    int acknowledgedBeforeCrash = crash.acknowledgedCount();

    ForkedServer restarted = drill.start("inventory-crash-restart", data);
    CrashDrill.resendUnacknowledged(restarted, writeKeys, batches, crash);

    Map<String, JsonObject> distinct = InventoryTruth.distinct(sendOrder);
    EmbeddedPostmaster database = EmbeddedPostmaster.running(data);
    try (Connection db = database.connect()) {
      Deadline.await(Duration.ofSeconds(30), "the restarted pipeline to checkpoint at the end of the log", () -> {
        try {
          return InventoryTruth.caughtUp(db, PARTITIONS);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      String context = "\n" + acknowledgedBeforeCrash + " of " + batches.size()
          + " batches acknowledged before the crash" + restarted.describe();
      for (String store : STORES) {
        List<JsonObject> log = new ArrayList<>();
        for (String id : InventoryTruth.logOrder(db, store)) {
          log.add(distinct.get(InventoryTruth.key(store, id)));
        }
        assertEquals(distinct.keySet().stream().filter(key -> key.startsWith(store + "/")).count(), log.size(),
            store + ": the log holds each distinct event once");
        String readToken = keys.get(store).getJsonObject("readToken").getString("key");
        assertEquals(InventoryTruth.reference(log), InventoryTruth.onHand(levelPages(restarted, store, readToken)),
            store + ": levels served by the API" + context);
        assertEquals(List.of(), InventoryTruth.levelsDifferingFromTheirLedger(db, store), "ledger sums" + context);
        assertEquals(0, InventoryTruth.movementsWithoutLevel(db, store), store + ": movements without level");
      }
    }

    CrashDrill.assertResumedFromCheckpoints(restarted);
  }

  /** The send order cut into requests of one store each (a write key belongs to one store). */
  private static List<Batch> batches(List<JsonObject> sendOrder) {
    List<Batch> batches = new ArrayList<>();
    Map<String, JsonArray> pending = new LinkedHashMap<>();
    for (JsonObject event : sendOrder) {
      String store = event.getString("storeId");
      JsonArray batch = pending.computeIfAbsent(store, s -> new JsonArray());
      batch.add(event);
      if (batch.size() == EVENTS_PER_BATCH) {
        batches.add(new Batch(batches.size(), store, pending.remove(store)));
      }
    }
    pending.forEach((store, batch) -> batches.add(new Batch(batches.size(), store, batch)));
    return batches;
  }

  /** Every page of {@code GET /v1/stores/{store}/inventory}. */
  private static List<JsonObject> levelPages(ForkedServer server, String store, String readToken) throws Exception {
    List<JsonObject> pages = new ArrayList<>();
    String after = null;
    do {
      String query = "?limit=20" + (after == null ? "" : "&after=" + after);
      HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/stores/" + store + "/inventory" + query))
          .header("Authorization", "Bearer " + readToken)
          .timeout(Duration.ofSeconds(10))
          .GET()
          .build();
      HttpResponse<String> response = CrashDrill.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      JsonObject page = new JsonObject(response.body());
      pages.add(page);
      after = page.getString("next");
    } while (after != null);
    return pages;
  }
}
