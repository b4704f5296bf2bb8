package io.storepulse.http;

import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.RawWebSocket;
import io.storepulse.testing.StoreKeys;
import io.storepulse.testing.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard socket as a connection: who may open one (answered before the upgrade), how many
 * may be open, how {@code /health} counts them, and the pings that find clients gone silent.
 */
class DashboardConnectionTest {

  private static final int MAX_CONNECTIONS = 3;
  private static final Duration PING_INTERVAL = Duration.ofMillis(200);
  private static final Duration PONG_TIMEOUT = Duration.ofMillis(1500);

  static TestServer server;
  static Vertx vertx;
  static StoreKeys store;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("dashboard.maxConnections", Integer.toString(MAX_CONNECTIONS),
        "dashboard.pingInterval", PING_INTERVAL.toMillis() + "ms",
        "dashboard.pongTimeout", PONG_TIMEOUT.toMillis() + "ms"));
    vertx = Vertx.vertx();
    store = StoreKeys.create(server, "conn");
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    server.close();
  }

  @Test
  void withoutATokenOrWithAnUnknownOneTheUpgradeIsRefusedWith401() {
    assertRefused(401, DashboardClient.PATH, MultiMap.caseInsensitiveMultiMap());
    assertRefused(401, DashboardClient.PATH + "?token=", MultiMap.caseInsensitiveMultiMap());
    assertRefused(401, DashboardClient.PATH + "?token=not-a-token", MultiMap.caseInsensitiveMultiMap());
    assertRefused(401, DashboardClient.PATH,
        MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer not-a-token"));
  }

  @Test
  void aWriteKeyCannotOpenADashboard() {
    JsonObject problem = assertRefused(403, DashboardClient.PATH + "?token=" + store.writeKey(),
        MultiMap.caseInsensitiveMultiMap());
    assertTrue(problem.getString("detail").contains("read token"), problem.encode());
  }

  @Test
  void aPlainGetWithoutTheUpgradeIsABadRequest() {
    HttpResponse<Buffer> response = server.client().get(DashboardClient.PATH + "?token=" + store.readToken())
        .send().await();
    assertProblem(response, 400);
  }

  @Test
  void aReadTokenMayComeAsABearerHeader() {
    try (DashboardClient client = DashboardClient.connectWithBearer(vertx, server.port(), store.readToken())) {
      client.subscribe("i", "inventory", store.id());
      client.mirror("i").awaitLive();
    }
  }

  @Test
  void beyondMaxConnectionsTheUpgradeIsRefusedWith503AndRetryAfterAndHealthCountsOpenSockets() {
    awaitHealthConnections(0);
    List<DashboardClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        clients.add(DashboardClient.connect(vertx, server.port(), store.readToken()));
      }
      awaitHealthConnections(MAX_CONNECTIONS);
      UpgradeRejectedException refused = DashboardClient.refused(vertx, server.port(),
          DashboardClient.PATH + "?token=" + store.readToken(), MultiMap.caseInsensitiveMultiMap());
      assertProblem(503, refused.getStatus(), refused.getHeaders().get("Content-Type"), refused.getBody().toString());
      String retryAfter = refused.getHeaders().get("Retry-After");
      assertNotNull(retryAfter, "503 says when to retry: " + refused.getHeaders());
      assertTrue(Integer.parseInt(retryAfter) >= 1, retryAfter);

      // a closed socket gives its place back
      clients.remove(0).close();
      awaitHealthConnections(MAX_CONNECTIONS - 1);
      clients.add(DashboardClient.connect(vertx, server.port(), store.readToken()));
      awaitHealthConnections(MAX_CONNECTIONS);
    } finally {
      clients.forEach(DashboardClient::close);
    }
    awaitHealthConnections(0);
  }

  @Test
  void theServerPingsAndClosesAClientThatNeverAnswersWith1001WhileOneThatAnswersStaysOpen() {
    awaitHealthConnections(0);
    long connectingAt = System.nanoTime(); // the server's pong clock starts later, once it has upgraded
    try (RawWebSocket silent = RawWebSocket.connect(server.port(), store.readToken(), 0);
        DashboardClient answering = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      int pings = 0;
      RawWebSocket.Frame close = null;
      while (close == null) {
        RawWebSocket.Frame frame = silent.read(PONG_TIMEOUT.multipliedBy(3));
        assertNotNull(frame, "the server ended the connection without a close frame");
        if (frame.opcode() == RawWebSocket.PING) {
          pings++;
        } else if (frame.opcode() == RawWebSocket.CLOSE) {
          close = frame;
        }
      }
      long closedAfterMillis = Duration.ofNanos(System.nanoTime() - connectingAt).toMillis();
      assertEquals(1001, close.closeCode(), close.text());
      assertTrue(closedAfterMillis >= PONG_TIMEOUT.toMillis() && closedAfterMillis < PONG_TIMEOUT.toMillis() + 2_000,
          "closed " + closedAfterMillis + " ms after connecting, pong timeout " + PONG_TIMEOUT);
      // pinged every 200 ms for 1.5 s: the silent client had every chance to answer
      assertTrue(pings >= 3, pings + " pings before the close");
      silent.sendClose(1001);
      assertNull(silent.read(Duration.ofSeconds(5)), "the server ends the connection after the closing handshake");

      // the Vert.x client answers pings on its own: open past the pong timeout, and served
      assertFalse(answering.isClosed(), "closed with " + answering.closeCode() + " " + answering.closeReason());
      answering.subscribe("h", "health", new JsonObject());
      answering.mirror("h").awaitLive();
      awaitHealthConnections(1);
    }
  }

  private static JsonObject assertRefused(int status, String uri, MultiMap headers) {
    UpgradeRejectedException refused = DashboardClient.refused(vertx, server.port(), uri, headers);
    return assertProblem(status, refused.getStatus(), refused.getHeaders().get("Content-Type"),
        refused.getBody().toString());
  }

  /** Waits for {@code /health} (sampled every second) to count this many dashboard sockets. */
  private static void awaitHealthConnections(int count) {
    Deadline.awaitEquals(Duration.ofSeconds(10), "/health to count " + count + " dashboard connections",
        () -> count, () -> server.get("/health").bodyAsJsonObject().getJsonObject("dashboards").getInteger("connections"));
  }
}
