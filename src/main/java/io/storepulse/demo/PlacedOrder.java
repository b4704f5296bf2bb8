package io.storepulse.demo;

/** An order the simulated store took, remembered for its cancellation or refund. */
final class PlacedOrder {

  final String orderId;
  final String visitorId;
  final long timeMillis;
  final int[] products;
  final int[] quantities;
  final long totalCents;
  /** Cancelled or refunded: nothing more happens to it. */
  boolean settled;

  PlacedOrder(String orderId, String visitorId, long timeMillis, int[] products, int[] quantities, long totalCents) {
    this.orderId = orderId;
    this.visitorId = visitorId;
    this.timeMillis = timeMillis;
    this.products = products;
    this.quantities = quantities;
    this.totalCents = totalCents;
  }
}
