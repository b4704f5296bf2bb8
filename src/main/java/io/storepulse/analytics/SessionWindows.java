package io.storepulse.analytics;

import java.time.Duration;

/**
 * Per-key activity sessions: an event at {@code t} opens the window {@code [t, t + gap)}, and
 * windows that overlap or touch are one session. Two events of a visitor are therefore in the same
 * session when at most {@code gap} apart (inclusive), as in Kafka Streams; a session is
 * {@code [first event, last event + gap)}. An event that arrives late and falls between two
 * sessions may bridge them, and they merge.
 *
 * @param gap inactivity gap in milliseconds
 */
public record SessionWindows(long gap) {

  public SessionWindows {
    if (gap <= 0) {
      throw new IllegalArgumentException("session gap must be positive, got " + gap);
    }
  }

  public static SessionWindows of(Duration gap) {
    return new SessionWindows(gap.toMillis());
  }

  /** The window a single event at {@code timestamp} opens. */
  public TimeWindow windowFor(long timestamp) {
    return new TimeWindow(timestamp, timestamp + gap);
  }

  /** Whether two session windows belong to one session: they overlap or touch. */
  public boolean shouldMerge(TimeWindow a, TimeWindow b) {
    return a.start() <= b.end() && b.start() <= a.end();
  }

  /** The smallest window covering both. */
  public TimeWindow merge(TimeWindow a, TimeWindow b) {
    return new TimeWindow(Math.min(a.start(), b.start()), Math.max(a.end(), b.end()));
  }
}
