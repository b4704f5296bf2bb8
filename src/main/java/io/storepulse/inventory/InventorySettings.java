package io.storepulse.inventory;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything that shapes an {@link InventoryBook}; {@link #defaults()} follows issue 4.
 *
 * @param defaultLowStockThreshold the threshold of a level that was not given its own (default 5)
 * @param cartReservationStores stores whose {@code product_added} / {@code product_removed}
 *     events hold and release soft cart reservations (default none)
 * @param cartReservationTtl how long a soft cart reservation lives after its event (default 15 min)
 * @param idempotencyRetention how long an adjustment's idempotency key is remembered (default 24 h)
 * @param orderRetention how long an order's lines are remembered, in event time, so that a later
 *     cancellation or refund without lines can restock them, and no line is restocked twice
 *     (default 90 days)
 */
public record InventorySettings(
    long defaultLowStockThreshold,
    Set<String> cartReservationStores,
    Duration cartReservationTtl,
    Duration idempotencyRetention,
    Duration orderRetention) {

  public InventorySettings {
    if (defaultLowStockThreshold < 0) {
      throw new IllegalArgumentException("the low-stock threshold must not be negative");
    }
    cartReservationStores = Set.copyOf(cartReservationStores);
    for (Duration duration : new Duration[] {cartReservationTtl, idempotencyRetention, orderRetention}) {
      Objects.requireNonNull(duration, "durations are required");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("inventory durations must be positive, got " + duration);
      }
    }
  }

  public static InventorySettings defaults() {
    return new InventorySettings(5, Set.of(), Duration.ofMinutes(15), Duration.ofHours(24), Duration.ofDays(90));
  }

  public InventorySettings withCartReservations(Set<String> stores) {
    return new InventorySettings(defaultLowStockThreshold, stores, cartReservationTtl, idempotencyRetention,
        orderRetention);
  }

  /** Whether a store's cart events hold stock. */
  public boolean cartReservations(String storeId) {
    return cartReservationStores.contains(storeId);
  }
}
