package io.storepulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storepulse.config.DatabaseUrl;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.ForkedServer;
import io.storepulse.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --demo} as an operator runs it: a separate JVM, stopped with SIGTERM, started again. */
class DemoModeTest {

  private static final String ADMIN_TOKEN = "demo-mode-admin-token";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern DASHBOARD =
      Pattern.compile("storepulse: dashboard: (http://\\S+/dashboard\\?store=demo&token=(spr_[A-Za-z0-9_-]+))");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void demoSimulatesTheStoreAndEveryStartReplacesTheDemoKeys(@TempDir Path dataDir) {
    DatabaseUrl database = TestPostgres.newDatabase();
    String firstToken;
    try (ForkedServer first = demoServer("demo-first", dataDir, database)) {
      Matcher dashboard = awaitDashboard(first);
      firstToken = dashboard.group(2);
      assertEquals("http://127.0.0.1:" + first.port() + "/dashboard?store=demo&token=" + firstToken, dashboard.group(1));
      Deadline.await(WAIT, "the simulated events in the store's 1-minute windows", () -> windowEvents(first, firstToken) > 0);
      Deadline.await(WAIT, "the stock of the simulated catalog", () -> inventoryItems(first, firstToken) == 300);

      first.sigterm();
      assertEquals(0, first.awaitExit(WAIT), first.describe());
      String log = first.stdout();
      int simulatorStopped = log.indexOf("demo storefront stopped");
      assertTrue(simulatorStopped >= 0 && simulatorStopped < log.indexOf("draining"),
          "the simulator stops before the server drains" + first.describe());
      assertTrue(!first.logText().contains("Exception"), "a clean stop" + first.describe());
    }

    try (ForkedServer second = demoServer("demo-second", dataDir, database)) {
      String secondToken = awaitDashboard(second).group(2);
      assertNotEquals(firstToken, secondToken);
      assertEquals(401, status(second, "/v1/stores/demo/alerts", firstToken), "the previous run's token is revoked");
      assertEquals(200, status(second, "/v1/stores/demo/alerts", secondToken));
    }
  }

  @Test
  void demoRateIsRefusedWithoutDemoOrOutOfRange() {
    assertEquals(Main.EXIT_CONFIG, new CommandLine(new Main()).execute("--demo-rate", "5"));
    assertEquals(Main.EXIT_CONFIG, new CommandLine(new Main()).execute("--demo", "--demo-rate", "0"));
    assertEquals(Main.EXIT_CONFIG, new CommandLine(new Main()).execute("--demo", "--demo-rate", "1000000"));
  }

  @Test
  void dashboardAddressNamesLocalhostWhenBoundToEveryInterface() {
    assertEquals("http://localhost:8080/dashboard?store=demo&token=spr_x",
        DemoRunner.dashboardUrl("0.0.0.0", 8080, "demo", "spr_x"));
    assertEquals("http://localhost:9000/dashboard?store=demo&token=spr_x",
        DemoRunner.dashboardUrl("::", 9000, "demo", "spr_x"));
    assertEquals("http://10.1.2.3:8080/dashboard?store=demo&token=spr_x",
        DemoRunner.dashboardUrl("10.1.2.3", 8080, "demo", "spr_x"));
    assertEquals("http://[::1]:8080/dashboard?store=demo&token=spr_x",
        DemoRunner.dashboardUrl("::1", 8080, "demo", "spr_x"));
    assertEquals("127.0.0.1", DemoRunner.connectHost("0.0.0.0"));
    assertEquals("10.1.2.3", DemoRunner.connectHost("10.1.2.3"));
  }

  private static ForkedServer demoServer(String name, Path dataDir, DatabaseUrl database) {
    return ForkedServer.builder(name, dataDir)
        .adminToken(ADMIN_TOKEN)
        .databaseUrl(TestPostgres.settingValue(database))
        .args("--demo", "--demo-rate", "50")
        .startReady();
  }

  private static Matcher awaitDashboard(ForkedServer server) {
    AtomicReference<Matcher> printed = new AtomicReference<>();
    Deadline.await(WAIT, "the dashboard's address on standard output", () -> {
      Matcher matcher = DASHBOARD.matcher(server.stdout());
      if (matcher.find()) {
        printed.set(matcher);
        return true;
      }
      return false;
    });
    return printed.get();
  }

  private static long windowEvents(ForkedServer server, String token) {
    JsonArray windows = new JsonObject(get(server, "/v1/stores/demo/metrics?window=1m", token).body())
        .getJsonArray("windows");
    long events = 0;
    for (int i = 0; i < windows.size(); i++) {
      events += windows.getJsonObject(i).getJsonObject("metrics").getLong("events");
    }
    return events;
  }

  private static int inventoryItems(ForkedServer server, String token) {
    return new JsonObject(get(server, "/v1/stores/demo/inventory?limit=1000", token).body())
        .getJsonArray("items").size();
  }

  private static int status(ForkedServer server, String path, String token) {
    return get(server, path, token).statusCode();
  }

  private static HttpResponse<String> get(ForkedServer server, String path, String token) {
    HttpRequest request = HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(10)).GET().build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
