package io.storepulse.analytics;

import java.time.Instant;
import java.util.List;

/**
 * Everything a {@link WindowEngine} changed since the previous drain, to be persisted with the
 * partition's checkpoint in one transaction.
 *
 * @param windows store window results to upsert, each with its full values
 * @param skus per-product rows to upsert: the changed ones, or all of a window that became final
 * @param alerts anomaly alerts raised
 * @param lateEvents the late side output
 * @param movingAverages series points of short windows that became final
 * @param watermark the partition watermark, {@code null} before the first event
 * @param lateCount late events since the partition started (cumulative, survives restores)
 * @param lastPosition the log position of the last event applied, -1 before the first
 */
public record EngineChanges(
    List<WindowResult> windows,
    List<SkuResult> skus,
    List<Alert> alerts,
    List<LateEvent> lateEvents,
    List<MovingAveragePoint> movingAverages,
    Instant watermark,
    long lateCount,
    long lastPosition) {

  public EngineChanges {
    windows = List.copyOf(windows);
    skus = List.copyOf(skus);
    alerts = List.copyOf(alerts);
    lateEvents = List.copyOf(lateEvents);
    movingAverages = List.copyOf(movingAverages);
  }

  /** Whether there is nothing to persist besides the checkpoint. */
  public boolean isEmpty() {
    return windows.isEmpty() && skus.isEmpty() && alerts.isEmpty() && lateEvents.isEmpty() && movingAverages.isEmpty();
  }
}
