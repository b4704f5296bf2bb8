package io.storepulse.analytics;

import io.storepulse.ingest.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A seeded, plausible event log: several stores, visitors browsing, carting and ordering in two
 * currencies, delivered with bounded disorder and, optionally, a share of very late events.
 */
final class GeneratedStream {

  private static final EventType[] TYPES = {
      EventType.PAGE_VIEWED, EventType.PRODUCT_VIEWED, EventType.PRODUCT_ADDED, EventType.PRODUCT_REMOVED,
      EventType.CHECKOUT_STARTED, EventType.ORDER_COMPLETED, EventType.ORDER_CANCELLED, EventType.ORDER_REFUNDED,
      EventType.PAYMENT_FAILED, EventType.INVENTORY_RESTOCKED, EventType.CUSTOM};
  private static final int[] WEIGHTS = {30, 32, 12, 3, 6, 7, 1, 2, 3, 2, 2};

  private GeneratedStream() {
  }

  /**
   * @param meanStepMillis average event-time distance between consecutive events
   * @param maxDisorderMillis how far behind the latest event time an event may arrive
   * @param veryLateShare the share of events delayed by 2 to 15 minutes instead
   */
  static List<CommerceEvent> events(long seed, int stores, int visitorsPerStore, int count, int meanStepMillis,
      long maxDisorderMillis, double veryLateShare) {
    Random random = new Random(seed);
    long time = TestEvents.T0.toEpochMilli();
    List<Draft> drafts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      time += random.nextInt(2 * meanStepMillis + 1);
      long delay = random.nextDouble() < veryLateShare
          ? 120_000 + random.nextInt(780_000)
          : (long) (random.nextDouble() * (maxDisorderMillis + 1));
      drafts.add(new Draft(time, time + delay, random.nextLong()));
    }
    drafts.sort(Comparator.comparingLong(Draft::arrival));
    List<CommerceEvent> events = new ArrayList<>(count);
    for (int position = 0; position < drafts.size(); position++) {
      Draft draft = drafts.get(position);
      events.add(event(new Random(draft.seed()), position, draft.time(), stores, visitorsPerStore));
    }
    return events;
  }

  private static CommerceEvent event(Random random, long position, long time, int stores, int visitorsPerStore) {
    int storeIndex = random.nextInt(stores);
    String store = "store-" + storeIndex;
    EventType type = pick(random);
    String visitor = type == EventType.INVENTORY_RESTOCKED ? null : "v" + random.nextInt(visitorsPerStore);
    String currency = storeIndex % 2 == 0 || random.nextInt(10) == 0 ? "EUR" : "USD";
    String sku = "sku-" + random.nextInt(40);
    BigDecimal price = BigDecimal.valueOf(100 + random.nextInt(9_900), 2);
    Instant at = Instant.ofEpochMilli(time);
    String id = "e" + position;
    return switch (type) {
      case PRODUCT_VIEWED, PRODUCT_ADDED, PRODUCT_REMOVED -> new CommerceEvent(position, store, id, type, at, visitor,
          null, null, sku, 1, price, currency, null, null, null);
      case ORDER_COMPLETED -> {
        List<LineItem> items = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO.setScale(2);
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          LineItem item = new LineItem("sku-" + random.nextInt(40), 1 + random.nextInt(3),
              BigDecimal.valueOf(100 + random.nextInt(9_900), 2));
          items.add(item);
          total = total.add(item.price().multiply(BigDecimal.valueOf(item.quantity())));
        }
        yield new CommerceEvent(position, store, id, type, at, visitor, null, null, null, 0, null, currency,
            "o" + position, items, random.nextBoolean() ? total : null);
      }
      case ORDER_REFUNDED -> new CommerceEvent(position, store, id, type, at, visitor, null, null, null, 0, null,
          currency, "o" + position, null, price);
      default -> new CommerceEvent(position, store, id, type, at, visitor, null, null, null, 0, null, null, null,
          null, null);
    };
  }

  private static EventType pick(Random random) {
    int total = 0;
    for (int weight : WEIGHTS) {
      total += weight;
    }
    int roll = random.nextInt(total);
    for (int i = 0; i < TYPES.length; i++) {
      roll -= WEIGHTS[i];
      if (roll < 0) {
        return TYPES[i];
      }
    }
    throw new IllegalStateException();
  }

  private record Draft(long time, long arrival, long seed) {
  }
}
