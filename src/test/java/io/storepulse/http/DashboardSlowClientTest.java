package io.storepulse.http;

import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.DashboardMirror;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.Events;
import io.storepulse.testing.LatencyProbe;
import io.storepulse.testing.LogCapture;
import io.storepulse.testing.RawWebSocket;
import io.storepulse.testing.ReadApiViews;
import io.storepulse.testing.StoreKeys;
import io.storepulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dashboard clients that stop reading. One that reads again before {@code dashboard.stuckAfter}
 * gets its waiting updates coalesced (one update standing for several, the newest value per key)
 * and still ends with the channel's state; one that stays stuck is closed with 1013 and can
 * resume, and one that never reads again is disconnected shortly after, so it does not keep its
 * place. Meanwhile a normal client's updates keep arriving, every one, within a couple of seconds
 * of their event.
 *
 * <p>One change of the big store's inventory touches 1000 SKUs with 120-character names, about
 * 350 KB of JSON, sent once per subscription. The slow clients subscribe to it under 32 ids, so
 * each change is over 10 MB for them: a single change fills every buffer between the server and a
 * client that does not read (a small receive buffer, the kernel's send buffer, Netty's and
 * Vert.x's write queues), whatever the machine's speed.
 */
class DashboardSlowClientTest {

  private static final Duration STUCK_AFTER = Duration.ofSeconds(3);
  private static final int SUBSCRIPTIONS = 32;
  private static final int SKUS = 1000;
  private static final int SMALL_RECEIVE_BUFFER = 8 * 1024;
  private static final Duration ON_TIME = Duration.ofSeconds(2);

  static TestServer server;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("pipeline.flushInterval", "200ms",
        "dashboard.stuckAfter", STUCK_AFTER.toMillis() + "ms",
        "dashboard.maxSubscriptions", Integer.toString(SUBSCRIPTIONS)));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    server.close();
  }

  @Test
  void aClientThatPausesReadingGetsCoalescedUpdatesAndStillEndsWithTheChannelsState() {
    StoreKeys store = StoreKeys.create(server, "slow-a");
    StoreKeys probeStore = StoreKeys.create(server, "probe-a");
    try (DashboardClient normal = DashboardClient.connect(vertx, server.port(), TestServer.ADMIN_TOKEN);
        DashboardClient slow = DashboardClient.connect(vertx, server.port(), store.readToken(),
            new WebSocketClientOptions().setReceiveBufferSize(SMALL_RECEIVE_BUFFER))) {
      normal.subscribe("i", "inventory", store.id());
      normal.subscribe("probe", "metrics", probeStore.id());
      DashboardMirror channel = normal.mirror("i").awaitLive();
      DashboardMirror probed = normal.mirror("probe").awaitLive();
      List<DashboardMirror> views = subscribeMany(slow, store);

      // the probe runs throughout, so a round trip is in flight whenever the slow client stalls
      LatencyProbe probe = LatencyProbe.start(probeStore, probed);
      probe.awaitMore(1);
      slow.pause();
      try {
        store.post(restockOfEverySku(store, 1));
        channel.await("the big change", m -> m.state().size() == SKUS);
        // a small change while the big one still waits for the slow client: they merge
        store.post(Events.restocked(store.id() + "-small", sku(0), 1));
        channel.await("the small change", m -> m.state().getJsonObject(sku(0)).getLong("onHand") == 2);
      } finally {
        slow.resume();
      }
      for (DashboardMirror view : views) {
        view.await("the channel's state", m -> m.seq() == channel.seq());
        assertEquals(channel.state(), view.state(), view.id());
      }
      assertTrue(views.stream().anyMatch(v -> v.updates().stream().anyMatch(DashboardMirror.Applied::coalesced)),
          "some subscription got one update standing for both changes");
      assertFalse(slow.isClosed(), "closed with " + slow.closeCode() + " " + slow.closeReason());
      Deadline.awaitEquals(Duration.ofSeconds(20), "the read API's inventory", () -> ReadApiViews.inventory(store),
          () -> views.get(0).catchUp().state());

      assertOnTime(probe.stop(), probed);
    }
  }

  @Test
  void aClientStuckPastTheLimitIsClosedOnceWith1013AndCanResume() {
    StoreKeys store = StoreKeys.create(server, "slow-b");
    StoreKeys probeStore = StoreKeys.create(server, "probe-b");
    try (LogCapture log = LogCapture.of(DashboardConnection.class);
        DashboardClient normal = DashboardClient.connect(vertx, server.port(), TestServer.ADMIN_TOKEN);
        DashboardClient stuck = DashboardClient.connect(vertx, server.port(), store.readToken(),
            new WebSocketClientOptions().setReceiveBufferSize(SMALL_RECEIVE_BUFFER));
        RawWebSocket raw = RawWebSocket.connect(server.port(), store.readToken(), SMALL_RECEIVE_BUFFER)) {
      normal.subscribe("i", "inventory", store.id());
      normal.subscribe("probe", "metrics", probeStore.id());
      DashboardMirror channel = normal.mirror("i").awaitLive();
      DashboardMirror probed = normal.mirror("probe").awaitLive();
      List<DashboardMirror> views = subscribeMany(stuck, store);
      for (int i = 0; i < SUBSCRIPTIONS; i++) {
        raw.sendJson(new JsonObject().put("op", "subscribe").put("id", "i" + i).put("channel", "inventory")
            .put("store", store.id()));
      }
      String stuckAddress = "127.0.0.1:" + stuck.socket().localAddress().port();
      awaitHealthConnections(3);

      // the Vert.x client stops reading; the raw one never reads at all
      LatencyProbe probe = LatencyProbe.start(probeStore, probed);
      probe.awaitMore(1);
      stuck.pause();
      long changedAtMillis;
      try {
        store.post(restockOfEverySku(store, 1));
        channel.await("the big change", m -> m.state().size() == SKUS);
        changedAtMillis = System.currentTimeMillis();
        Deadline.await(STUCK_AFTER.multipliedBy(4), "the server to give up on both stuck clients",
            () -> !log.containing(stuckAddress).isEmpty()
                && log.containing("too slow").stream().anyMatch(line -> !line.message().contains(stuckAddress)));
      } finally {
        stuck.resume();
      }
      List<LogCapture.Line> closes = log.containing("too slow");
      LogCapture.Line stuckClose = log.containing(stuckAddress).get(0);
      assertTrue(stuckClose.atMillis() - changedAtMillis > STUCK_AFTER.toMillis() - 500,
          "closed " + (stuckClose.atMillis() - changedAtMillis) + " ms after the change, the limit is " + STUCK_AFTER);

      // the client that reads again finds, after what was already on its way, the close frame
      stuck.awaitClosed(Duration.ofSeconds(10));
      assertEquals((short) 1013, stuck.closeCode(), stuck.closeReason());
      views.forEach(DashboardMirror::catchUp); // what it got before the close still follows on, seq by seq
      RawWebSocket.Frame frame;
      do {
        frame = raw.read(Duration.ofSeconds(5));
      } while (frame != null && frame.opcode() != RawWebSocket.CLOSE);
      assertTrue(frame != null, "the raw client got a close frame");
      assertEquals(1013, frame.closeCode());
      raw.sendClose(1013);
      assertEquals(null, raw.read(Duration.ofSeconds(5)), "the server ends the connection");
      awaitHealthConnections(1);
      // each stuck client was closed once, not again at every sweep while its close frame waited
      assertEquals(2, log.containing("closing dashboard connection").size(), log.containing("closing").toString());
      assertEquals(closes, log.containing("too slow"));

      // the closed client reconnects and resumes where it stopped
      DashboardMirror view = views.get(SUBSCRIPTIONS - 1);
      try (DashboardClient again = DashboardClient.connect(vertx, server.port(), store.readToken())) {
        view.follow(again);
        again.subscribe(view.id(), "inventory", new JsonObject().put("store", store.id()).put("since", view.seq()));
        view.await("the channel's state", m -> m.live() && m.seq() == channel.seq());
        assertEquals("replay", view.starts().get(view.starts().size() - 1));
        assertEquals(channel.state(), view.state());
      }
      assertOnTime(probe.stop(), probed);
    }
  }

  @Test
  void aClientThatNeverReadsAgainIsDisconnectedSoonAfterTheLimit() {
    StoreKeys store = StoreKeys.create(server, "slow-c");
    try (RawWebSocket raw = RawWebSocket.connect(server.port(), store.readToken(), SMALL_RECEIVE_BUFFER)) {
      for (int i = 0; i < SUBSCRIPTIONS; i++) {
        raw.sendJson(new JsonObject().put("op", "subscribe").put("id", "i" + i).put("channel", "inventory")
            .put("store", store.id()));
      }
      awaitHealthConnections(1);
      store.post(restockOfEverySku(store, 1));
      // its close frame cannot reach it through the unread data: the server must drop the connection itself
      Deadline.awaitEquals(STUCK_AFTER.multipliedBy(3), "the stuck connection to be released", () -> 0,
          () -> server.get("/health").bodyAsJsonObject().getJsonObject("dashboards").getInteger("connections"));
    }
  }

  /** The normal client's probe events all arrived on time, and as one update per seq. */
  private static void assertOnTime(List<Duration> latencies, DashboardMirror probed) {
    assertFalse(latencies.isEmpty(), "the probe measured something");
    Duration worst = latencies.stream().max(Comparator.naturalOrder()).orElseThrow();
    assertTrue(worst.compareTo(ON_TIME) < 0, "event to dashboard took up to " + worst.toMillis() + " ms: " + latencies);
    List<DashboardMirror.Applied> coalesced = probed.catchUp().updates().stream()
        .filter(DashboardMirror.Applied::coalesced).toList();
    assertEquals(List.of(), coalesced, "the normal client got every seq on its own");
  }

  private static List<DashboardMirror> subscribeMany(DashboardClient client, StoreKeys store) {
    List<DashboardMirror> views = new ArrayList<>();
    for (int i = 0; i < SUBSCRIPTIONS; i++) {
      client.subscribe("i" + i, "inventory", store.id());
      views.add(client.mirror("i" + i));
    }
    views.forEach(DashboardMirror::awaitLive);
    return views;
  }

  private static JsonArray restockOfEverySku(StoreKeys store, int quantity) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < SKUS; i++) {
      events.add(Events.restocked(store.id() + "-" + i, sku(i), quantity));
    }
    return events;
  }

  /** A SKU with a long name, so that every level is big. */
  private static String sku(int i) {
    return String.format("%04d-", i) + "x".repeat(115);
  }

  private static void awaitHealthConnections(int count) {
    Deadline.awaitEquals(Duration.ofSeconds(15), "/health to count " + count + " dashboard connections",
        () -> count, () -> server.get("/health").bodyAsJsonObject().getJsonObject("dashboards").getInteger("connections"));
  }
}
