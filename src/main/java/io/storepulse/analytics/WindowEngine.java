package io.storepulse.analytics;

import io.storepulse.analytics.AlignedWindowOperator.Window;
import io.storepulse.analytics.StoreMetricsAggregate.Accumulator;
import io.storepulse.analytics.StoreMetricsAggregate.SkuStats;
import io.storepulse.ingest.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The analytics of one pipeline partition: event-time windows per store (short and long tumbling,
 * hopping), visitor sessions, moving averages, anomaly alerts and recommendations, driven by the
 * events of the partition in log order.
 *
 * <p>Use: {@link #apply} each event in log order, {@link #onIdle} on a timer once caught up with
 * the log, and at each checkpoint {@link #drainChanges} then {@link #snapshot}, persisted together
 * with the last log position. {@link #restore} a snapshot and replay the log after its position to
 * resume: the engine is deterministic (no wall clock other than what {@code onIdle} is given, no
 * hash-order dependence in its output), so a restored engine emits exactly what the original
 * would have for the same input.
 *
 * <p>Per event, in order: the event is added to its windows (late ones apply as corrections or
 * are dropped, see {@link AlignedWindowOperator}) and its session, an order feeds
 * "bought together" counts, then the watermark moves. A watermark step first closes the sessions
 * it made final (each counted in the windows containing its end, which are never final yet at that
 * point, and its viewed products paired), then finalizes windows, then extends each store's short
 * window series. Final windows stay in memory for the correction horizon and are then evicted.
 *
 * <p>Not thread-safe: a partition has a single writer.
 */
public final class WindowEngine {

  /** The kind reported in the late side output for sessions. */
  public static final String SESSION_KIND = "session";

  private static final int SNAPSHOT_MAGIC = 0x53505745;
  private static final int SNAPSHOT_VERSION = 1;

  /** How to rank the products of a window. */
  public enum Ranking {
    UNITS,
    VIEWS
  }

  private final EngineSettings settings;
  private final WatermarkTracker watermarks;
  private final StoreMetricsAggregate metrics;
  private final AlignedWindowOperator<Accumulator> shortWindows;
  private final List<AlignedWindowOperator<Accumulator>> operators;
  private final SessionTracker sessions;
  private final SeriesTracker series;
  private final Recommendations recommendations;
  private final Consumer<Window<Accumulator>> onShortWindowFinal = this::onShortWindowFinal;
  private final Consumer<Window<Accumulator>> ignoreFinal = window -> { };
  private final Consumer<SessionTracker.Session> onSessionClosed = this::onSessionClosed;
  private final BiConsumer<Accumulator, SessionTracker.Session> sessionContribution =
      (accumulator, session) -> StoreMetricsAggregate.addSession(accumulator, session.hasOrder);
  private final List<Alert> alerts = new ArrayList<>();
  private final List<LateEvent> lateEvents = new ArrayList<>();
  private final List<MovingAveragePoint> movingAverages = new ArrayList<>();
  private long lateCount;
  private long lastPosition = -1;

  public WindowEngine(EngineSettings settings) {
    this.settings = settings;
    this.metrics = new StoreMetricsAggregate(settings.topK());
    this.watermarks = new WatermarkTracker(settings.outOfOrderness(), settings.idleGrace());
    this.shortWindows = operator(settings.shortKind(), TumblingWindows.of(settings.shortTumbling()));
    this.operators = List.of(
        shortWindows,
        operator(settings.longKind(), TumblingWindows.of(settings.longTumbling())),
        operator(settings.hoppingKind(), HoppingWindows.of(settings.hoppingSize(), settings.hoppingAdvance())));
    this.sessions = new SessionTracker(SessionWindows.of(settings.sessionGap()), settings.allowedLateness());
    this.series = new SeriesTracker(settings.shortTumbling().toMillis(), settings.allowedLateness().toMillis(),
        settings.smaWindows(), settings.emaAlpha(),
        new AnomalyDetector(settings.anomalyK(), settings.anomalyWarmUp(), settings.anomalyAlpha()));
    this.recommendations = new Recommendations(settings.recommendationHalfLife(), settings.recommendationsPerSku());
  }

  private AlignedWindowOperator<Accumulator> operator(String kind, WindowAssigner assigner) {
    return new AlignedWindowOperator<>(kind, assigner, settings.allowedLateness(), settings.corrections(),
        settings.correctionHorizon(), metrics);
  }

  /** Applies the next event of the partition's log. Duplicates must have been removed upstream. */
  public void apply(CommerceEvent event) {
    long timestamp = event.time().toEpochMilli();
    lastPosition = event.position();
    int late = AlignedWindowOperator.ON_TIME;
    for (int i = 0; i < operators.size(); i++) {
      late |= operators.get(i).add(event.storeId(), timestamp, event);
    }
    boolean lateForSessions = sessions.add(event, timestamp);
    if (event.type() == EventType.ORDER_COMPLETED) {
      recommendations.addOrder(event);
    }
    if (late != AlignedWindowOperator.ON_TIME || lateForSessions) {
      recordLate(event, timestamp, lateForSessions);
    }
    advance(watermarks.onEvent(timestamp));
  }

  private void recordLate(CommerceEvent event, long timestamp, boolean lateForSessions) {
    lateCount++;
    List<LateEvent.LateWindow> windows = new ArrayList<>();
    for (AlignedWindowOperator<Accumulator> operator : operators) {
      operator.lateWindows(event.storeId(), timestamp, windows);
    }
    if (lateForSessions) {
      TimeWindow own = sessions.windows().windowFor(timestamp);
      windows.add(new LateEvent.LateWindow(SESSION_KIND, own.startInstant(), own.endInstant(), false));
    }
    lateEvents.add(new LateEvent(event, Instant.ofEpochMilli(watermarks.currentWatermark()), windows));
  }

  /** Lets the wall clock move the watermark of an idle partition; see {@link WatermarkTracker}. */
  public void onIdle(Instant wallClock) {
    advance(watermarks.onIdle(wallClock));
  }

  private void advance(long watermark) {
    sessions.advanceWatermark(watermark, onSessionClosed);
    shortWindows.advanceWatermark(watermark, onShortWindowFinal);
    for (int i = 1; i < operators.size(); i++) {
      operators.get(i).advanceWatermark(watermark, ignoreFinal);
    }
    series.advance(watermark, movingAverages, alerts);
  }

  private void onSessionClosed(SessionTracker.Session session) {
    // the windows containing the session's end close no earlier than the session (see class doc)
    long end = session.window.maxTimestamp();
    for (AlignedWindowOperator<Accumulator> operator : operators) {
      operator.update(session.storeId, end, session, sessionContribution);
    }
    recommendations.addSession(session.storeId, session.viewedSkus(), session.lastEventTime(sessions.windows()));
  }

  private void onShortWindowFinal(Window<Accumulator> window) {
    series.onFinal(window.key(), window.start(), metrics.minuteValues(window.accumulator()));
  }

  /** Everything changed since the last drain; the engine forgets it once returned. */
  public EngineChanges drainChanges() {
    List<WindowResult> windowResults = new ArrayList<>();
    List<SkuResult> skuResults = new ArrayList<>();
    for (AlignedWindowOperator<Accumulator> operator : operators) {
      String kind = operator.kind();
      operator.drainChanged(window -> emit(kind, window, windowResults, skuResults));
    }
    EngineChanges changes = new EngineChanges(windowResults, skuResults, alerts, lateEvents, movingAverages,
        watermark(), lateCount, lastPosition);
    alerts.clear();
    lateEvents.clear();
    movingAverages.clear();
    return changes;
  }

  private void emit(String kind, Window<Accumulator> window, List<WindowResult> windowResults,
      List<SkuResult> skuResults) {
    Instant start = Instant.ofEpochMilli(window.start());
    Instant end = Instant.ofEpochMilli(window.end());
    WindowStatus status = window.status();
    windowResults.add(new WindowResult(window.key(), kind, start, end, status,
        metrics.result(window.accumulator())));
    metrics.drainSkus(window.accumulator(), status == WindowStatus.FINAL, (SkuStats sku) ->
        skuResults.add(new SkuResult(window.key(), kind, start, end, status, sku.sku, sku.views, sku.carts, sku.units,
            sku.revenueMap())));
  }

  /** Whether {@link #drainChanges} has something to return. */
  public boolean hasPendingChanges() {
    for (AlignedWindowOperator<Accumulator> operator : operators) {
      if (operator.hasChanges()) {
        return true;
      }
    }
    return !alerts.isEmpty() || !lateEvents.isEmpty() || !movingAverages.isEmpty();
  }

  /**
   * The products of a store's current window of a kind (the most complete window containing the
   * store's latest event), best first, at most {@code min(limit, topK)} of them; empty when the
   * store has no window of that kind in memory.
   */
  public List<SkuCount> topProducts(String storeId, String windowKind, Ranking ranking, int limit) {
    Window<Accumulator> window = operator(windowKind).current(storeId);
    if (window == null) {
      return List.of();
    }
    Accumulator accumulator = window.accumulator();
    return List.copyOf((ranking == Ranking.UNITS ? accumulator.topByUnits : accumulator.topByViews).ranking(limit));
  }

  /** The products most often bought or viewed with {@code sku}, decayed to the latest event time. */
  public List<Recommendation> recommendations(String storeId, String sku, Recommendations.Relation relation,
      int limit) {
    return recommendations.top(storeId, sku, relation, limit, watermarks.maxTimestamp());
  }

  private AlignedWindowOperator<Accumulator> operator(String kind) {
    for (AlignedWindowOperator<Accumulator> operator : operators) {
      if (operator.kind().equals(kind)) {
        return operator;
      }
    }
    throw new IllegalArgumentException("unknown window kind " + kind);
  }

  /** The partition watermark, {@code null} before the first event. */
  public Instant watermark() {
    long watermark = watermarks.currentWatermark();
    return watermark == Long.MIN_VALUE ? null : Instant.ofEpochMilli(watermark);
  }

  public long lateCount() {
    return lateCount;
  }

  /** Store windows held in memory, open and retained for corrections, over all kinds. */
  public long windowCount() {
    long count = 0;
    for (AlignedWindowOperator<Accumulator> operator : operators) {
      count += operator.windowCount();
    }
    return count;
  }

  /** Open visitor sessions held in memory. */
  public long sessionCount() {
    return sessions.sessionCount();
  }

  /**
   * The complete state needed to resume, in a versioned binary form. Changes must be drained
   * first: a snapshot belongs to a checkpoint, and what was emitted before it is persisted with it.
   *
   * @throws IllegalStateException when changes are pending
   */
  public byte[] snapshot() {
    if (hasPendingChanges()) {
      throw new IllegalStateException("drain the engine's changes before taking a snapshot");
    }
    try {
      SnapshotOutput out = new SnapshotOutput();
      out.writeInt(SNAPSHOT_MAGIC);
      out.writeInt(SNAPSHOT_VERSION);
      for (long value : layout(settings)) {
        out.writeLong(value);
      }
      watermarks.write(out);
      out.writeSignedVarLong(lastPosition);
      out.writeVarLong(lateCount);
      for (AlignedWindowOperator<Accumulator> operator : operators) {
        operator.write(out);
      }
      sessions.write(out);
      series.write(out);
      recommendations.write(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
  }

  /**
   * An engine that continues from {@code snapshot}. Settings may differ in thresholds and
   * smoothing factors, not in window sizes, session gap or the simple average span.
   *
   * @throws IllegalArgumentException when the snapshot is not one this version wrote, or was
   *     written with a different window layout
   */
  public static WindowEngine restore(EngineSettings settings, byte[] snapshot) {
    WindowEngine engine = new WindowEngine(settings);
    SnapshotInput in = new SnapshotInput(snapshot);
    try {
      if (in.readInt() != SNAPSHOT_MAGIC) {
        throw new IllegalArgumentException("not a window engine snapshot");
      }
      int version = in.readInt();
      if (version != SNAPSHOT_VERSION) {
        throw new IllegalArgumentException("unsupported window engine snapshot version " + version);
      }
      for (long expected : layout(settings)) {
        if (in.readLong() != expected) {
          throw new IllegalArgumentException(
              "the snapshot was taken with other window sizes, session gap or average span than the settings");
        }
      }
      engine.watermarks.read(in);
      engine.lastPosition = in.readSignedVarLong();
      engine.lateCount = in.readVarLong();
      for (AlignedWindowOperator<Accumulator> operator : engine.operators) {
        operator.read(in);
      }
      engine.sessions.read(in);
      engine.series.read(in);
      engine.recommendations.read(in);
      in.expectEnd();
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt window engine snapshot: " + e.getMessage(), e);
    }
    return engine;
  }

  private static long[] layout(EngineSettings settings) {
    return new long[] {
        settings.shortTumbling().toMillis(),
        settings.longTumbling().toMillis(),
        settings.hoppingSize().toMillis(),
        settings.hoppingAdvance().toMillis(),
        settings.sessionGap().toMillis(),
        settings.smaWindows()
    };
  }
}
