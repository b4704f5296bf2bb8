package io.storepulse.inventory;

import java.time.Instant;

/**
 * A reservation that no longer holds stock.
 *
 * @param reason {@link MovementReason#ORDER} when an order consumed it, {@link MovementReason#CANCEL}
 *     when its order was cancelled, {@link MovementReason#RELEASE} or {@link MovementReason#EXPIRE}
 */
public record EndedReservation(Reservation reservation, MovementReason reason, Instant time) {
}
