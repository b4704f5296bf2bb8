package io.storepulse.pipeline;

import io.storepulse.eventlog.StoreSlot;
import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestPostgres;
import io.storepulse.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.storepulse.pipeline.LiveShop.ordered;
import static io.storepulse.pipeline.LiveShop.restocked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A flush that fails after dashboards were shown the drains it carries and the drains that came
 * while it ran: the partition rewinds to its checkpoint and replays, and once the database takes
 * writes again the result tables hold every event exactly once, the inventory operation the flush
 * could not persist is refused and left no trace, and dashboards agree with the tables.
 *
 * <p>The flush is held in flight by a lock on its checkpoint row and made to fail by terminating
 * its connection ({@link CheckpointLock}), so the drains during it are certain, not a matter of
 * timing.
 */
class FlushFailureTest {

  private static final String STORE = "flaky-shop";
  private static final int PARTITIONS = 2;

  private TestServer server;
  private Vertx vertx;

  @AfterEach
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aFailedFlushIsReplayedAndLeavesTheResultsAndTheDashboardsExact() throws Exception {
    server = LiveShop.startServer(PARTITIONS);
    vertx = Vertx.vertx();
    JsonObject created = server.createStore(STORE);
    String writeKey = created.getJsonObject("writeKey").getString("key");
    String readToken = created.getJsonObject("readToken").getString("key");
    LiveShop shop = new LiveShop(server, STORE, writeKey, 11L);
    int partition = StoreSlot.of(STORE) % PARTITIONS;

    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), readToken);
        Connection db = TestPostgres.connect(server.database())) {
      JsonObject store = new JsonObject().put("store", STORE);
      client.subscribe("short", "metrics", store.copy().put("window", LiveShop.SHORT));
      client.subscribe("inventory", "inventory", store.copy());
      client.subscribe("alerts", "alerts", store.copy());
      client.awaitSnapshots(List.of("short", "inventory", "alerts"));

      shop.send(restocked("lamp-in", "lamp", 10), restocked("mug-in", "mug", 5), restocked("vase-in", "vase", 4)).stream(2, 40, Duration.ofMillis(300));
      Deadline.awaitSql(Duration.ofSeconds(10), "the first events to be persisted", () ->
          PersistedWindows.caughtUp(db, PARTITIONS));

      // the partition's next flush waits for this lock, in flight
      Future<HttpResponse<Buffer>> reservation;
      Future<HttpResponse<Buffer>> adjustment;
      try (CheckpointLock lock = new CheckpointLock(server.database(), partition)) {
        shop.send(ordered("lamp-sale", "lamp", 2)).stream(1, 40, Duration.ZERO);
        lock.awaitWaitingFlush();

        // applied and shown on dashboards while the flush is in flight
        shop.send(restocked("pot-in", "pot", 2), ordered("mug-sale", "mug", 5)).stream(2, 40, Duration.ofMillis(300));
        reservation = server.client()
            .post("/v1/stores/" + STORE + "/inventory/vase/reservations").bearerTokenAuthentication(writeKey)
            .sendJsonObject(new JsonObject().put("quantity", 3).put("ttlSeconds", 300).put("visitorId", "v-vase"));
        adjustment = server.client().put("/v1/stores/" + STORE + "/inventory/rug")
            .bearerTokenAuthentication(writeKey).putHeader("Idempotency-Key", "first-rugs")
            .sendJsonObject(new JsonObject().put("onHand", 6));
        Deadline.await(Duration.ofSeconds(10), "the dashboard to show the sale, the reservation and the new rugs", () -> {
          Map<String, Object> levels = DashboardAgreement.shown(client, "inventory");
          return levels.containsKey("mug") && ((JsonObject) levels.get("mug")).getLong("onHand") == 0
              && ((JsonObject) levels.get("vase")).getLong("reserved") == 3 && levels.containsKey("rug");
        });

        lock.failWaitingFlush();
      }
      HttpResponse<Buffer> refused = reservation.await(10, TimeUnit.SECONDS);
      assertEquals(503, refused.statusCode(), "a reservation its flush could not persist: " + refused.bodyAsString());
      HttpResponse<Buffer> notAdjusted = adjustment.await(10, TimeUnit.SECONDS);
      assertEquals(503, notAdjusted.statusCode(), "an adjustment its flush could not persist: "
          + notAdjusted.bodyAsString());

      DashboardAgreement agreement = new DashboardAgreement(server, STORE, readToken);
      agreement.awaitAgreement(db, PARTITIONS,
          () -> agreement.windows(LiveShop.SHORT, DashboardAgreement.shown(client, "short")),
          () -> agreement.movingAverages(db, DashboardAgreement.shown(client, "short")),
          () -> agreement.inventory(DashboardAgreement.shown(client, "inventory")),
          () -> agreement.alerts(DashboardAgreement.shown(client, "alerts")));

      List<String> truth = shop.persistedDifferences(db);
      assertTrue(truth.isEmpty(), ReferenceWindows.summary(truth, 20));

      assertEquals(List.of(8L, 0L), level(db, "lamp"), "lamp: 10 in, 2 sold");
      assertEquals(List.of(4L, 0L), level(db, "vase"), "the refused reservation holds nothing");
      assertEquals(List.of(0L, 0L), level(db, "mug"));
      assertEquals(List.of(2L, 0L), level(db, "pot"));
      assertEquals(0, count(db, "SELECT count(*) FROM inventory_levels WHERE store_id = '" + STORE + "' AND sku = 'rug'"),
          "the refused adjustment created no level");
      assertEquals(0, count(db, "SELECT count(*) FROM inventory_reservations WHERE store_id = '" + STORE + "'"));
      assertEquals(0, count(db, """
          SELECT count(*) FROM inventory_levels l
          WHERE l.store_id = '%s' AND (
            l.on_hand <> (SELECT coalesce(sum(m.delta_on_hand), 0) FROM inventory_movements m
                          WHERE m.store_id = l.store_id AND m.sku = l.sku)
            OR l.reserved <> (SELECT coalesce(sum(m.delta_reserved), 0) FROM inventory_movements m
                              WHERE m.store_id = l.store_id AND m.sku = l.sku))""".formatted(STORE)),
          "every level is the sum of its movements: none was written twice, none was lost");
      assertEquals(0, count(db, "SELECT count(*) - count(DISTINCT (kind, message, window_start)) FROM alerts"
          + " WHERE store_id = '" + STORE + "'"), "no alert was written twice");
      assertEquals(2, count(db, "SELECT count(*) FROM alerts WHERE store_id = '" + STORE + "' AND message LIKE '%SKU mug %'"),
          "the mug ran low and out once");

      HttpResponse<Buffer> retried = server.client().post("/v1/stores/" + STORE + "/inventory/vase/reservations")
          .bearerTokenAuthentication(writeKey)
          .sendJsonObject(new JsonObject().put("quantity", 3).put("ttlSeconds", 300).put("visitorId", "v-vase")).await();
      assertEquals(201, retried.statusCode(), retried.bodyAsString());
    }
  }

  private static List<Long> level(Connection db, String sku) throws SQLException {
    try (PreparedStatement query = db.prepareStatement(
        "SELECT on_hand, reserved FROM inventory_levels WHERE store_id = ? AND sku = ?")) {
      query.setString(1, STORE);
      query.setString(2, sku);
      try (ResultSet rows = query.executeQuery()) {
        assertTrue(rows.next(), "no level of " + sku);
        return List.of(rows.getLong(1), rows.getLong(2));
      }
    }
  }

  private static long count(Connection db, String sql) throws SQLException {
    try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

}
