package io.storepulse.inventory;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.EmbeddedPostmaster;
import io.storepulse.testing.ForkedServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
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
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  @TempDir
  Path temp;

  private final List<ForkedServer> servers = new ArrayList<>();

  @AfterEach
  void leaveNothingRunning() {
    for (int i = servers.size() - 1; i >= 0; i--) {
      servers.get(i).close();
    }
  }

  @Test
  void sigkillMidStreamThenResendingUnacknowledgedBatchesEndsAtTheReferenceLevels() throws Exception {
    Path data = temp.resolve("data");
    ForkedServer server = start("inventory-crash", data);
    Map<String, JsonObject> keys = new LinkedHashMap<>();
    for (String store : STORES) {
      keys.put(store, createStore(server, store));
    }

    List<JsonObject> sendOrder = InventoryTruth.stream(new Random(9_2026L), STORES, SKUS, EVENTS_PER_STORE,
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
    List<Batch> batches = batches(sendOrder);

    Queue<Batch> toSend = new ConcurrentLinkedQueue<>(batches);
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    EmbeddedPostmaster postmaster = EmbeddedPostmaster.running(data);
    List<Thread> storefronts = new ArrayList<>();
    for (int t = 0; t < STOREFRONTS; t++) {
      Thread thread = new Thread(() -> stream(server, keys, toSend, acknowledged), "storefront-" + t);
      thread.setDaemon(true);
      storefronts.add(thread);
      thread.start();
    }
    // the crash comes once partitions have checkpointed and while batches are still arriving
    Deadline.await(Duration.ofSeconds(30), "a third of the batches acknowledged and a checkpoint persisted",
        () -> acknowledged.size() >= batches.size() / 3 && checkpointedPosition(postmaster) > 0);
    server.sigkill();
    postmaster.killWithChildren(Duration.ofSeconds(20));
    server.awaitExit(Duration.ofSeconds(10));
    for (Thread thread : storefronts) {
      thread.join(15_000);
      assertTrue(!thread.isAlive(), thread.getName() + " still posting to a dead server");
    }
    int acknowledgedBeforeCrash = acknowledged.size();
    assertTrue(acknowledgedBeforeCrash < batches.size(), "the stream ended before the crash; nothing was cut short");

    ForkedServer restarted = start("inventory-crash-restart", data);
    for (Batch batch : batches) {
      if (!acknowledged.contains(batch.number())) {
        int status = post(restarted, keys.get(batch.store()).getJsonObject("writeKey").getString("key"), batch.events());
        assertEquals(202, status, "batch " + batch.number() + " after the restart" + restarted.describe());
      }
    }

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

    // the restart restored checkpoints and replayed the log after them, rather than starting over
    Matcher resumed = Pattern.compile("resumes after log position (\\d+) \\(log end (\\d+)\\)")
        .matcher(restarted.stdout());
    boolean restored = false;
    boolean replayed = false;
    while (resumed.find()) {
      long position = Long.parseLong(resumed.group(1));
      restored |= position > 0;
      replayed |= position < Long.parseLong(resumed.group(2));
    }
    assertTrue(restored, "no partition resumed from a checkpoint" + restarted.describe());
    assertTrue(replayed, "no partition had log to replay after its checkpoint" + restarted.describe());
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

  /** Posts batches until there are none left or the server stops answering; only 202 counts as acknowledged. */
  private static void stream(ForkedServer server, Map<String, JsonObject> keys, Queue<Batch> toSend,
      Set<Integer> acknowledged) {
    Batch batch;
    while ((batch = toSend.poll()) != null) {
      try {
        if (post(server, keys.get(batch.store()).getJsonObject("writeKey").getString("key"), batch.events()) == 202) {
          acknowledged.add(batch.number());
        }
      } catch (IOException e) {
        return; // the server is gone; the batch stays unacknowledged and is resent after the restart
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static int post(ForkedServer server, String writeKey, JsonArray events)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/events"))
        .header("Authorization", "Bearer " + writeKey)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("events", events).encode()))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
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
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      JsonObject page = new JsonObject(response.body());
      pages.add(page);
      after = page.getString("next");
    } while (after != null);
    return pages;
  }

  /** The lowest position the partitions have checkpointed, 0 before all have. */
  private static long checkpointedPosition(EmbeddedPostmaster postmaster) {
    try (Connection db = postmaster.connect();
        var statement = db.createStatement();
        var rows = statement.executeQuery("SELECT CASE WHEN count(*) = " + PARTITIONS
            + " THEN min(position) ELSE 0 END FROM pipeline_checkpoints")) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      return 0; // the migrations may not have created the table yet
    }
  }

  private ForkedServer start(String name, Path data) {
    ForkedServer server = ForkedServer.builder(name, data)
        .adminToken(ADMIN_TOKEN)
        .env("STOREPULSE_PIPELINE_PARTITIONS", Integer.toString(PARTITIONS))
        .env("STOREPULSE_PIPELINE_FLUSH_INTERVAL", "500ms")
        .start();
    servers.add(server);
    server.awaitReady();
    return server;
  }

  /** Creates a store through the admin API; returns the answer (write key and read token). */
  private static JsonObject createStore(ForkedServer server, String id) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/admin/stores"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("id", id).put("name", id).encode()))
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  private record Batch(int number, String store, JsonArray events) {
  }
}
