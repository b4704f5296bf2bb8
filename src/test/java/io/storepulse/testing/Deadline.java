package io.storepulse.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling, failing with a message when the deadline passes. */
public final class Deadline {

  private Deadline() {
  }

  public static void await(Duration timeout, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }
}
