package io.storepulse.inventory;

/** The answer to {@link InventoryBook#reserve}. */
public sealed interface ReserveResult {

  /** The units are held; a repeated reservation id answers with the reservation it already has. */
  record Reserved(Reservation reservation) implements ReserveResult {
  }

  /** Fewer than the requested units are available; nothing changed. */
  record Insufficient(long available) implements ReserveResult {
  }
}
