package io.storepulse.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowAssignerTest {

  private static final long MINUTE = 60_000;

  @Test
  void eventExactlyAtAWindowEndBelongsToTheNextWindow() {
    TumblingWindows minutes = TumblingWindows.of(Duration.ofMinutes(1));

    assertEquals(List.of(new TimeWindow(0, MINUTE)), minutes.assignWindows(MINUTE - 1));
    assertEquals(List.of(new TimeWindow(MINUTE, 2 * MINUTE)), minutes.assignWindows(MINUTE));
  }

  @Test
  void windowClosesOnItsLastMillisecond() {
    TimeWindow window = new TimeWindow(0, MINUTE);

    assertEquals(MINUTE - 1, window.maxTimestamp());
    assertTrue(window.contains(MINUTE - 1));
    assertFalse(window.contains(MINUTE));
  }

  @Test
  void hoppingWindowsOverlapSoAnEventLandsInSizeOverAdvanceWindows() {
    HoppingWindows hopping = HoppingWindows.of(Duration.ofMinutes(5), Duration.ofMinutes(1));
    long t = 10 * MINUTE + 30_000;

    List<TimeWindow> windows = hopping.assignWindows(t);

    assertEquals(5, windows.size());
    assertEquals(new TimeWindow(6 * MINUTE, 11 * MINUTE), windows.get(0));
    assertEquals(new TimeWindow(10 * MINUTE, 15 * MINUTE), windows.get(4));
    windows.forEach(window -> assertTrue(window.contains(t)));
  }

  @Test
  void hoppingEventOnABoundaryStartsAWindowAndLeavesTheOldest() {
    HoppingWindows hopping = HoppingWindows.of(Duration.ofMinutes(5), Duration.ofMinutes(1));

    List<TimeWindow> windows = hopping.assignWindows(10 * MINUTE);

    assertEquals(new TimeWindow(6 * MINUTE, 11 * MINUTE), windows.get(0));
    assertEquals(new TimeWindow(10 * MINUTE, 15 * MINUTE), windows.get(4));
  }

  @Test
  void windowsBeforeTheEpochAlignDownwards() {
    TumblingWindows minutes = TumblingWindows.of(Duration.ofMinutes(1));

    assertEquals(List.of(new TimeWindow(-MINUTE, 0)), minutes.assignWindows(-1));
  }

  @Test
  void hoppingAdvanceLargerThanSizeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new HoppingWindows(MINUTE, 2 * MINUTE));
  }

  @Test
  void sessionWindowsMergeWhenTheyOverlapOrTouch() {
    SessionWindows sessions = SessionWindows.of(Duration.ofMinutes(30));
    TimeWindow first = sessions.windowFor(0);

    assertTrue(sessions.shouldMerge(first, sessions.windowFor(30 * MINUTE)));
    assertFalse(sessions.shouldMerge(first, sessions.windowFor(30 * MINUTE + 1)));
    assertEquals(new TimeWindow(0, 60 * MINUTE), sessions.merge(first, sessions.windowFor(30 * MINUTE)));
  }
}
