package io.storepulse.inventory;

/**
 * One row of a bulk stock import, as parsed from JSON or CSV; the book checks the values.
 *
 * @param onHand the level to set, {@code null} when the row had none
 * @param lowStockThreshold the level's own threshold, {@code null} to keep the current one
 */
public record ImportRow(String sku, Long onHand, Long lowStockThreshold) {
}
