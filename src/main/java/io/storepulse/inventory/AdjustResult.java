package io.storepulse.inventory;

/** The answer to {@link InventoryBook#adjust}. */
public sealed interface AdjustResult {

  /** The adjustment was applied (possibly changing nothing); the level after it. */
  record Applied(StockLevel level) implements AdjustResult {
  }

  /** The level's version was not the expected one; nothing changed. */
  record VersionMismatch(long currentVersion) implements AdjustResult {
  }

  /** The idempotency key was seen with the same request: its first answer, nothing changed. */
  record Repeated(AdjustResult first) implements AdjustResult {
  }

  /** The idempotency key was seen with another request (product or target); nothing changed. */
  record KeyReused(String idempotencyKey) implements AdjustResult {
  }
}
