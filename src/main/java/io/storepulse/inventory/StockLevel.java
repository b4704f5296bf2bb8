package io.storepulse.inventory;

/**
 * The stock of one product of one store, as of a change.
 *
 * @param onHand units in the warehouse; negative after an oversold order
 * @param reserved units held by live reservations
 * @param version incremented on every change of the level, starting at 0 for a level never changed
 * @param lowStockThreshold {@code available} below this is low stock
 */
public record StockLevel(String storeId, String sku, long onHand, long reserved, long version,
    long lowStockThreshold) {

  /** What can still be promised: {@code onHand − reserved}. */
  public long available() {
    return onHand - reserved;
  }
}
