package io.storepulse.analytics;

import static io.storepulse.analytics.TestEvents.addToCart;
import static io.storepulse.analytics.TestEvents.at;
import static io.storepulse.analytics.TestEvents.event;
import static io.storepulse.analytics.TestEvents.item;
import static io.storepulse.analytics.TestEvents.order;
import static io.storepulse.analytics.TestEvents.pageView;
import static io.storepulse.analytics.TestEvents.productView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storepulse.ingest.EventType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowEngineTest {

  private WindowEngine engine = new WindowEngine(EngineSettings.defaults());
  private final Map<String, WindowResult> latest = new LinkedHashMap<>();
  private final List<Alert> alerts = new ArrayList<>();
  private final List<MovingAveragePoint> points = new ArrayList<>();

  private EngineChanges drain() {
    EngineChanges changes = engine.drainChanges();
    changes.windows().forEach(result -> latest.put(key(result.storeId(), result.windowKind(), result.windowStart()),
        result));
    alerts.addAll(changes.alerts());
    points.addAll(changes.movingAverages());
    return changes;
  }

  private static String key(String store, String kind, Instant start) {
    return store + "/" + kind + "/" + start;
  }

  private WindowResult result(String store, String kind, String start) {
    return latest.get(key(store, kind, at(start)));
  }

  private void apply(CommerceEvent... events) {
    for (CommerceEvent event : events) {
      engine.apply(event);
    }
  }

  /** Ends the input: the idle rule needs one quiet check before the wall clock counts. */
  private void flushUntil(Instant wallClock) {
    engine.onIdle(wallClock);
    engine.onIdle(wallClock);
  }

  private static List<WindowResult> ofKind(EngineChanges changes, String kind) {
    return changes.windows().stream().filter(result -> result.windowKind().equals(kind)).toList();
  }

  @Test
  void eventExactlyAtAWindowEndLandsInTheNextWindow() {
    apply(pageView("s1", at("10:00:59.999"), "v1"), pageView("s1", at("10:01:00"), "v1"));
    drain();

    assertEquals(1, result("s1", "1m", "10:00:00").metrics().events());
    assertEquals(1, result("s1", "1m", "10:01:00").metrics().events());
  }

  @Test
  void resultIsProvisionalWhileOpenAndFinalOnceTheWatermarkPassesEndPlusLateness() {
    apply(pageView("s1", at("10:00:10"), "v1"));
    assertEquals(WindowStatus.PROVISIONAL, ofKind(drain(), "1m").get(0).status());

    // watermark 10:01:59.998, one millisecond short of end + lateness - 1
    apply(pageView("s1", at("10:02:04.999"), "v1"));
    assertEquals(List.of(at("10:02:00")), ofKind(drain(), "1m").stream().map(WindowResult::windowStart).toList());

    apply(pageView("s1", at("10:02:05"), "v1"));
    drain();
    assertEquals(at("10:01:59.999"), engine.watermark());
    assertEquals(WindowStatus.FINAL, result("s1", "1m", "10:00:00").status());
    assertEquals(1, result("s1", "1m", "10:00:00").metrics().events());
  }

  @Test
  void lateEventIsCountedSentToTheSideOutputAndAppliedAsACorrection() {
    apply(order("s1", at("10:00:10"), "v1", "EUR", "10.00"), pageView("s1", at("10:02:05"), "v2"));
    drain();
    assertEquals(WindowStatus.FINAL, result("s1", "1m", "10:00:00").status());

    CommerceEvent late = order("s1", at("10:00:30"), "v3", "EUR", "5.00");
    apply(late);
    EngineChanges changes = drain();

    assertEquals(1, engine.lateCount());
    assertEquals(1, changes.lateCount());
    assertEquals(List.of(new LateEvent(late, at("10:01:59.999"), List.of(
        new LateEvent.LateWindow("1m", at("10:00:00"), at("10:01:00"), true),
        new LateEvent.LateWindow("5m", at("09:56:00"), at("10:01:00"), true)))), changes.lateEvents());
    WindowResult corrected = result("s1", "1m", "10:00:00");
    assertEquals(WindowStatus.CORRECTED, corrected.status());
    assertEquals(2, corrected.metrics().orders());
    assertEquals(new BigDecimal("15.00"), corrected.metrics().revenueIn("EUR"));
    assertEquals(WindowStatus.CORRECTED, result("s1", "5m", "09:56:00").status());
    // on time for the windows that were still open
    assertEquals(WindowStatus.PROVISIONAL, result("s1", "1h", "10:00:00").status());
    assertEquals(2, result("s1", "1h", "10:00:00").metrics().orders());
    assertEquals(WindowStatus.PROVISIONAL, result("s1", "5m", "09:57:00").status());
  }

  @Test
  void lateEventIsOnlyCountedAndSideOutputWhenCorrectionsAreOff() {
    engine = new WindowEngine(EngineSettings.defaults().withCorrections(false));
    apply(order("s1", at("10:00:10"), "v1", "EUR", "10.00"), pageView("s1", at("10:02:05"), "v2"));
    drain();

    apply(order("s1", at("10:00:30"), "v3", "EUR", "5.00"));
    EngineChanges changes = drain();

    assertEquals(1, engine.lateCount());
    assertFalse(changes.lateEvents().get(0).windows().get(0).corrected());
    assertEquals(List.of("1h", "5m", "5m", "5m", "5m"), changes.windows().stream().map(WindowResult::windowKind).toList());
    assertEquals(WindowStatus.FINAL, result("s1", "1m", "10:00:00").status());
    assertEquals(1, result("s1", "1m", "10:00:00").metrics().orders());
  }

  @Test
  void lateEventPastTheCorrectionHorizonReachesOnlyTheSideOutput() {
    // watermark 10:19:54.999: every 1m and 5m window holding 10:00:20 is final and past the 10 min horizon
    apply(order("s1", at("10:00:10"), "v1", "EUR", "10.00"), pageView("s1", at("10:20:00"), "v2"));
    drain();

    apply(order("s1", at("10:00:20"), "v3", "EUR", "5.00"));
    EngineChanges changes = drain();

    LateEvent late = changes.lateEvents().get(0);
    assertTrue(late.windows().stream().noneMatch(LateEvent.LateWindow::corrected), late.toString());
    assertEquals(List.of("1h"), changes.windows().stream().map(WindowResult::windowKind).toList());
    assertEquals(1, result("s1", "1m", "10:00:00").metrics().orders());
  }

  @Test
  void hoppingWindowsOverlapSoOneEventCountsInFiveOfThem() {
    apply(pageView("s1", at("10:02:30"), "v1"));

    List<WindowResult> hopping = ofKind(drain(), "5m");

    assertEquals(List.of(at("09:58:00"), at("09:59:00"), at("10:00:00"), at("10:01:00"), at("10:02:00")),
        hopping.stream().map(WindowResult::windowStart).sorted().toList());
    hopping.forEach(result -> assertEquals(1, result.metrics().pageViews()));
  }

  @Test
  void revenueSumsAreExactDecimals() {
    apply(order("s1", at("10:00:01"), "v1", "EUR", "0.10"), order("s1", at("10:00:02"), "v2", "EUR", "0.20"),
        order("s1", at("10:00:03"), "v3", "JPY", "1500"));
    drain();

    StoreMetrics metrics = result("s1", "1m", "10:00:00").metrics();
    assertEquals(new BigDecimal("0.30"), metrics.revenueIn("EUR"));
    assertEquals(new BigDecimal("0.15"), metrics.averageOrderValue().get("EUR"));
    assertEquals(new BigDecimal("1500"), metrics.revenueIn("JPY"));
    assertEquals(new BigDecimal("1500.00"), metrics.averageOrderValue().get("JPY"));
  }

  @Test
  void funnelRatesAndPerProductRowsComeFromTheWindowCounts() {
    for (int i = 0; i < 4; i++) {
      apply(productView("s1", at("10:00:0" + i), "v" + i, "tea"));
    }
    apply(productView("s1", at("10:00:05"), "v1", "mug"), addToCart("s1", at("10:00:06"), "v1", "tea"),
        addToCart("s1", at("10:00:07"), "v2", "tea"), event("s1", EventType.CHECKOUT_STARTED, at("10:00:08"), "v1"),
        order("s1", at("10:00:09"), "v1", "EUR", null, item("tea", 2, "4.50"), item("mug", 1, "8.00")));
    EngineChanges changes = drain();

    StoreMetrics metrics = result("s1", "1m", "10:00:00").metrics();
    assertEquals(new BigDecimal("0.4000"), metrics.viewToCart());
    assertEquals(new BigDecimal("0.5000"), metrics.cartToCheckout());
    assertEquals(new BigDecimal("1.0000"), metrics.checkoutToOrder());
    assertNull(metrics.sessionToOrder());
    assertEquals(3, metrics.units());
    assertEquals(new BigDecimal("17.00"), metrics.revenueIn("EUR"));
    assertEquals(4, metrics.visitors());
    assertEquals(List.of(new SkuCount("tea", 2), new SkuCount("mug", 1)), metrics.topByUnits());
    assertEquals(List.of(new SkuCount("tea", 4), new SkuCount("mug", 1)), metrics.topByViews());
    SkuResult tea = changes.skus().stream()
        .filter(sku -> sku.windowKind().equals("1m") && sku.sku().equals("tea")).findFirst().orElseThrow();
    assertEquals(new SkuResult("s1", "1m", at("10:00:00"), at("10:01:00"), WindowStatus.PROVISIONAL, "tea", 4, 2, 2,
        new java.util.TreeMap<>(Map.of("EUR", new BigDecimal("9.00")))), tea);
  }

  @Test
  void perProductRowsAreEmittedWhenChangedAndAllOfThemWhenTheWindowBecomesFinal() {
    apply(productView("s1", at("10:00:01"), "v1", "tea"), productView("s1", at("10:00:02"), "v1", "mug"));
    drain();
    apply(productView("s1", at("10:00:03"), "v1", "tea"));
    assertEquals(List.of("tea"), drain().skus().stream().filter(s -> s.windowKind().equals("1m")).map(SkuResult::sku)
        .toList());

    apply(pageView("s1", at("10:02:05"), "v1"));
    List<SkuResult> finalRows = drain().skus().stream()
        .filter(s -> s.windowKind().equals("1m") && s.windowStart().equals(at("10:00:00"))).toList();
    assertEquals(List.of("tea", "mug"), finalRows.stream().map(SkuResult::sku).toList());
    finalRows.forEach(row -> assertEquals(WindowStatus.FINAL, row.status()));
  }

  @Test
  void sessionsMergeWhenALateEventBridgesThem() {
    // two sessions 30.5 minutes apart, then an event late for its minute that falls between them
    apply(pageView("s1", at("10:00:00"), "v1"), pageView("s1", at("10:30:30"), "v1"));
    CommerceEvent bridge = pageView("s1", at("10:20:00"), "v1");
    apply(bridge);
    flushUntil(at("12:00:00"));
    EngineChanges changes = drain();

    assertEquals(1, engine.lateCount());
    assertTrue(changes.lateEvents().get(0).windows()
        .contains(new LateEvent.LateWindow("1m", at("10:20:00"), at("10:21:00"), true)));
    assertEquals(1, sessionsIn("1m"));
    // counted once final, in the window holding the session's end: last event + gap - 1 ms
    assertEquals(1, result("s1", "1m", "11:00:00").metrics().sessions());
    assertEquals(0, engine.sessionCount());
  }

  @Test
  void sessionsFartherApartThanTheGapStayApart() {
    apply(pageView("s1", at("10:00:00"), "v1"), pageView("s1", at("10:30:30"), "v1"),
        order("s1", at("10:31:00"), "v1", "EUR", "3.00"));
    flushUntil(at("12:00:00"));
    drain();

    assertEquals(2, sessionsIn("1m"));
    assertEquals(1, latest.values().stream().filter(r -> r.windowKind().equals("1m"))
        .mapToLong(r -> r.metrics().sessionsWithOrder()).sum());
    // each session counts in the hour holding its end: 10:29:59.999 and 11:00:59.999
    assertEquals(new BigDecimal("0.0000"), result("s1", "1h", "10:00:00").metrics().sessionToOrder());
    assertEquals(new BigDecimal("1.0000"), result("s1", "1h", "11:00:00").metrics().sessionToOrder());
  }

  private long sessionsIn(String kind) {
    return latest.values().stream().filter(result -> result.windowKind().equals(kind))
        .mapToLong(result -> result.metrics().sessions()).sum();
  }

  @Test
  void idleAdvanceClosesAQuietStoresWindows() {
    apply(pageView("s1", at("10:00:10"), "v1"));
    engine.onIdle(at("10:00:20"));
    engine.onIdle(at("10:02:30"));
    drain();

    assertEquals(at("10:02:15"), engine.watermark());
    assertEquals(WindowStatus.FINAL, result("s1", "1m", "10:00:00").status());
    assertEquals(WindowStatus.PROVISIONAL, result("s1", "1h", "10:00:00").status());
  }

  @Test
  void finalWindowsAreEvictedOnceTheCorrectionHorizonHasPassed() {
    // one event a minute: held are the open windows and the final ones within the 10 min horizon,
    // 13 of 1m, 17 of 5m and the current hour, however long the stream runs
    for (int minute = 0; minute < 30; minute++) {
      apply(pageView("s1", TestEvents.T0.plus(Duration.ofMinutes(minute)), "v" + minute));
    }
    drain();
    assertEquals(13 + 17 + 1, engine.windowCount());
    for (int minute = 30; minute < 50; minute++) {
      apply(pageView("s1", TestEvents.T0.plus(Duration.ofMinutes(minute)), "v" + minute));
    }
    drain();
    assertEquals(13 + 17 + 1, engine.windowCount());

    flushUntil(at("14:00:00"));
    drain();
    assertEquals(0, engine.windowCount());
    assertEquals(0, engine.sessionCount());
  }

  @Test
  void movingAveragesFollowTheShortWindowSeriesWithZerosForEmptyWindows() {
    apply(order("s1", at("10:00:01"), "v1", "EUR", "1"), order("s1", at("10:00:02"), "v1", "EUR", "1"));
    for (int i = 0; i < 4; i++) {
      apply(order("s1", at("10:02:0" + i), "v1", "EUR", "1"));
    }
    flushUntil(at("10:10:00"));
    drain();

    List<MovingAveragePoint> orders = points.stream().filter(p -> p.metric().equals(SeriesMetric.ORDERS)).toList();
    assertEquals(List.of(2.0, 0.0, 4.0), orders.subList(0, 3).stream().map(MovingAveragePoint::value).toList());
    assertEquals(List.of(2.0, 1.0, 2.0), orders.subList(0, 3).stream().map(MovingAveragePoint::simple).toList());
    assertEquals(2.18, orders.get(2).exponential(), 1e-9);
    assertEquals(at("10:01:00"), orders.get(1).windowStart());
    assertEquals(4.0, points.stream().filter(p -> p.metric().equals(SeriesMetric.revenue("EUR"))).toList().get(2)
        .value());
  }

  @Test
  void ordersStoppingWhileProductViewsContinueRaiseOneCheckoutAlert() {
    engine = new WindowEngine(EngineSettings.defaults().withAnomaly(3, 10, 0.1));
    for (int minute = 0; minute < 45; minute++) {
      Instant start = TestEvents.T0.plus(Duration.ofMinutes(minute));
      for (int i = 0; i < 20; i++) {
        apply(productView("s1", start.plusSeconds(i * 3), "v" + i, "tea"));
      }
      int orders = minute < 30 ? 4 + minute % 3 : 0;
      for (int i = 0; i < orders; i++) {
        apply(order("s1", start.plusSeconds(i * 7 + 1), "v" + i, "EUR", "12.50"));
      }
      drain();
    }
    flushUntil(at("12:00:00"));
    drain();

    assertEquals(1, alerts.size(), alerts.toString());
    assertEquals(AlertKind.CHECKOUT_BROKEN, alerts.get(0).kind());
    assertEquals(at("10:30:00"), alerts.get(0).windowStart());
  }

  @Test
  void currentTopProductsAndRecommendationsAreServedForQueries() {
    apply(productView("s1", at("10:00:01"), "v1", "tea"), productView("s1", at("10:00:02"), "v2", "tea"),
        productView("s1", at("10:00:03"), "v2", "mug"),
        order("s1", at("10:00:04"), "v2", "EUR", null, item("tea", 1, "4.50"), item("mug", 3, "8.00")));

    assertEquals(List.of(new SkuCount("tea", 2), new SkuCount("mug", 1)),
        engine.topProducts("s1", "1m", WindowEngine.Ranking.VIEWS, 5));
    assertEquals(List.of(new SkuCount("mug", 3)), engine.topProducts("s1", "5m", WindowEngine.Ranking.UNITS, 1));
    assertEquals(List.of(new Recommendation("mug", 1.0)),
        engine.recommendations("s1", "tea", Recommendations.Relation.BOUGHT_TOGETHER, 5));
    assertEquals(List.of(), engine.topProducts("other", "1h", WindowEngine.Ranking.VIEWS, 5));
    assertThrows(IllegalArgumentException.class, () -> engine.topProducts("s1", "2m", WindowEngine.Ranking.VIEWS, 5));
  }

  @Test
  void snapshotIsRefusedWhileChangesArePending() {
    apply(pageView("s1", at("10:00:01"), "v1"));

    assertThrows(IllegalStateException.class, engine::snapshot);
    drain();
    engine.snapshot();
  }

  @Test
  void snapshotFromOtherWindowSizesIsRejected() {
    byte[] snapshot = engine.snapshot();

    assertThrows(IllegalArgumentException.class,
        () -> WindowEngine.restore(EngineSettings.defaults().withSessionGap(Duration.ofMinutes(20)), snapshot));
    assertThrows(IllegalArgumentException.class, () -> WindowEngine.restore(EngineSettings.defaults(), new byte[8]));
  }
}
