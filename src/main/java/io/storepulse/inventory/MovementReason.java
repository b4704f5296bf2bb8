package io.storepulse.inventory;

/** Why a level moved; stored in the ledger. */
public enum MovementReason {
  /** An {@code order_completed} line committed stock (and consumed its reservations). */
  ORDER,
  /** A cancelled order's line went back into stock, or its reservations were released. */
  CANCEL,
  /** A refunded order's line went back into stock. */
  REFUND,
  /** An {@code inventory_restocked} event. */
  RESTOCK,
  /** An {@code inventory_adjusted} event or an adjustment through the API. */
  ADJUST,
  /** A reservation was taken (through the API, or a soft cart reservation). */
  RESERVE,
  /** A reservation was released (through the API, or by removing the product from the cart). */
  RELEASE,
  /** A reservation passed its expiry. */
  EXPIRE,
  /** A row of a bulk import set the level. */
  IMPORT;

}
