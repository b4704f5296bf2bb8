package io.storepulse.pipeline;

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
import java.util.List;
import java.util.Map;

import static io.storepulse.pipeline.LiveShop.ordered;
import static io.storepulse.pipeline.LiveShop.restocked;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dashboards see each drain (every 50 ms) while the result tables get the merged drains at each
 * flush: once a stream is applied, a dashboard client built only from what it received holds
 * exactly what the read API serves from the tables, and the tables equal the recomputation from
 * the events.
 */
class DashboardMirrorTest {

  private static final String STORE = "mirror-shop";
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
  void aDashboardMirrorEndsWithThePersistedResultsOfTheSameEvents() throws SQLException {
    server = LiveShop.startServer(PARTITIONS);
    vertx = Vertx.vertx();
    JsonObject created = server.createStore(STORE);
    String readToken = created.getJsonObject("readToken").getString("key");
    LiveShop shop = new LiveShop(server, STORE, created.getJsonObject("writeKey").getString("key"), 2026_11_21L);

    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), readToken);
        Connection db = TestPostgres.connect(server.database())) {
      JsonObject store = new JsonObject().put("store", STORE);
      client.subscribe("short", "metrics", store.copy().put("window", LiveShop.SHORT));
      client.subscribe("hour", "metrics", store.copy().put("window", "1h"));
      client.subscribe("hopping", "metrics", store.copy().put("window", "5m"));
      client.subscribe("trending", "trending", store.copy().put("window", LiveShop.SHORT));
      client.subscribe("inventory", "inventory", store.copy());
      client.subscribe("alerts", "alerts", store.copy());
      client.awaitSnapshots(List.of("short", "hour", "hopping", "trending", "inventory", "alerts"));

      shop.stream(4, 60, Duration.ofMillis(400))
          .send(restocked("lamp-in", "lamp", 3))
          .send(ordered("lamp-out", "lamp", 3))
          .stream(4, 60, Duration.ofMillis(400));

      DashboardAgreement agreement = new DashboardAgreement(server, STORE, readToken);
      agreement.awaitAgreement(db, PARTITIONS,
          () -> agreement.windows(LiveShop.SHORT, DashboardAgreement.shown(client, "short")),
          () -> agreement.windows("1h", DashboardAgreement.shown(client, "hour")),
          () -> agreement.windows("5m", DashboardAgreement.shown(client, "hopping")),
          () -> agreement.movingAverages(db, DashboardAgreement.shown(client, "short")),
          () -> agreement.trending(LiveShop.SHORT, DashboardAgreement.shown(client, "trending")),
          () -> agreement.inventory(DashboardAgreement.shown(client, "inventory")),
          () -> agreement.alerts(DashboardAgreement.shown(client, "alerts")));

      Map<String, Object> windows = DashboardAgreement.shown(client, "short");
      assertTrue(windows.size() >= 2, windows.keySet().toString());
      // the agreement above already compares every window's moving averages with the table; a window
      // that a late event created (a request slowed past the lateness) has none (design.md §9)
      assertTrue(windows.values().stream().anyMatch(w -> ((JsonObject) w).containsKey("movingAverages")),
          "final short windows show their moving averages: " + windows);
      assertFalse(DashboardAgreement.shown(client, "inventory").isEmpty());
      assertFalse(DashboardAgreement.shown(client, "alerts").isEmpty(), "the lamp sold out");

      List<String> truth = shop.persistedDifferences(db);
      assertTrue(truth.isEmpty(), ReferenceWindows.summary(truth, 20));
    }
  }
}
