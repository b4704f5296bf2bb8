package io.storepulse.pipeline;

/**
 * The durable outcome of an {@link InventoryOperation}: a {@code ReserveResult}, a released
 * {@code Reservation} (null when there was none), an {@code AdjustResult} or the
 * {@code ImportResult}s of an import.
 */
public record InventoryAnswer(Object result) {
}
