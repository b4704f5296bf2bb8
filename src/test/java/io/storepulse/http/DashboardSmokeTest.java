package io.storepulse.http;

import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.Events;
import io.storepulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DashboardSmokeTest {

  private static TestServer server;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("db.embedded.durable", "false"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    server.close();
  }

  @Test
  void metricsSubscriptionSeesThePageViewsAsTheyArrive() {
    JsonObject store = server.createStore("smoke");
    String writeKey = store.getJsonObject("writeKey").getString("key");
    String readToken = store.getJsonObject("readToken").getString("key");
    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), readToken)) {
      client.subscribe("m", "metrics", new JsonObject().put("store", "smoke").put("window", "1m"));
      client.await("snapshot", m -> "snapshot".equals(m.getString("type")));
      assertEquals(202, server.ingest(writeKey, Events.pageViews("pv", 7)).statusCode());
      client.await("an update with 7 page views", m -> "update".equals(m.getString("type"))
          && m.getJsonObject("values").stream().anyMatch(e ->
              ((JsonObject) e.getValue()).getJsonObject("metrics").getLong("pageViews") == 7));
    }
  }
}
