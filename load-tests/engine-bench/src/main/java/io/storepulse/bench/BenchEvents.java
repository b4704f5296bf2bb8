package io.storepulse.bench;

import io.storepulse.analytics.CommerceEvent;
import io.storepulse.ingest.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * A pre-generated log for the benchmarks: stores, a realistic type mix (about 6 % orders with a
 * decimal total), one event per millisecond of event time on average, and up to 5 s of disorder.
 * Visitors belong to one store and visit for about ten minutes: each store has
 * {@value #ACTIVE_VISITORS} visitors active at a time, and every {@value #TURNOVER_MILLIS} ms the
 * oldest {@value #TURNOVER} leave and as many arrive.
 */
final class BenchEvents {

  private static final EventType[] MIX = {
      EventType.PAGE_VIEWED, EventType.PAGE_VIEWED, EventType.PAGE_VIEWED, EventType.PAGE_VIEWED,
      EventType.PRODUCT_VIEWED, EventType.PRODUCT_VIEWED, EventType.PRODUCT_VIEWED, EventType.PRODUCT_VIEWED,
      EventType.PRODUCT_ADDED, EventType.PRODUCT_ADDED, EventType.PRODUCT_REMOVED, EventType.CHECKOUT_STARTED,
      EventType.CHECKOUT_STARTED, EventType.ORDER_COMPLETED, EventType.PAYMENT_FAILED, EventType.ORDER_REFUNDED};

  private static final int ACTIVE_VISITORS = 200;
  private static final int TURNOVER = 10;
  private static final long TURNOVER_MILLIS = 30_000;

  private BenchEvents() {
  }

  static CommerceEvent[] generate(int count, int stores, long maxDisorderMillis, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] storeIds = new String[stores];
    for (int i = 0; i < stores; i++) {
      storeIds[i] = "store-" + i;
    }
    String[] skus = new String[500];
    for (int i = 0; i < skus.length; i++) {
      skus[i] = "sku-" + i;
    }
    long start = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();
    long[][] drafts = new long[count][];
    long time = start;
    for (int i = 0; i < count; i++) {
      time += random.nextInt(3);
      drafts[i] = new long[] {time, time + random.nextLong(maxDisorderMillis + 1), random.nextLong()};
    }
    Arrays.sort(drafts, Comparator.comparingLong(draft -> draft[1]));
    CommerceEvent[] events = new CommerceEvent[count];
    for (int i = 0; i < count; i++) {
      SplittableRandom fields = new SplittableRandom(drafts[i][2]);
      EventType type = MIX[fields.nextInt(MIX.length)];
      BigDecimal total = type == EventType.ORDER_COMPLETED || type == EventType.ORDER_REFUNDED
          ? BigDecimal.valueOf(500 + fields.nextInt(20_000), 2)
          : null;
      String sku = type == EventType.PRODUCT_VIEWED || type == EventType.PRODUCT_ADDED ? skus[fields.nextInt(skus.length)]
          : null;
      int store = fields.nextInt(stores);
      long arrived = (drafts[i][0] - start) / TURNOVER_MILLIS * TURNOVER;
      String visitor = storeIds[store] + "/v" + (arrived + fields.nextInt(ACTIVE_VISITORS));
      events[i] = new CommerceEvent(i, storeIds[store], "e" + i, type, Instant.ofEpochMilli(drafts[i][0]), visitor,
          null, null, sku, 0, null, total == null ? null : "EUR", null, null, total);
    }
    return events;
  }
}
