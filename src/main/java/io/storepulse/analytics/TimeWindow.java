package io.storepulse.analytics;

import java.time.Instant;

/**
 * A half-open event-time window {@code [start, end)} in epoch milliseconds.
 *
 * @param start first instant inside the window
 * @param end first instant after the window
 */
public record TimeWindow(long start, long end) {

  public TimeWindow {
    if (end <= start) {
      throw new IllegalArgumentException("window end " + end + " is not after its start " + start);
    }
  }

  /** The last millisecond inside the window, {@code end - 1}; windows close on this timestamp. */
  public long maxTimestamp() {
    return end - 1;
  }

  public boolean contains(long timestamp) {
    return timestamp >= start && timestamp < end;
  }

  public Instant startInstant() {
    return Instant.ofEpochMilli(start);
  }

  public Instant endInstant() {
    return Instant.ofEpochMilli(end);
  }
}
