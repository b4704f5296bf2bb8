package io.storepulse.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WatermarkTrackerTest {

  private final WatermarkTracker tracker = new WatermarkTracker(Duration.ofSeconds(5), Duration.ofSeconds(10));

  @Test
  void watermarkIsTheLatestEventTimeMinusOutOfOrdernessMinusOneMillisecond() {
    assertEquals(Long.MIN_VALUE, tracker.currentWatermark());

    assertEquals(100_000 - 5_000 - 1, tracker.onEvent(100_000));
  }

  @Test
  void eventsOutOfOrderNeverMoveTheWatermarkBack() {
    tracker.onEvent(100_000);
    tracker.onEvent(97_000);
    tracker.onEvent(99_999);

    assertEquals(94_999, tracker.currentWatermark());
    assertEquals(100_000, tracker.maxTimestamp());

    tracker.onEvent(101_000);
    assertEquals(95_999, tracker.currentWatermark());
  }

  @Test
  void idlePartitionFollowsTheWallClockMinusOutOfOrdernessAndGrace() {
    tracker.onEvent(100_000);

    // the first check after events only notes that the partition was busy
    assertEquals(94_999, tracker.onIdle(Instant.ofEpochMilli(200_000)));
    // nothing came since: idle
    assertEquals(300_000 - 5_000 - 10_000, tracker.onIdle(Instant.ofEpochMilli(300_000)));
    assertEquals(400_000 - 5_000 - 10_000, tracker.onIdle(Instant.ofEpochMilli(400_000)));
  }

  @Test
  void idleAdvanceNeverMovesTheWatermarkBack() {
    tracker.onEvent(100_000);
    tracker.onIdle(Instant.ofEpochMilli(0));

    assertEquals(94_999, tracker.onIdle(Instant.ofEpochMilli(50_000)));
  }

  @Test
  void eventsBetweenIdleChecksKeepThePartitionBusy() {
    tracker.onEvent(100_000);
    tracker.onIdle(Instant.ofEpochMilli(500_000));
    tracker.onEvent(100_001);

    assertEquals(94_999 + 1, tracker.onIdle(Instant.ofEpochMilli(600_000)));
  }
}
