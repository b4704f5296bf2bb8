package io.storepulse.testing;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

  /** A condition that reads the database. */
  @FunctionalInterface
  public interface SqlCondition {
    boolean test() throws SQLException;
  }

  /** As {@link #await}, for a condition that queries the database; an SQL error fails the wait. */
  public static void awaitSql(Duration timeout, String what, SqlCondition condition) {
    await(timeout, what, () -> {
      try {
        return condition.test();
      } catch (SQLException e) {
        throw new IllegalStateException("checking " + what, e);
      }
    });
  }

  /**
   * Waits until two values, fetched afresh on each poll, are equal; on timeout fails with both as
   * last fetched.
   */
  public static <T> void awaitEquals(Duration timeout, String what, Supplier<T> expected, Supplier<T> actual) {
    Object[] last = new Object[2];
    try {
      await(timeout, what, () -> {
        last[0] = expected.get();
        last[1] = actual.get();
        return Objects.equals(last[0], last[1]);
      });
    } catch (AssertionError timedOut) {
      assertEquals(last[0], last[1], timedOut.getMessage());
      throw timedOut;
    }
  }
}
