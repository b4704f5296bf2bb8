package io.storepulse.pipeline;

/**
 * The durable outcome of an {@link InventoryOperation}: a {@code ReserveResult}, a released
 * {@code Reservation} (null when there was none) or an {@code AdjustResult}.
 */
public record InventoryAnswer(Object result) {
}
