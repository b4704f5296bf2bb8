package io.storepulse.inventory;

import java.util.List;

/**
 * Everything an {@link InventoryBook} changed since the previous drain, to be persisted with the
 * partition's checkpoint in one transaction.
 *
 * @param levels the changed levels, each once with its latest values, to upsert
 * @param movements the ledger rows, in the order they happened, to append
 * @param alerts stock alerts raised, in order
 * @param reservationsCreated reservations to insert; insert these before deleting the ended ones,
 *     since a reservation may be created and end within one drain
 * @param reservationsEnded reservations to delete
 */
public record InventoryChanges(
    List<StockLevel> levels,
    List<Movement> movements,
    List<StockAlert> alerts,
    List<Reservation> reservationsCreated,
    List<EndedReservation> reservationsEnded) {

  public InventoryChanges {
    levels = List.copyOf(levels);
    movements = List.copyOf(movements);
    alerts = List.copyOf(alerts);
    reservationsCreated = List.copyOf(reservationsCreated);
    reservationsEnded = List.copyOf(reservationsEnded);
  }

  /** Whether there is nothing to persist. */
  public boolean isEmpty() {
    return levels.isEmpty() && movements.isEmpty() && alerts.isEmpty() && reservationsCreated.isEmpty()
        && reservationsEnded.isEmpty();
  }
}
