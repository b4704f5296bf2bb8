package io.storepulse.bench;

import io.storepulse.analytics.CommerceEvent;
import io.storepulse.ingest.EventType;
import java.util.HashMap;

/**
 * The yardstick: counts per type and revenue cents per store in a HashMap, no windows, watermarks
 * or emission. What one thread does at best with the events of the tumbling job.
 */
final class HashMapBaseline {

  /** Where a store's array keeps the revenue in cents, after the counts indexed by type ordinal. */
  static final int REVENUE = TypeCounts.TYPES;

  private HashMapBaseline() {
  }

  static HashMap<String, long[]> count(CommerceEvent[] events) {
    HashMap<String, long[]> stores = new HashMap<>();
    for (CommerceEvent event : events) {
      long[] counts = stores.get(event.storeId());
      if (counts == null) {
        counts = new long[REVENUE + 1];
        stores.put(event.storeId(), counts);
      }
      counts[event.type().ordinal()]++;
      if (event.type() == EventType.ORDER_COMPLETED) {
        counts[REVENUE] += event.total().movePointRight(2).longValue();
      }
    }
    return stores;
  }
}
