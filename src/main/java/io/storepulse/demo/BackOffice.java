package io.storepulse.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * What happens to orders and stock after the checkout, at a later time: a few orders are cancelled
 * within a minute and a few refunded within ten (returned goods go back to stock), and products
 * that run low are restocked by a supplier after a lead time. Also keeps a sample of recent orders
 * for a refund spike to draw from.
 */
final class BackOffice {

  static final double CANCEL_SHARE = 0.03;
  static final double REFUND_SHARE = 0.04;
  private static final double RETURNED_SHARE = 0.7;
  private static final double PARTIAL_REFUND_SHARE = 0.4;
  private static final long CANCEL_MIN_MILLIS = 10_000;
  private static final long CANCEL_MAX_MILLIS = 90_000;
  private static final long REFUND_MIN_MILLIS = 60_000;
  private static final long REFUND_MAX_MILLIS = 600_000;
  private static final long LEAD_MIN_MILLIS = 30_000;
  private static final long LEAD_MAX_MILLIS = 120_000;
  private static final int RECENT_ORDERS = 2048;
  private static final int SPIKE_PICKS = 4;
  private static final String[] CANCEL_REASONS = {"customer_request", "customer_request", "address_problem",
      "duplicate_order"};
  private static final String[] REFUND_REASONS = {"changed_mind", "wrong_size", "damaged", "not_as_described"};

  private enum Kind { CANCEL, REFUND, RESTOCK }

  private record Task(long due, long sequence, Kind kind, PlacedOrder order, int product, int quantity) {
  }

  private final SplittableRandom random;
  private final Catalog catalog;
  private final Stock stock;
  private final EventWriter writer;
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(Comparator.comparingLong(Task::due).thenComparingLong(Task::sequence));
  private final List<PlacedOrder> recent = new ArrayList<>();
  private long sequence;

  BackOffice(SplittableRandom random, Catalog catalog, Stock stock, EventWriter writer) {
    this.random = random;
    this.catalog = catalog;
    this.stock = stock;
    this.writer = writer;
  }

  void orderPlaced(PlacedOrder order, long now) {
    if (recent.size() < RECENT_ORDERS) {
      recent.add(order);
    } else {
      recent.set(random.nextInt(RECENT_ORDERS), order);
    }
    double fate = random.nextDouble();
    if (fate < CANCEL_SHARE) {
      schedule(now + between(CANCEL_MIN_MILLIS, CANCEL_MAX_MILLIS), Kind.CANCEL, order, -1, 0);
    } else if (fate < CANCEL_SHARE + REFUND_SHARE) {
      schedule(now + between(REFUND_MIN_MILLIS, REFUND_MAX_MILLIS), Kind.REFUND, order, -1, 0);
    }
  }

  /** Orders a supplier delivery if the product ran low. */
  void checkStock(int product, long now) {
    int quantity = stock.restockToOrder(product);
    if (quantity > 0) {
      schedule(now + between(LEAD_MIN_MILLIS, LEAD_MAX_MILLIS), Kind.RESTOCK, null, product, quantity);
    }
  }

  /** The event of the next task due at {@code now}, or {@code null}. */
  SimulatedEvent emitDue(long now) {
    while (!tasks.isEmpty() && tasks.peek().due() <= now) {
      Task task = tasks.poll();
      switch (task.kind()) {
        case RESTOCK -> {
          stock.delivered(task.product(), task.quantity());
          return writer.inventoryRestocked(now, catalog.product(task.product()), task.quantity());
        }
        case CANCEL -> {
          if (!task.order().settled) {
            return cancel(task.order(), now);
          }
        }
        case REFUND -> {
          if (!task.order().settled) {
            return refund(task.order(), now);
          }
        }
      }
    }
    return null;
  }

  /** A refund of a recent order at least {@code minAgeMillis} old, or {@code null} when none is at hand. */
  SimulatedEvent refundRecent(long now, long minAgeMillis) {
    for (int pick = 0; pick < SPIKE_PICKS && !recent.isEmpty(); pick++) {
      int index = random.nextInt(recent.size());
      PlacedOrder order = recent.get(index);
      if (order.settled) {
        recent.set(index, recent.get(recent.size() - 1));
        recent.remove(recent.size() - 1);
      } else if (order.timeMillis <= now - minAgeMillis) {
        return refund(order, now);
      }
    }
    return null;
  }

  private SimulatedEvent cancel(PlacedOrder order, long now) {
    order.settled = true;
    for (int line = 0; line < order.products.length; line++) {
      stock.give(order.products[line], order.quantities[line]);
    }
    return writer.orderCancelled(now, order, CANCEL_REASONS[random.nextInt(CANCEL_REASONS.length)]);
  }

  private SimulatedEvent refund(PlacedOrder order, long now) {
    order.settled = true;
    int from = 0;
    int to = order.products.length;
    if (to > 1 && random.nextDouble() < PARTIAL_REFUND_SHARE) {
      from = random.nextInt(to);
      to = from + 1;
    }
    boolean returned = random.nextDouble() < RETURNED_SHARE;
    if (returned) {
      for (int line = from; line < to; line++) {
        stock.give(order.products[line], order.quantities[line]);
      }
    }
    return writer.orderRefunded(now, order, from, to, returned, REFUND_REASONS[random.nextInt(REFUND_REASONS.length)]);
  }

  private void schedule(long due, Kind kind, PlacedOrder order, int product, int quantity) {
    tasks.add(new Task(due, sequence++, kind, order, product, quantity));
  }

  private long between(long min, long max) {
    return min + random.nextLong(max - min + 1);
  }
}
