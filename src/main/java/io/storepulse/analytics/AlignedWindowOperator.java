package io.storepulse.analytics;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Keyed event-time aggregation over tumbling or hopping windows: Flink's {@code WindowOperator}
 * reduced to what a storepulse partition needs. One instance per job and partition; not
 * thread-safe, by design (a partition has a single writer).
 *
 * <p>A window's life, with {@code cleanupTime = maxTimestamp + allowedLateness}:
 * <ol>
 *   <li>{@link WindowStatus#PROVISIONAL} from its first element until the watermark reaches
 *       {@code cleanupTime}; every element updates it;
 *   <li>{@link WindowStatus#FINAL} when the watermark reaches {@code cleanupTime};
 *   <li>kept for {@code correctionHorizon} more (when corrections are on), so that a late element
 *       can be applied to the full result, which then becomes {@link WindowStatus#CORRECTED};
 *   <li>evicted. An element for an evicted window is late and dropped.
 * </ol>
 * An element is late for a window when the window is already final ({@code isWindowLate}); the
 * return value of {@link #add} tells the caller, which counts it and sends it to the late side
 * output. Windows whose result changed are collected until {@link #drainChanged}, so a window
 * updated by a thousand events between two drains is emitted once.
 *
 * <p>Allocation: the hot path (an element for a window that exists) allocates nothing. Each key
 * remembers the window it touched last, which for tumbling windows is almost always the next one
 * needed; timers are buckets of windows per cleanup time, so all stores' windows for one minute
 * share one timer. Firing sorts each bucket by key, which makes the emission order independent
 * of the order in which windows were created, so that a restored operator emits exactly what the
 * original would have.
 *
 * @param <A> the accumulator of the job's {@link WindowAggregate}
 */
public final class AlignedWindowOperator<A> {

  /** {@link #add} result: the element was on time for all its windows. */
  public static final int ON_TIME = 0;
  /** {@link #add} result bit: a window was final and the element was applied as a correction. */
  public static final int LATE_APPLIED = 1;
  /** {@link #add} result bit: a window was final and the element was dropped for it. */
  public static final int LATE_DROPPED = 2;

  private static final Comparator<Window<?>> BY_KEY = Comparator.comparing(w -> w.key);

  private final String kind;
  private final WindowAssigner assigner;
  private final long size;
  private final long advance;
  private final long allowedLateness;
  private final long correctionHorizon;
  private final boolean corrections;
  private final WindowAggregate<A> aggregate;
  private final BiConsumer<A, CommerceEvent> adder;
  private final HashMap<String, KeyWindows<A>> keys = new HashMap<>();
  private final TreeMap<Long, ArrayList<Window<A>>> finalizeTimers = new TreeMap<>();
  private final TreeMap<Long, ArrayList<Window<A>>> evictTimers = new TreeMap<>();
  private final ArrayList<Window<A>> changed = new ArrayList<>();
  private long watermark = Long.MIN_VALUE;
  private long nextTimer = Long.MAX_VALUE;
  private long windowCount;

  /**
   * @param kind the label results carry, e.g. {@code "1m"}
   * @param corrections whether late elements are applied to retained final windows; when off,
   *     windows are evicted as soon as they are final
   * @param correctionHorizon how long a final window is retained for corrections
   */
  public AlignedWindowOperator(String kind, WindowAssigner assigner, Duration allowedLateness,
      boolean corrections, Duration correctionHorizon, WindowAggregate<A> aggregate) {
    this.kind = kind;
    this.assigner = assigner;
    this.size = assigner.size();
    this.advance = assigner.advance();
    this.allowedLateness = allowedLateness.toMillis();
    this.corrections = corrections;
    this.correctionHorizon = corrections ? correctionHorizon.toMillis() : 0;
    this.aggregate = aggregate;
    this.adder = aggregate::add;
  }

  public String kind() {
    return kind;
  }

  /**
   * Adds an element to every window of {@code key} containing {@code timestamp}, judged against
   * the watermark of the last {@link #advanceWatermark} call.
   *
   * @return {@link #ON_TIME}, or a combination of {@link #LATE_APPLIED} and {@link #LATE_DROPPED}
   */
  public int add(String key, long timestamp, CommerceEvent event) {
    KeyWindows<A> windows = windowsOf(key);
    if (timestamp > windows.maxTimestamp) {
      windows.maxTimestamp = timestamp;
    }
    return apply(windows, key, timestamp, event, adder);
  }

  /**
   * Applies a contribution other than an element (e.g. a closed session) to every window of
   * {@code key} containing {@code timestamp}, with the same lateness rules as {@link #add}; it
   * does not count as the key's latest element for {@link #current}.
   */
  public <T> int update(String key, long timestamp, T input, BiConsumer<? super A, ? super T> contribution) {
    return apply(windowsOf(key), key, timestamp, input, contribution);
  }

  private KeyWindows<A> windowsOf(String key) {
    KeyWindows<A> windows = keys.get(key);
    if (windows == null) {
      windows = new KeyWindows<>();
      keys.put(key, windows);
    }
    return windows;
  }

  private <T> int apply(KeyWindows<A> windows, String key, long timestamp, T input,
      BiConsumer<? super A, ? super T> contribution) {
    int late = ON_TIME;
    long before = timestamp - size;
    for (long start = assigner.lastWindowStart(timestamp); start > before; start -= advance) {
      Window<A> window = windows.recent;
      if (window == null || window.start != start) {
        window = locate(windows, key, start);
        if (window == null) {
          late |= LATE_DROPPED;
          continue;
        }
        windows.recent = window;
      }
      contribution.accept(window.accumulator, input);
      if (window.status != WindowStatus.PROVISIONAL) {
        // only retained final windows are found here: without corrections they are evicted at once
        window.status = WindowStatus.CORRECTED;
        late |= LATE_APPLIED;
      }
      if (!window.changed) {
        window.changed = true;
        changed.add(window);
      }
    }
    if (windows.list.isEmpty()) {
      // every window was dropped as late: keep no state for the key
      keys.remove(key);
    }
    return late;
  }

  private Window<A> locate(KeyWindows<A> windows, String key, long start) {
    ArrayList<Window<A>> list = windows.list;
    int i = list.size() - 1;
    while (i >= 0 && list.get(i).start > start) {
      i--;
    }
    if (i >= 0 && list.get(i).start == start) {
      return list.get(i);
    }
    long cleanupTime = start + size - 1 + allowedLateness;
    Window<A> window;
    if (cleanupTime <= watermark) {
      if (cleanupTime + correctionHorizon <= watermark) {
        return null;
      }
      // final but within the horizon: the window had no element yet, the correction creates it
      window = new Window<>(key, start, start + size, WindowStatus.FINAL, aggregate.createAccumulator());
      schedule(evictTimers, cleanupTime + correctionHorizon, window);
    } else {
      window = new Window<>(key, start, start + size, WindowStatus.PROVISIONAL, aggregate.createAccumulator());
      schedule(finalizeTimers, cleanupTime, window);
    }
    list.add(i + 1, window);
    windowCount++;
    return window;
  }

  private void schedule(TreeMap<Long, ArrayList<Window<A>>> timers, long time, Window<A> window) {
    timers.computeIfAbsent(time, t -> new ArrayList<>()).add(window);
    if (time < nextTimer) {
      nextTimer = time;
    }
  }

  /**
   * Moves the watermark forward: windows whose cleanup time is reached become final (reported to
   * {@code onFinal} in cleanup-time then key order, and marked changed), and retained windows past
   * the correction horizon are evicted. A watermark that does not move forward is ignored.
   */
  public void advanceWatermark(long newWatermark, Consumer<Window<A>> onFinal) {
    if (newWatermark <= watermark) {
      return;
    }
    watermark = newWatermark;
    if (newWatermark < nextTimer) {
      return;
    }
    while (!finalizeTimers.isEmpty() && finalizeTimers.firstKey() <= newWatermark) {
      Map.Entry<Long, ArrayList<Window<A>>> due = finalizeTimers.pollFirstEntry();
      ArrayList<Window<A>> windows = due.getValue();
      windows.sort(BY_KEY);
      for (Window<A> window : windows) {
        window.status = WindowStatus.FINAL;
        if (!window.changed) {
          window.changed = true;
          changed.add(window);
        }
        onFinal.accept(window);
        schedule(evictTimers, due.getKey() + correctionHorizon, window);
      }
    }
    while (!evictTimers.isEmpty() && evictTimers.firstKey() <= newWatermark) {
      for (Window<A> window : evictTimers.pollFirstEntry().getValue()) {
        evict(window);
      }
    }
    long finalizeAt = finalizeTimers.isEmpty() ? Long.MAX_VALUE : finalizeTimers.firstKey();
    long evictAt = evictTimers.isEmpty() ? Long.MAX_VALUE : evictTimers.firstKey();
    nextTimer = Math.min(finalizeAt, evictAt);
  }

  private void evict(Window<A> window) {
    KeyWindows<A> windows = keys.get(window.key);
    windows.list.remove(window);
    if (windows.recent == window) {
      windows.recent = null;
    }
    if (windows.list.isEmpty()) {
      keys.remove(window.key);
    }
    windowCount--;
  }

  public boolean hasChanges() {
    return !changed.isEmpty();
  }

  /** Hands every window whose result changed since the last drain to {@code sink}, once each. */
  public void drainChanged(Consumer<Window<A>> sink) {
    for (Window<A> window : changed) {
      window.changed = false;
      sink.accept(window);
    }
    changed.clear();
  }

  /** Windows held in memory, open and retained: the operator's state size. */
  public long windowCount() {
    return windowCount;
  }

  /**
   * The most complete window containing the latest element time of {@code key} (for hopping
   * windows the one that started first), or {@code null} when none is held.
   */
  public Window<A> current(String key) {
    KeyWindows<A> windows = keys.get(key);
    if (windows == null) {
      return null;
    }
    for (Window<A> window : windows.list) {
      if (window.start <= windows.maxTimestamp && windows.maxTimestamp < window.end) {
        return window;
      }
    }
    return null;
  }

  /**
   * Describes, for the late side output, the windows of {@code key} containing {@code timestamp}
   * that were already final when the element came, right after {@link #add} returned late.
   */
  public void lateWindows(String key, long timestamp, List<LateEvent.LateWindow> out) {
    KeyWindows<A> windows = keys.get(key);
    long before = timestamp - size;
    for (long start = assigner.lastWindowStart(timestamp); start > before; start -= advance) {
      if (start + size - 1 + allowedLateness <= watermark) {
        boolean applied = windows != null && find(windows, start) != null;
        out.add(new LateEvent.LateWindow(kind, Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + size),
            applied));
      }
    }
  }

  private static <A> Window<A> find(KeyWindows<A> windows, long start) {
    for (Window<A> window : windows.list) {
      if (window.start == start) {
        return window;
      }
    }
    return null;
  }

  /** Writes the operator's state; changes must have been drained first. */
  public void write(SnapshotOutput out) throws IOException {
    if (hasChanges()) {
      throw new IllegalStateException("drain the changes of " + kind + " windows before a snapshot");
    }
    out.writeLong(watermark);
    List<String> sorted = new ArrayList<>(keys.keySet());
    Collections.sort(sorted);
    out.writeVarLong(sorted.size());
    for (String key : sorted) {
      KeyWindows<A> windows = keys.get(key);
      out.writeString(key);
      out.writeLong(windows.maxTimestamp);
      out.writeVarLong(windows.list.size());
      for (Window<A> window : windows.list) {
        out.writeSignedVarLong(window.start);
        out.writeVarLong(window.status.ordinal());
        aggregate.write(window.accumulator, out);
      }
    }
  }

  /** Reads what {@link #write} wrote into this operator, which must be new. */
  public void read(SnapshotInput in) throws IOException {
    if (!keys.isEmpty() || watermark != Long.MIN_VALUE) {
      throw new IllegalStateException("restore into a new operator");
    }
    watermark = in.readLong();
    int keyCount = in.readCount();
    WindowStatus[] statuses = WindowStatus.values();
    for (int k = 0; k < keyCount; k++) {
      String key = in.readString();
      KeyWindows<A> windows = new KeyWindows<>();
      windows.maxTimestamp = in.readLong();
      int count = in.readCount();
      for (int n = 0; n < count; n++) {
        long start = in.readSignedVarLong();
        WindowStatus status = statuses[in.readCount()];
        Window<A> window = new Window<>(key, start, start + size, status, aggregate.read(in));
        windows.list.add(window);
        long cleanupTime = start + size - 1 + allowedLateness;
        if (status == WindowStatus.PROVISIONAL) {
          schedule(finalizeTimers, cleanupTime, window);
        } else {
          schedule(evictTimers, cleanupTime + correctionHorizon, window);
        }
        windowCount++;
      }
      keys.put(key, windows);
    }
  }

  /**
   * One window of one key: what {@link #drainChanged} and the finalization callback hand out.
   *
   * @param <A> the accumulator type
   */
  public static final class Window<A> {
    private final String key;
    private final long start;
    private final long end;
    private final A accumulator;
    private WindowStatus status;
    private boolean changed;

    Window(String key, long start, long end, WindowStatus status, A accumulator) {
      this.key = key;
      this.start = start;
      this.end = end;
      this.status = status;
      this.accumulator = accumulator;
    }

    public String key() {
      return key;
    }

    public long start() {
      return start;
    }

    public long end() {
      return end;
    }

    public TimeWindow window() {
      return new TimeWindow(start, end);
    }

    public WindowStatus status() {
      return status;
    }

    /** The live accumulator: read it, do not keep it. */
    public A accumulator() {
      return accumulator;
    }
  }

  /** The windows of one key, sorted by start, and the window it touched last. */
  private static final class KeyWindows<A> {
    final ArrayList<Window<A>> list = new ArrayList<>(4);
    Window<A> recent;
    long maxTimestamp = Long.MIN_VALUE;
  }
}
