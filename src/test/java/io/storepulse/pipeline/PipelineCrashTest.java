package io.storepulse.pipeline;

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
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

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

  @TempDir
  Path temp;

  private final CrashDrill drill = new CrashDrill(ADMIN_TOKEN, PARTITIONS)
      .env("STOREPULSE_WINDOWS_ALLOWED_LATENESS", "5s")
      .env("STOREPULSE_WINDOWS_IDLE_GRACE", "1s");

  @AfterEach
  void leaveNothingRunning() {
    drill.close();
  }

  @Test
  void sigkillMidStreamThenResendingUnacknowledgedBatchesCountsEveryEventOnce() throws Exception {
    Path data = temp.resolve("data");
    ForkedServer server = drill.start("pipeline-crash", data);
    Map<String, String> writeKeys = new ConcurrentHashMap<>();
    for (String store : STORES) {
      writeKeys.put(store, CrashDrill.writeKey(drill.createStore(server, store)));
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

    Crash crash = drill.streamAndCrash(server, data, writeKeys, batches, STOREFRONTS);
    int acknowledgedBeforeCrash = crash.acknowledgedCount();

    ForkedServer restarted = drill.start("pipeline-crash-restart", data);
    CrashDrill.resendUnacknowledged(restarted, writeKeys, batches, crash);

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

    CrashDrill.assertResumedFromCheckpoints(restarted);
  }

  private static long count(Connection db, String sql) throws SQLException {
    try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
