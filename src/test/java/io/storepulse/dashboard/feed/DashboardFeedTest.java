package io.storepulse.dashboard.feed;

import io.storepulse.analytics.CommerceEvent;
import io.storepulse.analytics.EngineChanges;
import io.storepulse.analytics.EngineSettings;
import io.storepulse.analytics.LineItem;
import io.storepulse.analytics.MovingAveragePoint;
import io.storepulse.analytics.WindowEngine;
import io.storepulse.analytics.WindowResult;
import io.storepulse.dashboard.ChannelKey;
import io.storepulse.dashboard.ChannelSubscriber;
import io.storepulse.dashboard.DashboardHub;
import io.storepulse.dashboard.Start;
import io.storepulse.dashboard.Update;
import io.storepulse.ingest.EventType;
import io.storepulse.inventory.Holder;
import io.storepulse.inventory.InventoryBook;
import io.storepulse.inventory.InventoryChanges;
import io.storepulse.inventory.InventorySettings;
import io.storepulse.inventory.StockAlert;
import io.storepulse.inventory.StockLevel;
import io.storepulse.inventory.StockTarget;
import io.storepulse.pipeline.PipelineChanges;
import io.storepulse.pipeline.ResultJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feed turning real engine and book drains into channel changes of a real hub: what each
 * channel holds, how far back, and how history from the database joins what the live feed shows.
 */
class DashboardFeedTest {

  private static final long INITIAL_SEQ = 1_000;
  private static final String STORE = "s";
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final ChannelKey MINUTES = ChannelKey.metrics(STORE, "1m");
  private static final ChannelKey HOURS = ChannelKey.metrics(STORE, "1h");
  private static final ChannelKey HOPPING = ChannelKey.metrics(STORE, "5m");
  private static final ChannelKey TRENDING = ChannelKey.trending(STORE, "1m");
  private static final ChannelKey INVENTORY = ChannelKey.inventory(STORE);
  private static final ChannelKey ALERTS = ChannelKey.alerts(STORE);

  private final DashboardHub hub = new DashboardHub(1_000, INITIAL_SEQ);
  private final DashboardFeed feed = new DashboardFeed(hub, "1m");
  private WindowEngine engine = new WindowEngine(EngineSettings.defaults());
  private final InventoryBook book = new InventoryBook(InventorySettings.defaults());
  private long position;

  // ------------------------------------------------------------------ one change per drain

  @Test
  void eachDrainMovesEveryChannelItTouchesByOneSeq() {
    apply(pageView(at(0, 5), "v1"), pageView(at(1, 5), "v2"), productView(at(2, 5), "v2", "tea"),
        order(at(2, 10), "v2", "tea", 2), restock("tea", 10, at(2, 1)), restock("mug", 3, at(2, 2)));
    apply(new CommerceEvent(++position, "other", "e" + position, EventType.PAGE_VIEWED, at(0, 1), "w1", null, null,
        null, 0, null, null, null, List.of(), null));
    PipelineChanges drain = publish();

    for (ChannelKey channel : List.of(MINUTES, HOURS, HOPPING, TRENDING, ChannelKey.trending(STORE, "1h"),
        ChannelKey.trending(STORE, "5m"), INVENTORY, ChannelKey.metrics("other", "1m"))) {
      assertEquals(INITIAL_SEQ + 1, hub.channel(channel).seq(), channel.toString());
    }
    assertEquals(INITIAL_SEQ, hub.channel(ALERTS).seq(), "no alert, no change");
    Map<String, JsonObject> minutes = state(MINUTES);
    assertEquals(Set.of(at(0, 0).toString(), at(1, 0).toString(), at(2, 0).toString()), minutes.keySet());
    for (WindowResult w : drain.changes().windows()) {
      if (w.storeId().equals(STORE) && w.windowKind().equals("1m")) {
        JsonObject shown = minutes.get(w.windowStart().toString()).copy();
        shown.remove("movingAverages"); // 10:00 is final already: see the moving-average test
        assertEquals(ResultJson.window(w), shown);
      }
    }

    apply(pageView(at(2, 20), "v3"));
    publish();
    assertEquals(INITIAL_SEQ + 2, hub.channel(MINUTES).seq());
    assertEquals(INITIAL_SEQ + 1, hub.channel(INVENTORY).seq(), "the book did not change");
    assertEquals(INITIAL_SEQ + 1, hub.channel(ChannelKey.metrics("other", "1m")).seq());
    assertEquals(5, state(MINUTES).get(at(2, 0).toString()).getJsonObject("metrics").getLong("events"));
  }

  // ------------------------------------------------------------------ metrics windows

  @Test
  void aMetricsChannelKeepsTheNewest60WindowsAndRemovesOlderOnes() {
    Updates updates = subscribe(MINUTES);
    for (int minute = 0; minute < 70; minute++) {
      apply(pageView(T0.plus(Duration.ofMinutes(minute)).plusSeconds(30), "v" + minute));
      if (minute % 3 == 0) {
        publish();
      }
    }
    publish();

    Set<String> newest = minutes(10, 70);
    assertEquals(newest, state(MINUTES).keySet());
    assertEquals(minutes(0, 10), updates.removed(), "the scrolled-out windows are removed from the state");
    assertEquals(60, state(HOPPING).size());
    assertEquals(2, state(HOURS).size(), "10:00 and 11:00");
  }

  @Test
  void aCorrectionOfAWindowThatScrolledOutIsIgnored() {
    engine = new WindowEngine(withCorrectionHorizon(Duration.ofHours(3)));
    for (int minute = 0; minute < 70; minute++) {
      apply(pageView(T0.plus(Duration.ofMinutes(minute)).plusSeconds(30), "v" + minute));
    }
    publish();
    long seq = hub.channel(MINUTES).seq();

    apply(pageView(at(2, 40), "late"));
    PipelineChanges correction = publish();
    assertTrue(correction.changes().windows().stream().anyMatch(w -> w.windowKind().equals("1m")
        && w.windowStart().equals(at(2, 0))), "the engine corrects 10:02");
    assertEquals(seq, hub.channel(MINUTES).seq());
    assertFalse(state(MINUTES).containsKey(at(2, 0).toString()));

    apply(pageView(at(30, 40), "late"));
    publish();
    JsonObject corrected = state(MINUTES).get(at(30, 0).toString());
    assertEquals("corrected", corrected.getString("status"));
    assertEquals(2, corrected.getJsonObject("metrics").getLong("events"));
    assertEquals(minutes(10, 70), state(MINUTES).keySet());
  }

  @Test
  void movingAveragesJoinTheShortWindowAndStayWhenItIsRepublished() {
    apply(order(at(0, 1), "v1", "tea", 1), order(at(0, 2), "v1", "tea", 1), pageView(at(1, 1), "v2"),
        order(at(2, 1), "v3", "mug", 3));
    publish();
    assertFalse(state(MINUTES).get(at(0, 0).toString()).containsKey("movingAverages"), "not final yet");

    engine.onIdle(at(6, 0));
    engine.onIdle(at(6, 0));
    PipelineChanges finals = publish();
    assertFalse(finals.changes().movingAverages().isEmpty());
    Map<String, JsonObject> minutes = state(MINUTES);
    assertEquals(Set.of(at(0, 0).toString(), at(1, 0).toString(), at(2, 0).toString()), minutes.keySet(),
        "points of minutes without events show no window");
    for (MovingAveragePoint point : finals.changes().movingAverages()) {
      JsonObject window = minutes.get(point.windowStart().toString());
      if (window != null) {
        assertEquals("final", window.getString("status"));
        assertEquals(ResultJson.movingAverage(point.value(), point.simple(), point.exponential()),
            window.getJsonObject("movingAverages").getJsonObject(point.metric()), point.toString());
      }
    }
    JsonObject averages = minutes.get(at(1, 0).toString()).getJsonObject("movingAverages");
    assertEquals(Set.of("orders", "page_views", "product_views", "payment_failures", "refunds", "revenue:EUR"),
        averages.fieldNames());
    assertEquals(1.0, averages.getJsonObject("page_views").getDouble("value"));
    for (ChannelKey other : List.of(HOURS, HOPPING)) {
      state(other).values().forEach(w -> assertFalse(w.containsKey("movingAverages"), other.toString()));
    }

    apply(order(at(1, 30), "v4", "tea", 1));
    publish();
    JsonObject corrected = state(MINUTES).get(at(1, 0).toString());
    assertEquals("corrected", corrected.getString("status"));
    assertEquals(2, corrected.getJsonObject("metrics").getLong("events"));
    assertEquals(averages, corrected.getJsonObject("movingAverages"), "the averages stay with the correction");
  }

  // ------------------------------------------------------------------ trending

  @Test
  void trendingFollowsTheNewestWindowAndIgnoresCorrectionsOfOlderOnes() {
    apply(productView(at(0, 1), "v1", "tea"), productView(at(0, 2), "v2", "tea"), productView(at(0, 3), "v3", "tea"),
        order(at(0, 4), "v1", "tea", 2), productView(at(1, 1), "v4", "mug"), productView(at(1, 2), "v5", "mug"),
        order(at(1, 3), "v4", "mug", 1));
    publish();
    JsonObject views = state(TRENDING).get("views");
    assertEquals(at(1, 0).toString(), views.getString("windowStart"));
    assertEquals(at(2, 0).toString(), views.getString("windowEnd"));
    assertEquals("provisional", views.getString("status"));
    assertEquals(new JsonArray().add(new JsonObject().put("sku", "mug").put("count", 2)), views.getJsonArray("products"));
    assertEquals(new JsonArray().add(new JsonObject().put("sku", "mug").put("count", 1)),
        state(TRENDING).get("units").getJsonArray("products"));
    assertEquals(Set.of("units", "views"), state(TRENDING).keySet());

    engine.onIdle(at(5, 0));
    engine.onIdle(at(5, 0));
    publish();
    assertEquals("final", state(TRENDING).get("views").getString("status"));
    long seq = hub.channel(TRENDING).seq();

    apply(productView(at(0, 30), "v6", "tea")); // corrects 10:00, older than the ranked window
    publish();
    assertEquals(seq, hub.channel(TRENDING).seq());
    assertEquals(at(1, 0).toString(), state(TRENDING).get("views").getString("windowStart"));
    assertEquals(new JsonArray().add(new JsonObject().put("sku", "tea").put("count", 4))
            .add(new JsonObject().put("sku", "mug").put("count", 2)),
        state(ChannelKey.trending(STORE, "1h")).get("views").getJsonArray("products"),
        "the correction is of the newest hour, which trending by hour follows");

    apply(productView(at(1, 30), "v7", "tea")); // corrects the ranked window itself
    publish();
    JsonObject corrected = state(TRENDING).get("views");
    assertEquals("corrected", corrected.getString("status"));
    assertEquals(new JsonArray().add(new JsonObject().put("sku", "mug").put("count", 2))
        .add(new JsonObject().put("sku", "tea").put("count", 1)), corrected.getJsonArray("products"));

    apply(productView(at(6, 1), "v8", "pot"));
    publish();
    assertEquals(at(6, 0).toString(), state(TRENDING).get("views").getString("windowStart"));
  }

  // ------------------------------------------------------------------ inventory

  @Test
  void theInventoryChannelHoldsEachSkusLevel() {
    apply(restock("tea", 10, at(0, 1)), restock("mug", 3, at(0, 2)), order(at(0, 3), "v1", "tea", 2));
    apply(new CommerceEvent(++position, "other", "e" + position, EventType.INVENTORY_RESTOCKED, at(0, 4), null, null,
        null, "tea", 1, null, null, null, List.of(), null, null, null, null));
    publish();

    Map<String, JsonObject> levels = state(INVENTORY);
    assertEquals(Set.of("tea", "mug"), levels.keySet());
    assertEquals(new JsonObject().put("sku", "tea").put("onHand", 8).put("reserved", 0).put("available", 8)
        .put("lowStockThreshold", 5).put("lowStock", false).put("version", 2), levels.get("tea"));
    assertEquals(new JsonObject().put("sku", "mug").put("onHand", 3).put("reserved", 0).put("available", 3)
        .put("lowStockThreshold", 5).put("lowStock", true).put("version", 1), levels.get("mug"));
    assertEquals(Set.of("tea"), state(ChannelKey.inventory("other")).keySet());

    book.reserve(STORE, "tea", 4, Duration.ofMinutes(5), Holder.visitor("v9"), "r1", at(0, 10));
    publish();
    JsonObject tea = state(INVENTORY).get("tea");
    assertEquals(4, tea.getLong("reserved"));
    assertEquals(4, tea.getLong("available"));
    assertTrue(tea.getBoolean("lowStock"));
    assertEquals(INITIAL_SEQ + 2, hub.channel(INVENTORY).seq());
    assertEquals(levels.get("mug"), state(INVENTORY).get("mug"));
  }

  /**
   * After a failed flush the partition sends the levels of the drains it discarded as its book
   * has them again: a refused reservation's level comes back, a level only a refused operation
   * created goes.
   */
  @Test
  void levelsSetRightAfterARewindReplaceWhatWasShownAndRemoveWhatIsGone() {
    apply(restock("tea", 10, at(0, 1)));
    publish();
    StockLevel durable = book.level(STORE, "tea").orElseThrow();
    book.reserve(STORE, "tea", 3, Duration.ofMinutes(5), Holder.visitor("v1"), "r1", at(0, 2));
    book.adjust(STORE, "rug", new StockTarget.SetOnHand(6), "first-rugs", null, at(0, 3));
    publish();
    assertEquals(Set.of("tea", "rug"), state(INVENTORY).keySet());
    long seq = hub.channel(INVENTORY).seq();

    feed.apply(new PipelineChanges(0, new EngineChanges(List.of(), List.of(), List.of(), List.of(), List.of(), null, 0,
        -1), new InventoryChanges(List.of(durable), List.of(), List.of(), List.of(), List.of()),
        List.of(new PipelineChanges.LevelKey(STORE, "rug"))));

    assertEquals(Map.of("tea", ResultJson.level(durable)), state(INVENTORY));
    assertEquals(seq + 1, hub.channel(INVENTORY).seq(), "one change");
  }

  // ------------------------------------------------------------------ alerts

  @Test
  void alertsAreKeyedByTimeKindAndMessageAndKeptToTheNewest100() {
    List<StockAlert> raised = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String sku = String.format("sku-%03d", i);
      apply(restock(sku, 10, T0.plusSeconds(2L * i)), order(T0.plusSeconds(2L * i + 1), "v" + i, sku, 10));
      if (i % 20 == 19) {
        raised.addAll(publish().stock().alerts());
      }
    }
    assertEquals(120, raised.size(), "low stock and out of stock for each SKU");

    TreeMap<String, JsonObject> expected = new TreeMap<>();
    for (StockAlert alert : raised) {
      expected.put(alert.time().toString().replace("Z", ".000Z") + "|" + alert.kind().wireName() + "|"
          + alert.message(), ResultJson.alert(alert));
    }
    while (expected.size() > DashboardFeed.RETAINED_ALERTS) {
      expected.pollFirstEntry();
    }
    assertEquals(expected, new TreeMap<>(state(ALERTS)));
    assertEquals("2026-03-01T10:00:21.000Z|low_stock|low stock: SKU sku-010 has 0 available (on hand 0, reserved 0,"
        + " low-stock threshold 5)", expected.firstKey());

    long seq = hub.channel(ALERTS).seq();
    apply(restock("old", 10, T0.minusSeconds(3_600)), order(T0.minusSeconds(3_599), "v", "old", 10));
    assertEquals(2, publish().stock().alerts().size());
    assertEquals(seq, hub.channel(ALERTS).seq(), "alerts older than the newest 100 are not shown");
  }

  /**
   * A stock alert's time is its event's time, which a storefront may send with nanoseconds; the
   * alerts table keeps microseconds, and the channel shows the time as the read API (and the
   * channel's own history after a restart) does.
   */
  @Test
  void aStockAlertShowsItsTimeAsTheAlertsTableKeepsIt() {
    apply(restock("lamp", 3, Instant.parse("2026-03-01T10:00:00.123456789Z")),
        order(Instant.parse("2026-03-01T10:00:01.987654321Z"), "v1", "lamp", 3));
    publish();

    JsonObject alert = state(ALERTS).get("2026-03-01T10:00:01.987Z|out_of_stock|out of stock: SKU lamp has 0"
        + " available (on hand 0, reserved 0, low-stock threshold 5)");
    assertEquals("2026-03-01T10:00:01.987654Z", alert.getString("windowStart"));
    assertEquals("2026-03-01T10:00:01.987654Z", alert.getString("windowEnd"));
  }

  @Test
  void anomalyAlertsJoinTheAlertsChannel() {
    engine = new WindowEngine(EngineSettings.defaults().withAnomaly(3, 10, 0.1));
    List<io.storepulse.analytics.Alert> raised = new ArrayList<>();
    for (int minute = 0; minute < 40; minute++) {
      Instant start = T0.plus(Duration.ofMinutes(minute));
      for (int i = 0; i < 20; i++) {
        apply(productView(start.plusSeconds(i * 3), "v" + i, "tea"));
      }
      for (int i = 0; minute < 30 && i < 4 + minute % 3; i++) {
        apply(order(start.plusSeconds(i * 7 + 1), "v" + i, "tea", 1));
      }
      raised.addAll(publish().changes().alerts());
    }
    engine.onIdle(at(59, 0));
    engine.onIdle(at(59, 0));
    raised.addAll(publish().changes().alerts());

    assertEquals(1, raised.size(), raised.toString());
    io.storepulse.analytics.Alert alert = raised.get(0);
    assertEquals(Map.of("2026-03-01T10:30:00.000Z|checkout_broken|" + alert.message(), ResultJson.alert(alert)),
        state(ALERTS));
  }

  // ------------------------------------------------------------------ history from the database

  @Test
  void seedingFillsOnlyAbsentKeysAndNeverOverridesLiveValues() {
    apply(pageView(at(1, 1), "v1"), pageView(at(2, 1), "v2"), restock("tea", 10, at(2, 2)),
        restock("tea", 5, at(2, 3)), restock("mug", 10, at(2, 4)), order(at(2, 5), "v2", "mug", 10));
    publish();
    Map<String, JsonObject> live = state(MINUTES);
    JsonObject liveAlert = state(ALERTS).values().iterator().next();
    long seq = hub.channel(MINUTES).seq();

    // as the database answers: windows newest first, levels with their update time, alerts with id and time
    feed.seed(MINUTES, new JsonArray()
        .add(window(at(2, 0), 7))
        .add(window(at(1, 0), 7))
        .add(window(at(0, 0), 7)));
    assertEquals(seq + 1, hub.channel(MINUTES).seq(), "one change for the seeded windows");
    Map<String, JsonObject> minutes = state(MINUTES);
    assertEquals(live.get(at(2, 0).toString()), minutes.get(at(2, 0).toString()));
    assertEquals(live.get(at(1, 0).toString()), minutes.get(at(1, 0).toString()));
    assertEquals(window(at(0, 0), 7), minutes.get(at(0, 0).toString()));

    feed.seed(INVENTORY, new JsonArray()
        .add(level("mug", 99).put("updatedAt", "2026-03-01T09:00:00Z"))
        .add(level("pot", 4).put("updatedAt", "2026-03-01T09:00:00Z"))
        .add(level("tea", 99).put("updatedAt", "2026-03-01T09:00:00Z")));
    Map<String, JsonObject> levels = state(INVENTORY);
    assertEquals(0, levels.get("mug").getLong("onHand"), "the live level stays");
    assertEquals(15, levels.get("tea").getLong("onHand"), "the live level stays");
    assertEquals(level("pot", 4), levels.get("pot"), "a seeded level, without its update time");

    JsonObject older = liveAlert.copy().put("windowStart", "2026-03-01T09:59:00Z").put("message", "older");
    feed.seed(ALERTS, new JsonArray()
        .add(liveAlert.copy().put("id", 8).put("raisedAt", "2026-03-01T10:02:06Z").put("observed", 99.0))
        .add(older.copy().put("id", 7).put("raisedAt", "2026-03-01T10:02:05Z")));
    Map<String, JsonObject> alerts = state(ALERTS);
    assertTrue(alerts.containsValue(liveAlert), "the live alert stays as it was");
    assertEquals(older, alerts.get("2026-03-01T09:59:00.000Z|" + older.getString("kind") + "|older"));

    ChannelKey unseenTrending = ChannelKey.trending("quiet", "1m");
    JsonObject ranked = window(at(5, 0), 3);
    ranked.getJsonObject("metrics").put("topByViews", new JsonArray().add(new JsonObject().put("sku", "tea")
        .put("count", 3)));
    feed.seed(unseenTrending, new JsonArray().add(ranked));
    assertEquals(new JsonObject().put("windowStart", at(5, 0).toString()).put("windowEnd", at(6, 0).toString())
        .put("status", "final").put("products", new JsonArray().add(new JsonObject().put("sku", "tea").put("count", 3))),
        state(unseenTrending).get("views"));
    JsonObject liveTrending = state(TRENDING).get("views");
    feed.seed(TRENDING, new JsonArray().add(ranked));
    assertEquals(liveTrending, state(TRENDING).get("views"), "live trending is never replaced by history");

    long healthSeq = hub.channel(ChannelKey.health()).seq();
    feed.seed(ChannelKey.health(), new JsonArray());
    assertEquals(healthSeq, hub.channel(ChannelKey.health()).seq());

    long settled = hub.channel(MINUTES).seq();
    feed.seed(MINUTES, new JsonArray().add(window(at(0, 0), 7)));
    assertEquals(settled, hub.channel(MINUTES).seq(), "seeding what is there already changes nothing");
  }

  @Test
  void historyOlderThanTheNewest60WindowsDoesNotScrollBackIn() {
    for (int minute = 0; minute < 60; minute++) {
      apply(pageView(T0.plus(Duration.ofMinutes(minute)).plusSeconds(1), "v"));
    }
    publish();
    long seq = hub.channel(MINUTES).seq();

    feed.seed(MINUTES, new JsonArray().add(window(T0.minusSeconds(60), 1)).add(window(T0.minusSeconds(120), 1)));
    assertEquals(seq, hub.channel(MINUTES).seq());
    assertEquals(minutes(0, 60), state(MINUTES).keySet());
  }

  @Test
  void historyFillsAChannelTheLiveFeedHasFewWindowsOfUpToTheNewest60() {
    apply(pageView(at(70, 1), "v"));
    publish();
    JsonArray history = new JsonArray();
    for (int minute = 69; minute >= 0; minute--) {
      history.add(window(T0.plus(Duration.ofMinutes(minute)), 1));
    }
    feed.seed(MINUTES, history);
    assertEquals(minutes(11, 71), state(MINUTES).keySet());
    assertEquals(1, state(MINUTES).get(at(70, 0).toString()).getJsonObject("metrics").getLong("events"));
  }

  /**
   * A window becomes final, gets its moving averages and is persisted; the server restarts; a late
   * event corrects the window before any dashboard opens the channel. The live feed republishes
   * it without averages (the engine computes them once, when the window becomes final); the
   * history loaded at the first open has them and must add them.
   */
  @Test
  void historyBringsTheMovingAveragesOfAWindowTheLiveFeedRepublishedWithoutThem() {
    apply(order(at(0, 1), "v1", "tea", 1), order(at(1, 1), "v2", "tea", 1));
    engine.onIdle(at(4, 0));
    engine.onIdle(at(4, 0));
    EngineChanges beforeRestart = engine.drainChanges(); // persisted by the previous run, never seen by this feed
    book.drainChanges();
    JsonObject persisted = null;
    for (WindowResult w : beforeRestart.windows()) {
      if (w.windowKind().equals("1m") && w.windowStart().equals(at(1, 0))) {
        persisted = ResultJson.window(w);
      }
    }
    assertNotNull(persisted);
    JsonObject averages = new JsonObject();
    for (MovingAveragePoint point : beforeRestart.movingAverages()) {
      if (point.windowStart().equals(at(1, 0))) {
        averages.put(point.metric(), ResultJson.movingAverage(point.value(), point.simple(), point.exponential()));
      }
    }
    assertFalse(averages.isEmpty());
    persisted.put("movingAverages", averages);

    apply(order(at(1, 30), "v3", "tea", 1));
    publish();
    JsonObject live = state(MINUTES).get(at(1, 0).toString());
    assertEquals("corrected", live.getString("status"));
    assertNull(live.getValue("movingAverages"));

    feed.seed(MINUTES, new JsonArray().add(persisted));
    JsonObject shown = state(MINUTES).get(at(1, 0).toString());
    assertEquals("corrected", shown.getString("status"), "the live window's figures stay");
    assertEquals(2, shown.getJsonObject("metrics").getLong("orders"));
    assertEquals(averages, shown.getJsonObject("movingAverages"));
  }

  // ------------------------------------------------------------------ health

  @Test
  void eachHealthFieldIsAKey() {
    JsonObject report = new JsonObject().put("status", "UP").put("uptimeSeconds", 12)
        .put("partitions", new JsonArray().add(new JsonObject().put("partition", 0).put("position", 7)))
        .put("watermark", (Object) null);
    feed.health(report);
    ChannelKey health = ChannelKey.health();
    assertEquals(INITIAL_SEQ + 1, hub.channel(health).seq());
    Map<String, String> state = hub.channel(health).snapshot().state();
    assertEquals(Map.of("status", "\"UP\"", "uptimeSeconds", "12", "partitions", "[{\"partition\":0,\"position\":7}]",
        "watermark", "null"), state);

    Updates updates = subscribe(health);
    feed.health(report.copy().put("uptimeSeconds", 13));
    assertEquals(List.of(Map.of("uptimeSeconds", "13")), updates.values, "only the fields that changed");
  }

  // ------------------------------------------------------------------ helpers

  /** Drains the engine and the book, as a partition does, and feeds the drain. */
  private PipelineChanges publish() {
    EngineChanges changes = engine.drainChanges();
    InventoryChanges stock = book.drainChanges();
    PipelineChanges drain = new PipelineChanges(0, changes, stock);
    feed.apply(drain);
    return drain;
  }

  private void apply(CommerceEvent... events) {
    for (CommerceEvent event : events) {
      engine.apply(event);
      book.apply(event);
    }
  }

  private Map<String, JsonObject> state(ChannelKey channel) {
    return hub.channel(channel).snapshot().state().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> new JsonObject(e.getValue())));
  }

  private Updates subscribe(ChannelKey channel) {
    Updates updates = new Updates();
    hub.channel(channel).subscribe(OptionalLong.empty(), updates);
    return updates;
  }

  /** The window starts of minutes {@code from} (inclusive) to {@code to} (exclusive) after 10:00. */
  private static Set<String> minutes(int from, int to) {
    return IntStream.range(from, to).mapToObj(m -> T0.plus(Duration.ofMinutes(m)).toString())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Instant at(int minute, int second) {
    return T0.plus(Duration.ofMinutes(minute)).plusSeconds(second);
  }

  private static EngineSettings withCorrectionHorizon(Duration horizon) {
    EngineSettings d = EngineSettings.defaults();
    return new EngineSettings(d.shortTumbling(), d.longTumbling(), d.hoppingSize(), d.hoppingAdvance(),
        d.sessionGap(), d.outOfOrderness(), d.allowedLateness(), true, horizon, d.idleGrace(), d.smaWindows(),
        d.emaAlpha(), d.anomalyK(), d.anomalyWarmUp(), d.anomalyAlpha(), d.topK(), d.recommendationHalfLife(),
        d.recommendationsPerSku());
  }

  private CommerceEvent pageView(Instant time, String visitor) {
    return new CommerceEvent(++position, STORE, "e" + position, EventType.PAGE_VIEWED, time, visitor, null, null,
        null, 0, null, null, null, List.of(), null);
  }

  private CommerceEvent productView(Instant time, String visitor, String sku) {
    return new CommerceEvent(++position, STORE, "e" + position, EventType.PRODUCT_VIEWED, time, visitor, null, null,
        sku, 1, new BigDecimal("2.50"), "EUR", null, List.of(), null);
  }

  private CommerceEvent order(Instant time, String visitor, String sku, int quantity) {
    return new CommerceEvent(++position, STORE, "e" + position, EventType.ORDER_COMPLETED, time, visitor, null, null,
        null, 0, null, "EUR", "o" + position, List.of(new LineItem(sku, quantity, new BigDecimal("2.50"))), null);
  }

  private CommerceEvent restock(String sku, int quantity, Instant time) {
    return new CommerceEvent(++position, STORE, "e" + position, EventType.INVENTORY_RESTOCKED, time, null, null, null,
        sku, quantity, null, null, null, List.of(), null, null, null, null);
  }

  /** A final one-minute window as the database holds it, with {@code events} page views. */
  private static JsonObject window(Instant start, long events) {
    return new JsonObject().put("start", start.toString()).put("end", start.plusSeconds(60).toString())
        .put("status", "final").put("metrics", new JsonObject().put("events", events).put("pageViews", events)
            .put("topByUnits", new JsonArray()).put("topByViews", new JsonArray()));
  }

  private static JsonObject level(String sku, long onHand) {
    return ResultJson.level(new StockLevel(STORE, sku, onHand, 0, 1, 5));
  }

  /** Every update a subscription receives. */
  private static final class Updates implements ChannelSubscriber {

    final List<Map<String, String>> values = new ArrayList<>();
    final Set<String> removedKeys = new LinkedHashSet<>();

    @Override
    public void onStart(Start start) {
    }

    @Override
    public void onUpdate(Update update) {
      values.add(update.values());
      removedKeys.addAll(update.removed());
    }

    Set<String> removed() {
      return new TreeSet<>(removedKeys);
    }
  }
}
