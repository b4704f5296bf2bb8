package io.storepulse.demo;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What the sessions of the simulated store share: the catalog, the stock, the back office, the
 * event writer, the random source, and the visitors who come back.
 */
final class Shop {

  private static final int RETURNING_MEMORY = 4096;
  private static final double RETURNING_SHARE = 0.25;
  private static final double SIGNED_IN_SHARE = 0.5;

  final SplittableRandom random;
  final Catalog catalog;
  final Stock stock;
  final BackOffice backOffice;
  final EventWriter writer;
  private final String runId;
  private final long[] pastVisitors = new long[RETURNING_MEMORY];
  private long visitors;
  private long sessions;

  Shop(String runId, SplittableRandom random, Catalog catalog) {
    this.runId = runId;
    this.random = random;
    this.catalog = catalog;
    this.stock = new Stock(catalog);
    this.writer = new EventWriter(runId, catalog);
    this.backOffice = new BackOffice(random, catalog, stock, writer);
  }

  /** A visit by a new visitor, or one who came before (and is then often signed in). */
  Session newSession() {
    long visitor;
    String userId = null;
    if (visitors > 0 && random.nextDouble() < RETURNING_SHARE) {
      visitor = pastVisitors[random.nextInt((int) Math.min(visitors, RETURNING_MEMORY))];
      if (random.nextDouble() < SIGNED_IN_SHARE) {
        userId = "u-" + runId + "-" + visitor;
      }
    } else {
      visitor = ++visitors;
      pastVisitors[(int) ((visitor - 1) % RETURNING_MEMORY)] = visitor;
    }
    return new Session("v-" + runId + "-" + visitor, runId + "-s" + ++sessions, userId);
  }

  /**
   * Takes the cart's units from stock (a line shrinks to what is left), orders restocks for what
   * ran low, and hands the order to the back office; {@code null} when nothing was left.
   */
  PlacedOrder placeOrder(Session session, long now) {
    int[] products = new int[session.lines];
    int[] quantities = new int[session.lines];
    int lines = 0;
    long total = 0;
    for (int line = 0; line < session.lines; line++) {
      int product = session.cartProducts[line];
      int taken = stock.take(product, session.cartQuantities[line]);
      if (taken > 0) {
        products[lines] = product;
        quantities[lines] = taken;
        lines++;
        total += catalog.product(product).priceCents() * taken;
        backOffice.checkStock(product, now);
      }
    }
    if (lines == 0) {
      return null;
    }
    if (lines < session.lines) {
      products = Arrays.copyOf(products, lines);
      quantities = Arrays.copyOf(quantities, lines);
    }
    PlacedOrder order = new PlacedOrder(writer.nextOrderId(), session.visitorId, now, products, quantities, total);
    backOffice.orderPlaced(order, now);
    return order;
  }
}
