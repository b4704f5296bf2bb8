package io.storepulse.inventory;

import java.time.Instant;

/**
 * A stock crossing, raised by the change described by {@code reason} and {@code cause}.
 *
 * @param level the level right after the change
 */
public record StockAlert(StockAlertKind kind, StockLevel level, MovementReason reason, String cause, Instant time) {
}
