package io.storepulse.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storepulse.ingest.EventType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The engine against a reference computed the obvious way: every event's windows by arithmetic,
 * sessions by sorting each visitor's event times.
 */
class GroundTruthTest {

  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final long GAP = 30 * MINUTE;

  /** What the reference counts for one store window. */
  private static final class Expected {
    final long[] byType = new long[EventType.values().length];
    final TreeMap<String, BigDecimal> revenue = new TreeMap<>();
    final TreeMap<String, BigDecimal> refunds = new TreeMap<>();
    final Set<String> visitors = new HashSet<>();
    long events;
    long units;
    long sessions;
    long sessionsWithOrder;
  }

  private final Map<String, Expected> expected = new HashMap<>();

  private static String key(String store, String kind, long start) {
    return store + "/" + kind + "/" + start;
  }

  /** The reference windows holding {@code t}: plain arithmetic, independent of the assigners. */
  private static List<String> windowsOf(String store, long t) {
    List<String> keys = new ArrayList<>();
    long minute = Math.floorDiv(t, MINUTE) * MINUTE;
    keys.add(key(store, "1m", minute));
    keys.add(key(store, "1h", Math.floorDiv(t, HOUR) * HOUR));
    for (int k = 0; k < 5; k++) {
      keys.add(key(store, "5m", minute - k * MINUTE));
    }
    return keys;
  }

  private void reference(List<CommerceEvent> events) {
    Map<String, TreeMap<Long, Boolean>> visits = new HashMap<>();
    for (CommerceEvent event : events) {
      long t = event.time().toEpochMilli();
      for (String key : windowsOf(event.storeId(), t)) {
        Expected window = expected.computeIfAbsent(key, k -> new Expected());
        window.events++;
        window.byType[event.type().ordinal()]++;
        if (event.visitorId() != null) {
          window.visitors.add(event.visitorId());
        }
        if (event.type() == EventType.ORDER_COMPLETED) {
          event.items().forEach(item -> window.units += item.quantity());
          window.revenue.merge(event.currency(), event.amount(), BigDecimal::add);
        } else if (event.type() == EventType.ORDER_REFUNDED) {
          window.refunds.merge(event.currency(), event.amount(), BigDecimal::add);
        }
      }
      if (event.visitorId() != null) {
        visits.computeIfAbsent(event.storeId() + "\u0000" + event.visitorId(), v -> new TreeMap<>())
            .merge(t, event.type() == EventType.ORDER_COMPLETED, Boolean::logicalOr);
      }
    }
    for (Map.Entry<String, TreeMap<Long, Boolean>> visitor : visits.entrySet()) {
      String store = visitor.getKey().substring(0, visitor.getKey().indexOf('\u0000'));
      long last = Long.MIN_VALUE;
      boolean order = false;
      for (Map.Entry<Long, Boolean> visit : visitor.getValue().entrySet()) {
        if (last != Long.MIN_VALUE && visit.getKey() - last > GAP) {
          countSession(store, last, order);
          order = false;
        }
        last = visit.getKey();
        order |= visit.getValue();
      }
      countSession(store, last, order);
    }
  }

  private void countSession(String store, long lastEvent, boolean withOrder) {
    for (String key : windowsOf(store, lastEvent + GAP - 1)) {
      Expected window = expected.computeIfAbsent(key, k -> new Expected());
      window.sessions++;
      if (withOrder) {
        window.sessionsWithOrder++;
      }
    }
  }

  @Test
  void perWindowCountsRevenueAndSessionsMatchAStraightforwardReference() {
    List<CommerceEvent> events = GeneratedStream.events(42, 5, 300, 20_000, 500, 5_000, 0);
    reference(events);

    WindowEngine engine = new WindowEngine(EngineSettings.defaults());
    Map<String, WindowResult> latest = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      engine.apply(events.get(i));
      if (i % 1_000 == 0) {
        engine.drainChanges().windows().forEach(r -> latest.put(key(r), r));
      }
    }
    java.time.Instant end = events.get(events.size() - 1).time().plusSeconds(86_400);
    engine.onIdle(end);
    engine.onIdle(end);
    engine.drainChanges().windows().forEach(r -> latest.put(key(r), r));

    assertEquals(0, engine.lateCount(), "disorder within the out-of-orderness is never late");
    assertEquals(expected.keySet(), latest.keySet());
    long visitorsChecked = 0;
    for (Map.Entry<String, Expected> entry : expected.entrySet()) {
      Expected want = entry.getValue();
      WindowResult result = latest.get(entry.getKey());
      StoreMetrics got = result.metrics();
      String where = entry.getKey();
      assertEquals(WindowStatus.FINAL, result.status(), where);
      assertEquals(want.events, got.events(), where);
      assertEquals(want.byType[EventType.PAGE_VIEWED.ordinal()], got.pageViews(), where);
      assertEquals(want.byType[EventType.PRODUCT_VIEWED.ordinal()], got.productViews(), where);
      assertEquals(want.byType[EventType.PRODUCT_ADDED.ordinal()], got.carts(), where);
      assertEquals(want.byType[EventType.PRODUCT_REMOVED.ordinal()], got.cartRemovals(), where);
      assertEquals(want.byType[EventType.CHECKOUT_STARTED.ordinal()], got.checkouts(), where);
      assertEquals(want.byType[EventType.ORDER_COMPLETED.ordinal()], got.orders(), where);
      assertEquals(want.byType[EventType.ORDER_CANCELLED.ordinal()], got.cancellations(), where);
      assertEquals(want.byType[EventType.ORDER_REFUNDED.ordinal()], got.refunds(), where);
      assertEquals(want.byType[EventType.PAYMENT_FAILED.ordinal()], got.paymentFailures(), where);
      assertEquals(want.units, got.units(), where);
      assertEquals(want.revenue, got.revenue(), where);
      assertEquals(want.refunds, got.refundAmount(), where);
      assertEquals(want.sessions, got.sessions(), where);
      assertEquals(want.sessionsWithOrder, got.sessionsWithOrder(), where);
      long distinct = want.visitors.size();
      assertTrue(Math.abs(got.visitors() - distinct) <= Math.max(1, distinct * 0.03),
          where + ": " + got.visitors() + " visitors estimated, " + distinct + " distinct");
      visitorsChecked += distinct;
    }
    assertTrue(visitorsChecked > 0);
    assertTrue(expected.size() > 1_000, "windows compared: " + expected.size());
  }

  private static String key(WindowResult result) {
    return key(result.storeId(), result.windowKind(), result.windowStart().toEpochMilli());
  }
}
