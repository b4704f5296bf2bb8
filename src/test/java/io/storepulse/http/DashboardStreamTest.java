package io.storepulse.http;

import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.DashboardMirror;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.EventFlow;
import io.storepulse.testing.Events;
import io.storepulse.testing.ReadApiViews;
import io.storepulse.testing.StoreKeys;
import io.storepulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.storepulse.testing.ReadApiViews.withoutMovingAverages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a dashboard sees over {@code GET /v1/dashboard/ws}: a subscription's snapshot followed by
 * its updates, applied in order by a {@link DashboardMirror} that fails on any gap or repeat,
 * rebuilds exactly what the read API reports, whether the client subscribed before the events,
 * while they flowed, or resumed after missing some; unsubscribing and SKU filters; the health
 * channel.
 */
class DashboardStreamTest {

  private static final Duration SETTLE = Duration.ofSeconds(20);

  static TestServer server;
  static Vertx vertx;
  static long startedAtMillis;

  @BeforeAll
  static void start() {
    startedAtMillis = System.currentTimeMillis();
    server = TestServer.start(Map.of("pipeline.flushInterval", "200ms"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    server.close();
  }

  @Test
  void snapshotThenUpdatesRebuildTheMetricsInventoryAndAlertsTheReadApiReports() {
    StoreKeys store = StoreKeys.create(server, "exact");
    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      client.subscribe("m", "metrics", new JsonObject().put("store", store.id()).put("window", "1m"));
      client.subscribe("i", "inventory", store.id());
      client.subscribe("a", "alerts", store.id());
      DashboardMirror metrics = client.mirror("m").awaitLive();
      DashboardMirror inventory = client.mirror("i").awaitLive();
      DashboardMirror alerts = client.mirror("a").awaitLive();

      assertEquals(new JsonObject().put("type", "subscribed").put("id", "m").put("channel", "metrics")
          .put("store", store.id()).put("window", "1m").put("start", "snapshot"), metrics.subscribedMessages().get(0));
      assertEquals(new JsonObject().put("type", "subscribed").put("id", "i").put("channel", "inventory")
          .put("store", store.id()).put("start", "snapshot"), inventory.subscribedMessages().get(0));
      for (DashboardMirror mirror : List.of(metrics, inventory, alerts)) {
        assertEquals(new JsonObject(), mirror.state(), mirror.id() + ": a new store's channels start empty");
        // seqs start at the server's start time in milliseconds, so a resume across a restart is a reset
        long seq = mirror.snapshotSeqs().get(0);
        assertTrue(seq >= startedAtMillis && seq <= System.currentTimeMillis(), mirror.id() + " starts at " + seq);
      }

      Instant time = Instant.now();
      // restocks count as events of their minute too
      store.post(Events.restocked("r-tea", "tea", 10).put("time", time.toString()),
          Events.restocked("r-mug", "mug", 8).put("time", time.toString()));
      JsonArray events = new JsonArray();
      for (int i = 0; i < 5; i++) {
        events.add(Events.pageView("pv-" + i, time));
      }
      events.add(Events.order("o1", time, "12.50", Events.line("tea", 2, "2.50"), Events.line("mug", 1, "7.50")));
      events.add(Events.order("o2", time, "7.25", Events.line("tea", 1, "7.25")));
      events.add(Events.order("o3", time, "30.00", Events.line("mug", 4, "7.50")));
      store.post(events);

      String minute = time.truncatedTo(ChronoUnit.MINUTES).toString();
      JsonObject windows = metrics.await("the ten events counted in their minute",
          m -> m.state().containsKey(minute) && metricsOf(m.state(), minute).getLong("events") == 10);
      assertEquals(Set.of(minute), windows.fieldNames());
      JsonObject counted = metricsOf(windows, minute);
      assertEquals(5, counted.getLong("pageViews"), counted.encode());
      assertEquals(3, counted.getLong("orders"), counted.encode());
      assertEquals(8, counted.getLong("units"), counted.encode());
      assertEquals(new JsonObject().put("EUR", "49.75"), counted.getJsonObject("revenue"), counted.encode());
      assertEquals(new JsonArray().add(new JsonObject().put("sku", "mug").put("count", 5))
          .add(new JsonObject().put("sku", "tea").put("count", 3)), counted.getJsonArray("topByUnits"));

      JsonObject levels = inventory.await("the orders taken from stock",
          m -> m.state().containsKey("mug") && m.state().getJsonObject("mug").getLong("onHand") == 3
              && m.state().containsKey("tea") && m.state().getJsonObject("tea").getLong("onHand") == 7);
      assertEquals(Set.of("tea", "mug"), levels.fieldNames());
      assertEquals(3, levels.getJsonObject("mug").getLong("available"));
      assertTrue(levels.getJsonObject("mug").getBoolean("lowStock"));
      assertFalse(levels.getJsonObject("tea").getBoolean("lowStock"));
      JsonObject raised = alerts.await("mug's low stock alert",
          m -> m.state().stream().anyMatch(e -> ((JsonObject) e.getValue()).getString("kind").equals("low_stock")));
      raised.forEach(e -> assertEquals(ReadApiViews.alertKey((JsonObject) e.getValue()), e.getKey(),
          "alerts are keyed <time>|<kind>|<message>"));

      // once the result tables have caught up, the read API agrees key for key, value for value
      Deadline.awaitEquals(SETTLE, "the read API's metrics", () -> ReadApiViews.metrics(store, "1m"),
          () -> withoutMovingAverages(metrics.catchUp().state()));
      Deadline.awaitEquals(SETTLE, "the read API's inventory", () -> ReadApiViews.inventory(store),
          () -> inventory.catchUp().state());
      Deadline.awaitEquals(SETTLE, "the read API's alerts", () -> ReadApiViews.alerts(store),
          () -> alerts.catchUp().state());

      for (DashboardMirror mirror : List.of(metrics, inventory, alerts)) {
        List<DashboardMirror.Applied> updates = mirror.updates();
        assertFalse(updates.isEmpty(), mirror.id() + " got updates");
        // the mirror checked fromSeq == previous seq + 1 on each; here: the first follows the snapshot
        assertEquals(mirror.snapshotSeqs().get(0) + 1, updates.get(0).fromSeq(), mirror.id());
      }
    }
  }

  @Test
  void clientsSubscribingAtDifferentMomentsWhileEventsFlowAllEndWithTheReadApisState() {
    StoreKeys store = StoreKeys.create(server, "load");
    List<DashboardClient> clients = new ArrayList<>();
    List<DashboardMirror> metrics = new ArrayList<>();
    List<DashboardMirror> inventory = new ArrayList<>();
    try (EventFlow flow = EventFlow.start(store, Duration.ZERO, n -> mixedBatch("load", n))) {
      for (int joinAt : new int[] {0, 3, 8, 15}) {
        flow.awaitPosted(joinAt);
        DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken());
        clients.add(client);
        client.subscribe("m", "metrics", store.id());
        client.subscribe("i", "inventory", store.id());
        metrics.add(client.mirror("m"));
        inventory.add(client.mirror("i"));
      }
      flow.awaitMore(5);
      int batches = flow.stop();

      Map<String, Long> stock = expectedStock(batches);
      for (int c = 0; c < clients.size(); c++) {
        DashboardMirror m = metrics.get(c);
        DashboardMirror i = inventory.get(c);
        m.await(SETTLE, "every posted page view and order", mirror ->
            mirror.live() && ReadApiViews.total(mirror.state(), "pageViews") == (long) batches * PAGE_VIEWS_PER_BATCH
                && ReadApiViews.total(mirror.state(), "orders") == batches);
        assertEquals(new BigDecimal("2.25").multiply(BigDecimal.valueOf(batches)),
            ReadApiViews.revenue(m.state(), "EUR"), "revenue of " + batches + " orders of 2.25");
        i.await(SETTLE, "every restock and order in the stock levels", mirror -> mirror.live()
            && onHand(mirror.state()).equals(stock));
      }
      for (int c = 0; c < clients.size(); c++) {
        DashboardMirror m = metrics.get(c);
        DashboardMirror i = inventory.get(c);
        Deadline.awaitEquals(SETTLE, "client " + c + " to show the read API's metrics",
            () -> ReadApiViews.metrics(store, "1m"), () -> withoutMovingAverages(m.catchUp().state()));
        Deadline.awaitEquals(SETTLE, "client " + c + " to show the read API's inventory",
            () -> ReadApiViews.inventory(store), () -> i.catchUp().state());
        if (c > 0) {
          Deadline.awaitEquals(SETTLE, "client " + c + " to show what the first client shows",
              () -> metrics.get(0).catchUp().state(), () -> m.catchUp().state());
        }
      }
      for (int c = 1; c < clients.size(); c++) {
        assertEquals(metrics.get(0).seq(), metrics.get(c).seq(), "every client is at the channel's seq");
        assertEquals(inventory.get(0).seq(), inventory.get(c).seq(), "every client is at the channel's seq");
      }
      assertTrue(metrics.get(3).snapshotSeqs().get(0) > metrics.get(0).snapshotSeqs().get(0),
          "the late client's snapshot already held updates: " + metrics.get(3).snapshotSeqs());
    } finally {
      clients.forEach(DashboardClient::close);
    }
  }

  @Test
  void aClientThatReconnectsWithSinceGetsExactlyTheUpdatesItMissed() {
    StoreKeys store = StoreKeys.create(server, "resume");
    try (DashboardClient steady = DashboardClient.connect(vertx, server.port(), store.readToken());
        EventFlow flow = EventFlow.start(store, Duration.ofMillis(20), n -> mixedBatch("resume", n))) {
      steady.subscribe("i", "inventory", store.id());
      DashboardMirror steadyView = steady.mirror("i").awaitLive();

      DashboardClient first = DashboardClient.connect(vertx, server.port(), store.readToken());
      first.subscribe("i", "inventory", store.id());
      DashboardMirror resumed = first.mirror("i").awaitLive();
      flow.awaitMore(3);
      first.close();
      long leftAt = resumed.catchUp().seq();
      int updatesBefore = resumed.updateCount();

      steadyView.await("the channel to move on while the client is away", m -> m.seq() >= leftAt + 3);
      try (DashboardClient second = DashboardClient.connect(vertx, server.port(), store.readToken())) {
        resumed.follow(second);
        second.subscribe("i", "inventory", new JsonObject().put("store", store.id()).put("since", leftAt));
        resumed.awaitLive();
        assertEquals(List.of("snapshot", "replay"), resumed.starts());
        long missedUpTo = steadyView.catchUp().seq();
        flow.awaitMore(3);
        flow.stop();

        Map<String, Long> stock = expectedStock(flow.posted());
        resumed.await(SETTLE, "the resumed view to hold every restock and order",
            m -> onHand(m.state()).equals(stock));
        steadyView.await(SETTLE, "the steady view to hold every restock and order",
            m -> onHand(m.state()).equals(stock));
        assertEquals(steadyView.seq(), resumed.seq());
        assertEquals(steadyView.state(), resumed.state());
        Deadline.awaitEquals(SETTLE, "the read API to agree",
            () -> ReadApiViews.inventory(store), () -> resumed.catchUp().state());

        // the replay brings the channel's own updates, one per seq: those the steady client got too
        Map<Long, DashboardMirror.Applied> steadyBySeq = new HashMap<>();
        steadyView.updates().forEach(u -> steadyBySeq.put(u.seq(), u));
        List<DashboardMirror.Applied> afterResume = resumed.updatesSince(updatesBefore);
        assertEquals(leftAt + 1, afterResume.get(0).fromSeq(), "the replay starts right after since");
        int replayed = 0;
        int compared = 0;
        for (DashboardMirror.Applied update : afterResume) {
          if (update.seq() > missedUpTo) {
            break;
          }
          replayed++;
          assertFalse(update.coalesced(), "a replayed update is one seq: " + update);
          DashboardMirror.Applied seen = steadyBySeq.get(update.seq());
          if (seen != null && !seen.coalesced()) {
            assertEquals(seen, update, "the replayed update is the one the steady client got");
            compared++;
          }
        }
        assertTrue(replayed >= 3, "at least the three missed updates were replayed: " + replayed);
        assertTrue(compared > 0, "some replayed update was compared with the steady client's");
      }
    }
  }

  @Test
  void afterUnsubscribedNothingMoreArrivesForTheSubscription() {
    StoreKeys store = StoreKeys.create(server, "unsub");
    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken());
        DashboardClient witness = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      client.subscribe("m", "metrics", store.id());
      client.subscribe("i", "inventory", store.id());
      witness.subscribe("m", "metrics", store.id());
      DashboardMirror metrics = client.mirror("m").awaitLive();
      DashboardMirror inventory = client.mirror("i").awaitLive();
      DashboardMirror witnessed = witness.mirror("m").awaitLive();
      store.post(Events.pageViews("unsub-a", 3));
      metrics.await("three page views", m -> ReadApiViews.total(m.state(), "pageViews") == 3);

      client.unsubscribe("m");
      metrics.await("unsubscribed", DashboardMirror::unsubscribed);
      int messagesForM = client.messages("m").size();
      JsonArray more = Events.pageViews("unsub-b", 4).add(Events.restocked("unsub-r", "tea", 5));
      store.post(more);
      witnessed.await("the metrics channel to move on", m -> ReadApiViews.total(m.state(), "pageViews") == 7);
      inventory.await("the same socket's other subscription to move on", m -> m.state().containsKey("tea"));
      metrics.catchUp(); // fails on any message after unsubscribed
      assertEquals(messagesForM, client.messages("m").size(), "no message for m after unsubscribed");

      // the id is free again: a new subscription under it starts from a snapshot of the present
      int received = client.count();
      client.subscribe("m", "metrics", store.id());
      DashboardMirror again = client.mirror("m", received).awaitLive();
      assertEquals(List.of("snapshot"), again.starts());
      assertEquals(7, ReadApiViews.total(again.state(), "pageViews"));
    }
  }

  @Test
  void anInventoryViewOfSomeSkusShowsOnlyThoseAndItsSeqsStayContinuous() {
    StoreKeys store = StoreKeys.create(server, "skus");
    JsonArray restocks = new JsonArray();
    for (int i = 0; i < 10; i++) {
      restocks.add(Events.restocked("skus-r" + i, "s" + i, 10));
    }
    store.post(restocks);
    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      client.subscribe("all", "inventory", store.id());
      DashboardMirror all = client.mirror("all").awaitLive();
      all.await("the ten SKUs", m -> m.state().size() == 10);
      client.subscribeSkus("some", store.id(), "s1", "s3", "never-stocked");
      DashboardMirror some = client.mirror("some").awaitLive();
      assertEquals(Set.of("s1", "s3"), some.state().fieldNames(), "the snapshot holds only the SKUs asked for");

      // two changes of other SKUs, then one of s3
      int step = 0;
      for (String sku : List.of("s5", "s6", "s3")) {
        store.post(Events.restocked("skus-more-" + step++, sku, 2));
        all.await(sku + " restocked", m -> m.state().getJsonObject(sku).getLong("onHand") == 12);
      }
      some.await("s3 restocked", m -> m.state().getJsonObject("s3").getLong("onHand") == 12);
      assertEquals(all.seq(), some.seq(), "the view is at the channel's seq after a change it shows");
      assertEquals(1, some.updates().size(), "the changes of other SKUs sent nothing: " + some.updates());
      DashboardMirror.Applied update = some.updates().get(0);
      assertEquals(Set.of("s3"), update.values().fieldNames());
      assertTrue(update.coalesced(), "the update stands for the skipped seqs too: " + update);
      JsonObject expected = new JsonObject().put("s1", all.state().getValue("s1")).put("s3", all.state().getValue("s3"));
      assertEquals(expected, some.state());
    }
  }

  @Test
  void theHealthChannelCarriesTheHealthReportAndUpdatesEverySecond() {
    StoreKeys store = StoreKeys.create(server, "health");
    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      client.subscribe("h", "health", new JsonObject());
      DashboardMirror health = client.mirror("h").awaitLive();
      assertEquals(new JsonObject().put("type", "subscribed").put("id", "h").put("channel", "health")
          .put("start", "snapshot"), health.subscribedMessages().get(0));
      JsonObject report = server.get("/health").bodyAsJsonObject();
      JsonObject state = health.await("every field of the report", m -> m.state().fieldNames().equals(report.fieldNames()));
      assertEquals(report.getString("version"), state.getString("version"));
      // reports are taken every second: soon one counts this socket
      health.await("a report counting this socket", m -> m.state().getJsonObject("dashboards").getInteger("connections") >= 1);

      int before = health.updateCount();
      long startNanos = System.nanoTime();
      health.await(Duration.ofSeconds(6), "three more reports", m -> m.updateCount() >= before + 3);
      long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
      assertTrue(millis >= 1_500, "three reports come about a second apart, not in " + millis + " ms");
      long uptime = -1;
      for (DashboardMirror.Applied update : health.updatesSince(before)) {
        if (update.values().containsKey("uptimeSeconds")) {
          assertTrue(update.values().getLong("uptimeSeconds") > uptime, "uptime grows: " + update);
          uptime = update.values().getLong("uptimeSeconds");
        }
      }
      assertTrue(uptime > 0, "the reports carry the uptime");
    }
  }

  static final int PAGE_VIEWS_PER_BATCH = 20;
  static final int SKUS = 8;

  /**
   * Batch {@code n} of a flow: page views, an order of 2.25 taking one unit of SKU {@code n % 8},
   * and a restock of 3 units of SKU {@code (n + 1) % 8}.
   */
  static JsonArray mixedBatch(String prefix, int n) {
    JsonArray events = new JsonArray();
    Instant now = Instant.now();
    for (int i = 0; i < PAGE_VIEWS_PER_BATCH; i++) {
      events.add(Events.pageView(prefix + "-" + n + "-pv" + i, now));
    }
    events.add(Events.restocked(prefix + "-" + n + "-r", sku((n + 1) % SKUS), 3));
    events.add(Events.order(prefix + "-" + n + "-o", now, "2.25", Events.line(sku(n % SKUS), 1, "2.25")));
    return events;
  }

  static String sku(int i) {
    return "sku-" + i;
  }

  /**
   * The units on hand per SKU after the first {@code batches} {@link #mixedBatch}es. An order of a
   * SKU the store has not stocked yet changes nothing (a store may not keep inventory here).
   */
  static Map<String, Long> expectedStock(int batches) {
    Map<String, Long> stock = new HashMap<>();
    for (int n = 0; n < batches; n++) {
      stock.merge(sku((n + 1) % SKUS), 3L, Long::sum);
      stock.computeIfPresent(sku(n % SKUS), (sku, units) -> units - 1);
    }
    return stock;
  }

  static Map<String, Long> onHand(JsonObject inventoryState) {
    Map<String, Long> onHand = new HashMap<>();
    inventoryState.forEach(e -> onHand.put(e.getKey(), ((JsonObject) e.getValue()).getLong("onHand")));
    return onHand;
  }

  static JsonObject metricsOf(JsonObject metricsState, String windowStart) {
    return metricsState.getJsonObject(windowStart).getJsonObject("metrics");
  }
}
