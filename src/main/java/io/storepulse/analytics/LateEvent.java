package io.storepulse.analytics;

import java.time.Instant;
import java.util.List;

/**
 * The late side output: an event that came after some of its windows were final.
 *
 * @param watermark the partition watermark when the event came
 * @param windows the windows that were already final for it
 */
public record LateEvent(CommerceEvent event, Instant watermark, List<LateWindow> windows) {

  public LateEvent {
    windows = List.copyOf(windows);
  }

  /**
   * One final window a late event belonged to.
   *
   * @param kind the window kind, e.g. {@code "1m"}, or {@code "session"}
   * @param corrected whether the event was applied to the window's result as a correction;
   *     {@code false} when corrections are off or the window was past the correction horizon
   */
  public record LateWindow(String kind, Instant start, Instant end, boolean corrected) {
  }
}
