package io.storepulse.http;

import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server that shuts down closes its dashboards with 1001 at once instead of waiting for them. */
class DashboardShutdownTest {

  @Test
  void shutdownClosesOpenDashboardsWithGoingAwayWithoutWaitingOutTheTimeout() {
    TestServer server = TestServer.start(Map.of("shutdown.timeout", "30s"));
    Vertx vertx = Vertx.vertx();
    try {
      String readToken = server.createStore("closing").getJsonObject("readToken").getString("key");
      DashboardClient client = DashboardClient.connect(vertx, server.port(), readToken);
      client.subscribe("m", "metrics", new JsonObject().put("store", "closing"));
      client.await("the snapshot", m -> "snapshot".equals(m.getString("type")));

      long started = System.nanoTime();
      server.close();
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      client.awaitClosed(Duration.ofSeconds(5));
      assertEquals((short) 1001, client.closeCode(), client.closeReason());
      assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "the shutdown took " + took.toMillis() + " ms");
      client.close();
    } finally {
      vertx.close().await();
    }
  }
}
