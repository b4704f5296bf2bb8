package io.storepulse.inventory;

/** The outcome of one {@link ImportRow}, at the row's index in the import. */
public sealed interface ImportResult {

  /** The row was applied; the level after it. */
  record Imported(StockLevel level) implements ImportResult {
  }

  /** The row was refused and changed nothing. */
  record Rejected(String error) implements ImportResult {
  }
}
