package io.storepulse.inventory;

/** What an adjustment does to {@code onHand}. */
public sealed interface StockTarget {

  /** Sets {@code onHand}, e.g. after counting the shelf. */
  record SetOnHand(long onHand) implements StockTarget {
    public SetOnHand {
      if (onHand < 0) {
        throw new IllegalArgumentException("onHand must not be negative, got " + onHand);
      }
    }
  }

  /** Shifts {@code onHand} by a non-zero amount. */
  record Shift(long delta) implements StockTarget {
    public Shift {
      if (delta == 0) {
        throw new IllegalArgumentException("a shift must not be zero");
      }
    }
  }
}
