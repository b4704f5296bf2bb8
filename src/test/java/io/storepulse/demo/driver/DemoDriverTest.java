package io.storepulse.demo.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storepulse.demo.Product;
import io.storepulse.demo.SimulatorSettings;
import io.storepulse.demo.StorefrontSimulator;
import io.storepulse.ingest.EventType;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver against a real server (embedded PostgreSQL, the full pipeline): what it reports as
 * accepted is what the server's results count, and the stock it imported and moved is what the
 * server's inventory holds.
 */
class DemoDriverTest {

  private static final String STORE = "demo";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TestServer server;
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void serverCountsWhatTheDriverReportsAcceptedAndHoldsTheSimulatedStock() {
    server = TestServer.start();
    String writeKey = issueKey("write");
    String readToken = issueKey("read");
    StorefrontSimulator simulator = StorefrontSimulator.create(SimulatorSettings.defaults()
        .withRate(100).withFlatRate().withIncidents(false).withCatalog(60, 7).withRunId("driver").withSeed(5)
        .withThinkTime(Duration.ofMillis(500)),
        System.currentTimeMillis());
    StorefrontDriver driver = new StorefrontDriver(simulator,
        StorefrontDriver.Options.of("127.0.0.1", server.port(), STORE, writeKey).withTick(Duration.ofMillis(50)));

    String deployment = vertx.deployVerticle(driver).await();
    assertEquals(60, driver.stats().importedSkus(), "the initial stock is imported before events are sent");
    Deadline.await(WAIT, "three accepted orders", () -> driver.stats().accepted(EventType.ORDER_COMPLETED) >= 3);
    vertx.undeploy(deployment).await();

    DriverStats stats = driver.stats();
    assertTrue(stats.settled(), "every event sent was answered: " + stats);
    assertEquals(0, stats.rejected(), stats.toString());
    assertEquals(0, stats.retries() + stats.dropped(), stats.toString());
    assertTrue(stats.resends() > 0, "the storefront resent some events: " + stats);
    assertEquals(stats.resends(), stats.duplicates(), "each resend is answered as a duplicate: " + stats);
    assertEquals(simulator.generated(), stats.accepted(), "stopping sent everything the simulator made");

    Deadline.await(WAIT, "the 1-minute windows to count every accepted event and order", () -> {
      long[] totals = windowTotals(readToken);
      return totals[0] == stats.accepted() && totals[1] == stats.accepted(EventType.ORDER_COMPLETED);
    });
    Deadline.await(WAIT, "the inventory to hold what the simulated store counts", () -> {
      Map<String, Long> levels = levels(readToken);
      if (levels.size() != simulator.catalog().size()) {
        return false;
      }
      for (Product product : simulator.catalog().products()) {
        if (levels.get(product.sku()) != simulator.onHand(product.sku())) {
          return false;
        }
      }
      return true;
    });
  }

  @Test
  void batchesRefusedWith503AreSentAgainAfterRetryAfterAndStoredOnce() {
    // a writer queue of one request's events: a busy server refuses what comes on top, as in OverloadTest
    server = TestServer.start(Map.of("writer.queueCapacity", "100", "ingest.maxEventsPerRequest", "100",
        "writer.connections", "1"));
    String writeKey = issueKey("write");
    StorefrontSimulator simulator = StorefrontSimulator.create(SimulatorSettings.defaults()
        .withRate(4000).withFlatRate().withIncidents(false).withCatalog(60, 7).withRunId("overload").withSeed(6),
        System.currentTimeMillis());
    StorefrontDriver driver = new StorefrontDriver(simulator,
        StorefrontDriver.Options.of("127.0.0.1", server.port(), STORE, writeKey)
            .withTick(Duration.ofMillis(100)).withBatches(100, 16).withDrainTimeout(WAIT));

    String deployment = vertx.deployVerticle(driver).await();
    Deadline.await(WAIT, "a request refused with 503 and sent again", () -> driver.stats().retries() > 0);
    // stopping drains the backlog (seconds of events, in shuffled order) into the same overloaded server
    vertx.undeploy(deployment).await();

    DriverStats stats = driver.stats();
    assertTrue(stats.settled(), stats.toString());
    assertEquals(0, stats.dropped() + stats.rejected(), stats.toString());
    assertEquals(simulator.generated(), stats.accepted(), "every event made is accepted once: " + stats);
    assertEquals(stats.resends(), stats.duplicates(), "a refused request was not half stored: " + stats);
    assertEquals(stats.accepted(), server.eventRows("store_id = '" + STORE + "' AND event_id LIKE 'overload-%'"));
  }

  private String issueKey(String kind) {
    HttpResponse<Buffer> response = server.client().post("/v1/admin/stores/" + STORE + "/keys")
        .bearerTokenAuthentication(TestServer.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("kind", kind)).await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("key");
  }

  /** Events and orders summed over the store's 1-minute windows of the last hour. */
  private long[] windowTotals(String readToken) {
    HttpResponse<Buffer> response = server.client().get("/v1/stores/" + STORE + "/metrics?window=1m")
        .bearerTokenAuthentication(readToken).send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    long[] totals = new long[2];
    JsonArray windows = response.bodyAsJsonObject().getJsonArray("windows");
    for (int i = 0; i < windows.size(); i++) {
      JsonObject metrics = windows.getJsonObject(i).getJsonObject("metrics");
      totals[0] += metrics.getLong("events");
      totals[1] += metrics.getLong("orders");
    }
    return totals;
  }

  private Map<String, Long> levels(String readToken) {
    HttpResponse<Buffer> response = server.client().get("/v1/stores/" + STORE + "/inventory?limit=1000")
        .bearerTokenAuthentication(readToken).send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    Map<String, Long> levels = new HashMap<>();
    JsonArray items = response.bodyAsJsonObject().getJsonArray("items");
    for (int i = 0; i < items.size(); i++) {
      levels.put(items.getJsonObject(i).getString("sku"), items.getJsonObject(i).getLong("onHand"));
    }
    return levels;
  }
}
