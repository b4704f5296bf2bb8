package io.storepulse.bench;

import io.storepulse.analytics.AlignedWindowOperator;
import io.storepulse.analytics.AlignedWindowOperator.Window;
import io.storepulse.analytics.CommerceEvent;
import io.storepulse.analytics.TumblingWindows;
import io.storepulse.analytics.WatermarkTracker;
import io.storepulse.analytics.WindowStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * The 1-minute tumbling job per store, built from the engine's parts as a pipeline partition
 * would drive it: window operator, watermark with 5 s out-of-orderness, 1 min allowed lateness,
 * and a drain of the changed windows every {@value #DRAIN_EVERY} events (a checkpoint batch).
 * {@link #finish} ends the input as Flink ends a bounded one, with a watermark at the end of time,
 * so that every window is final and a comparison can add up the final results.
 */
final class TumblingTypeCountJob {

  static final int DRAIN_EVERY = 4096;

  /** One emitted row: what the result writer would upsert. */
  record Result(String storeId, long windowStart, WindowStatus status, long[] counts,
      SortedMap<String, BigDecimal> revenue) {
  }

  private final WatermarkTracker watermark = new WatermarkTracker(Duration.ofSeconds(5), Duration.ofSeconds(10));
  private final AlignedWindowOperator<TypeCounts> windows = new AlignedWindowOperator<>("1m",
      TumblingWindows.of(Duration.ofMinutes(1)), Duration.ofMinutes(1), true, Duration.ofMinutes(10),
      new TypeCountAggregate());
  private final Consumer<Window<TypeCounts>> onFinal;
  private final List<Result> emitted = new ArrayList<>();
  private final Consumer<Window<TypeCounts>> emit = window -> emitted.add(new Result(window.key(), window.start(),
      window.status(), window.accumulator().counts.clone(), window.accumulator().revenue.toMap()));
  private long lateEvents;
  private int sinceDrain;
  private long emittedRows;

  TumblingTypeCountJob() {
    this(window -> { });
  }

  /** @param onFinal sees each window once, as it becomes final, with its result at that moment */
  TumblingTypeCountJob(Consumer<Window<TypeCounts>> onFinal) {
    this.onFinal = onFinal;
  }

  void apply(CommerceEvent event) {
    long timestamp = event.time().toEpochMilli();
    if (windows.add(event.storeId(), timestamp, event) != AlignedWindowOperator.ON_TIME) {
      lateEvents++;
    }
    windows.advanceWatermark(watermark.onEvent(timestamp), onFinal);
    if (++sinceDrain == DRAIN_EVERY) {
      drain();
    }
  }

  private void drain() {
    sinceDrain = 0;
    windows.drainChanged(emit);
    emittedRows += emitted.size();
    emitted.clear();
  }

  /**
   * Ends the input: every open window becomes final, then the changes are drained. Returns a value
   * that depends on all the work, for the blackhole.
   */
  long finish() {
    windows.advanceWatermark(Long.MAX_VALUE, onFinal);
    drain();
    return emittedRows * 31 + lateEvents;
  }

  long lateEvents() {
    return lateEvents;
  }
}
