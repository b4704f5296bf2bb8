package io.storepulse.inventory;

import java.time.Instant;

/**
 * A stock crossing, raised by the change described by {@code reason} and {@code cause}.
 *
 * @param level the level right after the change
 */
public record StockAlert(StockAlertKind kind, StockLevel level, MovementReason reason, String cause, Instant time) {

  /** What the alert says, for people: the crossing and the level's numbers. */
  public String message() {
    return kind.wireName().replace('_', ' ') + ": SKU " + level.sku() + " has " + level.available()
        + " available (on hand " + level.onHand() + ", reserved " + level.reserved() + ", low-stock threshold "
        + level.lowStockThreshold() + ")";
  }
}
