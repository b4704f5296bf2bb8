package io.storepulse.pipeline;

import io.storepulse.config.DatabaseUrl;
import io.storepulse.eventlog.StoreSlot;
import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.LogCapture;
import io.storepulse.testing.TestPostgres;
import io.storepulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A clean stop persists everything the partitions applied, so the next start has nothing to
 * replay: also when a flush is in flight when the stop comes, with drains made after it began.
 */
class CleanStopTest {

  private static final String STORE = "stopping-shop";
  private static final int PARTITIONS = 2;

  @Test
  void aCleanStopWaitsForTheFlushInFlightThenPersistsWhatCameAfterIt() throws Exception {
    TestServer server = LiveShop.startServer(PARTITIONS);
    DatabaseUrl database = server.database();
    Thread stopping = new Thread(server::close, "stopping the server");
    Vertx vertx = Vertx.vertx();
    try (Connection db = TestPostgres.connect(database)) {
      JsonObject created = server.createStore(STORE);
      LiveShop shop = new LiveShop(server, STORE, created.getJsonObject("writeKey").getString("key"), 3L);
      shop.stream(1, 30, Duration.ZERO);
      Deadline.awaitSql(Duration.ofSeconds(10), "the first events to be persisted",
          () -> PersistedWindows.caughtUp(db, PARTITIONS));

      try (CheckpointLock lock = new CheckpointLock(database, StoreSlot.of(STORE) % PARTITIONS)) {
        shop.stream(1, 30, Duration.ZERO);
        lock.awaitWaitingFlush();
        shop.stream(1, 30, Duration.ZERO);
        // the events after the flush began are applied and drained once a dashboard sees them all
        DashboardClient client = DashboardClient.connect(vertx, server.port(),
            created.getJsonObject("readToken").getString("key"));
        client.subscribe("short", "metrics", new JsonObject().put("store", STORE).put("window", LiveShop.SHORT));
        Deadline.await(Duration.ofSeconds(10), "the partition to apply every event", () -> DashboardAgreement.shown(client, "short")
            .values().stream().mapToLong(w -> ((JsonObject) w).getJsonObject("metrics").getLong("events")).sum() == 90);
        client.close();

        try (LogCapture partitionLog = LogCapture.of(PartitionVerticle.class)) {
          stopping.start();
          Deadline.await(Duration.ofSeconds(30), "the stop to reach the partition, held by its flush in flight",
              () -> !partitionLog.containing("waiting for the flush in flight").isEmpty());
        }
        lock.release();
      }
      stopping.join(30_000);
      assertTrue(PersistedWindows.caughtUp(db, PARTITIONS), "a clean stop left events to replay");
      List<String> problems = ReferenceWindows.differences(
          ReferenceWindows.tumbling(shop.sent(), LiveShop.SHORT, LiveShop.SHORT_SIZE),
          PersistedWindows.read(db, List.of(STORE), LiveShop.SHORT), 0.0);
      assertTrue(problems.isEmpty(), ReferenceWindows.summary(problems, 10));
    } finally {
      vertx.close().await();
      if (stopping.getState() == Thread.State.NEW) {
        server.close();
      } else {
        stopping.join(30_000);
      }
    }
  }
}
