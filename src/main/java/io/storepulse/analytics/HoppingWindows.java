package io.storepulse.analytics;

import java.time.Duration;

/**
 * Overlapping windows of {@code size} starting every {@code advance} (Flink's sliding windows,
 * Kafka Streams' hopping windows): an event belongs to {@code ceil(size / advance)} windows.
 *
 * @param size window length in milliseconds
 * @param advance distance between window starts in milliseconds, at most {@code size}
 */
public record HoppingWindows(long size, long advance) implements WindowAssigner {

  public HoppingWindows {
    if (advance <= 0 || advance > size) {
      throw new IllegalArgumentException(
          "advance must be positive and at most the size, got size " + size + " advance " + advance);
    }
  }

  public static HoppingWindows of(Duration size, Duration advance) {
    return new HoppingWindows(size.toMillis(), advance.toMillis());
  }
}
