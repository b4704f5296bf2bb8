package io.storepulse.demo;

/**
 * The simulated store's own count of units per product: what it imported at the start, less what
 * it sold, plus returns and supplier deliveries. A storefront does not sell what it does not have,
 * and orders a restock once a product is at or below its threshold.
 */
final class Stock {

  private static final int TARGET_THRESHOLDS = 4;

  private final Catalog catalog;
  private final int[] onHand;
  private final boolean[] restockOnTheWay;

  Stock(Catalog catalog) {
    this.catalog = catalog;
    this.onHand = new int[catalog.size()];
    this.restockOnTheWay = new boolean[catalog.size()];
    for (Product product : catalog.products()) {
      onHand[product.index()] = product.initialStock();
    }
  }

  int onHand(int product) {
    return onHand[product];
  }

  /** Takes up to {@code quantity} units; returns how many there were. */
  int take(int product, int quantity) {
    int taken = Math.min(quantity, Math.max(onHand[product], 0));
    onHand[product] -= taken;
    return taken;
  }

  void give(int product, int quantity) {
    onHand[product] += quantity;
  }

  /**
   * Units to order from the supplier now, or 0: a product at or below its threshold with no
   * delivery on the way gets one that brings it back to its usual level.
   */
  int restockToOrder(int product) {
    Product p = catalog.product(product);
    if (restockOnTheWay[product] || onHand[product] > p.lowStockThreshold()) {
      return 0;
    }
    restockOnTheWay[product] = true;
    return Math.max(p.initialStock(), TARGET_THRESHOLDS * p.lowStockThreshold()) - onHand[product];
  }

  void delivered(int product, int quantity) {
    onHand[product] += quantity;
    restockOnTheWay[product] = false;
  }
}
