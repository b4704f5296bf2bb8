package io.storepulse.analytics;

import java.util.ArrayList;
import java.util.List;

/**
 * Assigns an event time to fixed-size windows aligned on the epoch: windows of {@link #size()}
 * starting every {@link #advance()}. Tumbling windows are the case {@code advance == size}.
 *
 * <p>The hot path uses {@link #lastWindowStart(long)} and steps back by the advance, so that
 * assignment allocates nothing; {@link #assignWindows(long)} is the readable form of the same rule.
 */
public sealed interface WindowAssigner permits TumblingWindows, HoppingWindows {

  /** Window length in milliseconds. */
  long size();

  /** Distance between two window starts in milliseconds. */
  long advance();

  /**
   * Start of the latest window containing {@code timestamp}. The windows containing it are those
   * starting at this value, then every {@code advance} earlier while the start is still greater
   * than {@code timestamp - size}.
   */
  default long lastWindowStart(long timestamp) {
    return timestamp - Math.floorMod(timestamp, advance());
  }

  /** The windows containing {@code timestamp}, oldest first. */
  default List<TimeWindow> assignWindows(long timestamp) {
    List<TimeWindow> windows = new ArrayList<>();
    for (long start = lastWindowStart(timestamp); start > timestamp - size(); start -= advance()) {
      windows.add(0, new TimeWindow(start, start + size()));
    }
    return windows;
  }
}
