package io.storepulse.pipeline;

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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * kill -9 of the whole machine (the server JVM and its embedded PostgreSQL) while events stream
 * in: after a restart on the same data directory and the resending of every batch that was not
 * acknowledged, the persisted windows count each distinct event exactly once.
 */
class PipelineCrashTest {

  private static final String ADMIN_TOKEN = "crash-test-admin-token";
  private static final List<String> STORES = List.of("crash-a", "crash-b", "crash-c");
  private static final int PARTITIONS = 4;
  private static final int BATCHES = 160;
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
  void sigkillMidStreamThenResendingUnacknowledgedBatchesCountsEveryEventOnce() throws Exception {
    Path data = temp.resolve("data");
    ForkedServer server = start("pipeline-crash", data);
    Map<String, String> writeKeys = new ConcurrentHashMap<>();
    for (String store : STORES) {
      writeKeys.put(store, createStore(server, store));
    }

    Random random = new Random(7_2025L);
    ShopEvents shop = new ShopEvents(random, 120, 20);
    Instant first = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofMinutes(4));
    long span = Duration.ofMinutes(3).toMillis();
    List<Batch> batches = new ArrayList<>(BATCHES);
    for (int b = 0; b < BATCHES; b++) {
      int storeIndex = b % STORES.size();
      JsonArray events = new JsonArray();
      for (int i = 0; i < EVENTS_PER_BATCH; i++) {
        long n = (long) b * EVENTS_PER_BATCH + i;
        Instant time = first.plusMillis(span * n / (BATCHES * EVENTS_PER_BATCH) + random.nextInt(3_000));
        events.add(shop.next("c-" + n, STORES.get(storeIndex), storeIndex, time));
      }
      batches.add(new Batch(b, STORES.get(storeIndex), events));
    }

    Queue<Batch> toSend = new ConcurrentLinkedQueue<>(batches);
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    EmbeddedPostmaster postmaster = EmbeddedPostmaster.running(data);
    List<Thread> storefronts = new ArrayList<>();
    for (int t = 0; t < STOREFRONTS; t++) {
      Thread thread = new Thread(() -> stream(server, writeKeys, toSend, acknowledged), "storefront-" + t);
      thread.setDaemon(true);
      storefronts.add(thread);
      thread.start();
    }
    // the crash comes once partitions have checkpointed and while batches are still arriving
    Deadline.await(Duration.ofSeconds(30), "a third of the batches acknowledged and a checkpoint persisted",
        () -> acknowledged.size() >= BATCHES / 3 && checkpointedPosition(postmaster) > 0);
    server.sigkill();
    postmaster.killWithChildren(Duration.ofSeconds(20));
    server.awaitExit(Duration.ofSeconds(10));
    for (Thread thread : storefronts) {
      thread.join(15_000);
      assertTrue(!thread.isAlive(), thread.getName() + " still posting to a dead server");
    }
    int acknowledgedBeforeCrash = acknowledged.size();
    assertTrue(acknowledgedBeforeCrash < BATCHES, "the stream ended before the crash; nothing was cut short");

    ForkedServer restarted = start("pipeline-crash-restart", data);
    for (Batch batch : batches) {
      if (!acknowledged.contains(batch.number())) {
        int status = post(restarted, writeKeys.get(batch.store()), batch.events());
        assertEquals(202, status, "batch " + batch.number() + " after the restart" + restarted.describe());
        acknowledged.add(batch.number());
      }
    }

    EmbeddedPostmaster database = EmbeddedPostmaster.running(data);
    try (Connection db = database.connect()) {
      Deadline.await(Duration.ofSeconds(30), "the restarted pipeline to apply the log and close its 1m windows",
          () -> {
            try {
              return PersistedWindows.caughtUp(db, PARTITIONS) && PersistedWindows.provisional(db, STORES, "1m") == 0;
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          });

      List<JsonObject> distinct = new ArrayList<>();
      batches.forEach(batch -> batch.events().forEach(event -> distinct.add((JsonObject) event)));
      assertEquals(distinct.size(), count(db, "SELECT count(*) FROM events"), "log rows");
      List<String> problems = new ArrayList<>(ReferenceWindows.differences(
          ReferenceWindows.tumbling(distinct, "1m", Duration.ofMinutes(1)),
          PersistedWindows.read(db, STORES, "1m"), 0.03));
      problems.addAll(ReferenceWindows.differences(
          ReferenceWindows.tumbling(distinct, "1h", Duration.ofHours(1)),
          PersistedWindows.read(db, STORES, "1h"), 0.03));
      assertTrue(problems.isEmpty(), ReferenceWindows.summary(problems, 25) + "\n" + acknowledgedBeforeCrash
          + " of " + BATCHES + " batches acknowledged before the crash" + restarted.describe());
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

  /** Posts batches until there are none left or the server stops answering; only 202 counts as acknowledged. */
  private static void stream(ForkedServer server, Map<String, String> writeKeys, Queue<Batch> toSend,
      Set<Integer> acknowledged) {
    Batch batch;
    while ((batch = toSend.poll()) != null) {
      try {
        if (post(server, writeKeys.get(batch.store()), batch.events()) == 202) {
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

  /** The lowest position the partitions have checkpointed, 0 before all have. */
  private static long checkpointedPosition(EmbeddedPostmaster postmaster) {
    try (Connection db = postmaster.connect()) {
      return count(db, "SELECT CASE WHEN count(*) = " + PARTITIONS
          + " THEN min(position) ELSE 0 END FROM pipeline_checkpoints");
    } catch (SQLException e) {
      return 0; // the migrations may not have created the table yet
    }
  }

  private static long count(Connection db, String sql) throws SQLException {
    try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private ForkedServer start(String name, Path data) {
    ForkedServer server = ForkedServer.builder(name, data)
        .adminToken(ADMIN_TOKEN)
        .env("STOREPULSE_PIPELINE_PARTITIONS", Integer.toString(PARTITIONS))
        .env("STOREPULSE_PIPELINE_FLUSH_INTERVAL", "500ms")
        .env("STOREPULSE_WINDOWS_ALLOWED_LATENESS", "5s")
        .env("STOREPULSE_WINDOWS_IDLE_GRACE", "1s")
        .start();
    servers.add(server);
    server.awaitReady();
    return server;
  }

  private static String createStore(ForkedServer server, String id) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/admin/stores"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("id", id).put("name", id).encode()))
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
    return new JsonObject(response.body()).getJsonObject("writeKey").getString("key");
  }

  private record Batch(int number, String store, JsonArray events) {
  }
}
