package io.storepulse.demo;

/**
 * Something going wrong at the simulated store for a while, in wall-clock milliseconds
 * {@code [startMillis, endMillis)}.
 */
public record Incident(Kind kind, long startMillis, long endMillis) {

  /** What goes wrong. */
  public enum Kind {
    /** Checkouts still start, but every payment fails: no order completes. */
    CHECKOUT_DOWN,
    /** Many earlier orders are refunded at once, as after a bad batch of goods. */
    REFUND_SPIKE
  }

  public boolean covers(long millis) {
    return millis >= startMillis && millis < endMillis;
  }
}
