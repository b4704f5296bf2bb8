package io.storepulse.analytics;

import java.time.Duration;

/**
 * Contiguous, non-overlapping windows of one size: every event belongs to exactly one window, and
 * an event exactly at a window's end belongs to the next one.
 *
 * @param size window length in milliseconds
 */
public record TumblingWindows(long size) implements WindowAssigner {

  public TumblingWindows {
    if (size <= 0) {
      throw new IllegalArgumentException("window size must be positive, got " + size);
    }
  }

  public static TumblingWindows of(Duration size) {
    return new TumblingWindows(size.toMillis());
  }

  @Override
  public long advance() {
    return size;
  }
}
