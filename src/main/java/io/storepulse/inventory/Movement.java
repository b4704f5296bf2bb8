package io.storepulse.inventory;

import java.time.Instant;

/**
 * One row of the inventory ledger: a level is the sum of its movements.
 *
 * @param cause what caused it: an event id, a reservation id, an adjustment's idempotency key or
 *     an import's id
 * @param time the event time for event-driven movements, the operation's {@code now} otherwise
 */
public record Movement(String storeId, String sku, long deltaOnHand, long deltaReserved, MovementReason reason,
    String cause, Instant time) {
}
