package io.storepulse.pipeline;

import io.storepulse.config.DatabaseUrl;
import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.TestPostgres;
import io.storepulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.storepulse.pipeline.LiveShop.ordered;
import static io.storepulse.pipeline.LiveShop.restocked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server stopped cleanly and started again on the same database: a dashboard that subscribes
 * to the new server finds in its snapshots what dashboards saw before the restart, loaded from the
 * result tables, and one that resumes with a seq of the previous run is reset.
 */
class DashboardRestartTest {

  private static final String STORE = "restart-shop";
  private static final int PARTITIONS = 4;
  private static final List<String> SUBSCRIPTIONS = List.of("short", "trending", "inventory", "alerts");

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void afterARestartTheSnapshotsHoldTheHistoryAndAResumeFromThePreviousRunIsReset() throws SQLException {
    DatabaseUrl database;
    String readToken;
    Map<String, Map<String, Object>> before = new HashMap<>();
    long seqBefore;
    try (TestServer first = TestServer.start(LiveShop.settings(PARTITIONS))) {
      database = first.database();
      JsonObject created = first.createStore(STORE);
      readToken = created.getJsonObject("readToken").getString("key");
      try (DashboardClient client = DashboardClient.connect(vertx, first.port(), readToken);
          Connection db = TestPostgres.connect(database)) {
        subscribe(client, null);
        new LiveShop(first, STORE, created.getJsonObject("writeKey").getString("key"), 7L)
            .stream(3, 40, Duration.ofMillis(400))
            .send(restocked("lamp-in", "lamp", 3), restocked("mug-in", "mug", 20))
            .send(ordered("lamp-out", "lamp", 3))
            .intoNextWindow()
            .stream(3, 40, Duration.ofMillis(400));

        DashboardAgreement agreement = new DashboardAgreement(first, STORE, readToken);
        agreement.awaitAgreement(db, PARTITIONS,
            () -> agreement.windows(LiveShop.SHORT, DashboardAgreement.shown(client, "short")),
            () -> agreement.movingAverages(db, DashboardAgreement.shown(client, "short")),
            () -> agreement.trending(LiveShop.SHORT, DashboardAgreement.shown(client, "trending")),
            () -> agreement.inventory(DashboardAgreement.shown(client, "inventory")),
            () -> agreement.alerts(DashboardAgreement.shown(client, "alerts")));
        SUBSCRIPTIONS.forEach(id -> before.put(id, DashboardAgreement.shown(client, id)));
        seqBefore = client.mirror("short").catchUp().seq();
      }
    }
    Map<String, Object> windows = before.get("short");
    assertTrue(windows.size() >= 2, windows.keySet().toString());
    // not every window: one that a late event created gets no moving averages (design.md §9, known limits)
    assertTrue(windows.values().stream().anyMatch(w -> ((JsonObject) w).containsKey("movingAverages")),
        windows.toString());
    assertTrue(before.get("inventory").keySet().containsAll(List.of("lamp", "mug")), before.get("inventory").toString());
    assertFalse(before.get("alerts").isEmpty());
    assertFalse(before.get("trending").isEmpty());

    Map<String, String> settings = new HashMap<>(LiveShop.settings(PARTITIONS));
    settings.put("db.url", TestPostgres.settingValue(database));
    try (TestServer second = TestServer.start(settings);
        DashboardClient client = DashboardClient.connect(vertx, second.port(), readToken)) {
      subscribe(client, seqBefore);

      JsonObject subscribed = client.await("the resumed subscription to start", m -> "short".equals(m.getString("id"))
          && "subscribed".equals(m.getString("type")));
      assertEquals("reset", subscribed.getString("start"), subscribed.encode());
      List<String> types = client.messages("short").stream().map(m -> m.getString("type")).toList();
      assertEquals(List.of("subscribed", "reset", "snapshot"), types.subList(0, 3));
      assertTrue(client.mirror("short").catchUp().seq() > seqBefore, "the new run's seqs start above the previous run's");

      for (String id : SUBSCRIPTIONS) {
        assertEquals(before.get(id), DashboardAgreement.shown(client, id), id + " after the restart");
      }
    }
  }

  /** Subscribes to every channel of the store, the short windows resuming from {@code since}. */
  private static void subscribe(DashboardClient client, Long since) {
    JsonObject store = new JsonObject().put("store", STORE);
    JsonObject windows = store.copy().put("window", LiveShop.SHORT);
    client.subscribe("short", "metrics", since == null ? windows : windows.copy().put("since", since));
    client.subscribe("trending", "trending", store.copy().put("window", LiveShop.SHORT));
    client.subscribe("inventory", "inventory", store.copy());
    client.subscribe("alerts", "alerts", store.copy());
    client.awaitSnapshots(SUBSCRIPTIONS);
  }
}
