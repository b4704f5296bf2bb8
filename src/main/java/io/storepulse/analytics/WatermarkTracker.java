package io.storepulse.analytics;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * The event-time watermark of one partition: the time up to which the partition believes it has
 * seen every event, in epoch milliseconds ({@link Long#MIN_VALUE} before the first event).
 *
 * <p>The rule, in full:
 * <ul>
 *   <li>On an event: {@code watermark = max(watermark, maxTimestamp - outOfOrderness - 1)}, where
 *       {@code maxTimestamp} is the largest event time seen (Flink's bounded-out-of-orderness
 *       convention: an event exactly {@code outOfOrderness} behind the maximum is still on time).
 *   <li>On {@link #onIdle(Instant)}: the partition is idle when no event was applied since the
 *       previous {@code onIdle} call. An idle partition moves the watermark to
 *       {@code max(watermark, wallClock - outOfOrderness - idleGrace)}; a call that follows events
 *       only records that the partition was busy. {@code idleGrace} covers the time an event takes
 *       from the storefront to the pipeline, so an event stamped by a correct clock is not made
 *       late by the idle advance. During catch-up after a restart events flow between calls and
 *       the wall clock never overtakes the replayed event time; the caller should still only call
 *       this once it has caught up with the log.
 *   <li>The watermark never moves back.
 * </ul>
 */
public final class WatermarkTracker {

  private final long outOfOrderness;
  private final long idleGrace;
  private long maxTimestamp = Long.MIN_VALUE;
  private long watermark = Long.MIN_VALUE;
  private boolean busySinceIdleCheck;

  public WatermarkTracker(Duration outOfOrderness, Duration idleGrace) {
    if (outOfOrderness.isNegative() || idleGrace.isNegative()) {
      throw new IllegalArgumentException("out-of-orderness and idle grace must not be negative");
    }
    this.outOfOrderness = outOfOrderness.toMillis();
    this.idleGrace = idleGrace.toMillis();
  }

  /** Records an event time and returns the watermark after it. */
  public long onEvent(long timestamp) {
    busySinceIdleCheck = true;
    if (timestamp > maxTimestamp) {
      maxTimestamp = timestamp;
      long candidate = timestamp - outOfOrderness - 1;
      if (candidate > watermark) {
        watermark = candidate;
      }
    }
    return watermark;
  }

  /** Applies the idle rule for this wall-clock reading and returns the watermark after it. */
  public long onIdle(Instant wallClock) {
    if (busySinceIdleCheck) {
      busySinceIdleCheck = false;
      return watermark;
    }
    long candidate = wallClock.toEpochMilli() - outOfOrderness - idleGrace;
    if (candidate > watermark) {
      watermark = candidate;
    }
    return watermark;
  }

  public long currentWatermark() {
    return watermark;
  }

  /** The largest event time seen, {@link Long#MIN_VALUE} before the first event. */
  public long maxTimestamp() {
    return maxTimestamp;
  }

  void write(SnapshotOutput out) throws IOException {
    out.writeLong(maxTimestamp);
    out.writeLong(watermark);
    out.writeBoolean(busySinceIdleCheck);
  }

  void read(SnapshotInput in) throws IOException {
    maxTimestamp = in.readLong();
    watermark = in.readLong();
    busySinceIdleCheck = in.readBoolean();
  }
}
