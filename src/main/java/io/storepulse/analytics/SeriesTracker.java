package io.storepulse.analytics;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the final short windows of each store into a gap-free series (a window in which a store
 * had no event is a zero), feeding {@link MovingAverages} and the {@link AnomalyDetector}.
 *
 * <p>Every store with a series advances whenever the watermark finalizes a short window, not only
 * when the store had events, so a store that falls silent gets its zeros (and its "orders dropped"
 * alert) on time. After {@value #IDLE_LIMIT} empty windows in a row the store's series goes
 * dormant: its averages and anomaly history are dropped, which bounds the work and memory spent on
 * stores that left, and it warms up again with its next event. Stores are processed in id order,
 * so output order does not depend on hash-map layout.
 */
final class SeriesTracker {

  static final int IDLE_LIMIT = 60;

  private final long size;
  private final long allowedLateness;
  private final int simpleWindows;
  private final double emaAlpha;
  private final AnomalyDetector detector;
  private final TreeMap<String, StoreSeries> stores = new TreeMap<>();
  private final TreeMap<String, TreeMap<Long, MinuteValues>> finalized = new TreeMap<>();
  private long finalEnd = Long.MIN_VALUE;

  SeriesTracker(long size, long allowedLateness, int simpleWindows, double emaAlpha, AnomalyDetector detector) {
    this.size = size;
    this.allowedLateness = allowedLateness;
    this.simpleWindows = simpleWindows;
    this.emaAlpha = emaAlpha;
    this.detector = detector;
  }

  /** Records a store's window that just became final; it is folded in by {@link #advance}. */
  void onFinal(String storeId, long start, MinuteValues values) {
    finalized.computeIfAbsent(storeId, id -> new TreeMap<>()).put(start, values);
  }

  /** Emits the points (and alerts) of every short window the watermark made final. */
  void advance(long watermark, List<MovingAveragePoint> points, List<Alert> alerts) {
    if (watermark == Long.MIN_VALUE) {
      return;
    }
    // a window is final when end - 1 + allowedLateness <= watermark
    long end = Math.floorDiv(watermark - allowedLateness + 1, size) * size;
    if (end <= finalEnd) {
      return;
    }
    finalEnd = end;
    for (Map.Entry<String, TreeMap<Long, MinuteValues>> entry : finalized.entrySet()) {
      stores.computeIfAbsent(entry.getKey(), id -> new StoreSeries(entry.getValue().firstKey()));
    }
    for (Iterator<Map.Entry<String, StoreSeries>> it = stores.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, StoreSeries> entry = it.next();
      StoreSeries series = advance(entry.getKey(), entry.getValue(), points, alerts);
      if (series == null) {
        it.remove();
      } else {
        entry.setValue(series);
      }
    }
    finalized.clear();
  }

  /** Advances one store; returns its series, a fresh one after dormancy, or null when dormant. */
  private StoreSeries advance(String storeId, StoreSeries series, List<MovingAveragePoint> points,
      List<Alert> alerts) {
    TreeMap<Long, MinuteValues> windows = finalized.get(storeId);
    while (series.nextStart + size <= finalEnd) {
      MinuteValues values = windows == null ? null : windows.remove(series.nextStart);
      if (values != null) {
        series.emptyRun = 0;
      } else if (++series.emptyRun > IDLE_LIMIT) {
        detector.forget(storeId);
        if (windows == null || windows.isEmpty()) {
          return null;
        }
        series = new StoreSeries(windows.firstKey());
        continue;
      } else {
        values = MinuteValues.EMPTY;
      }
      feed(storeId, series, new TimeWindow(series.nextStart, series.nextStart + size), values, points, alerts);
      series.nextStart += size;
    }
    return series;
  }

  private void feed(String storeId, StoreSeries series, TimeWindow window, MinuteValues values,
      List<MovingAveragePoint> points, List<Alert> alerts) {
    TreeMap<String, MovingAverages> averages = series.averages;
    for (String metric : List.of(SeriesMetric.ORDERS, SeriesMetric.PAGE_VIEWS, SeriesMetric.PRODUCT_VIEWS,
        SeriesMetric.PAYMENT_FAILURES, SeriesMetric.REFUNDS)) {
      averages.computeIfAbsent(metric, m -> new MovingAverages(simpleWindows, emaAlpha));
    }
    for (String currency : values.revenue().keySet()) {
      averages.computeIfAbsent(SeriesMetric.revenue(currency), m -> new MovingAverages(simpleWindows, emaAlpha));
    }
    for (Map.Entry<String, MovingAverages> entry : averages.entrySet()) {
      double value = valueOf(entry.getKey(), values);
      MovingAverages average = entry.getValue();
      average.add(value);
      points.add(new MovingAveragePoint(storeId, entry.getKey(), window.startInstant(), window.endInstant(), value,
          average.simple(), average.exponential()));
    }
    alerts.addAll(detector.observe(storeId, window, values));
  }

  private static double valueOf(String metric, MinuteValues values) {
    return switch (metric) {
      case SeriesMetric.ORDERS -> values.orders();
      case SeriesMetric.PAGE_VIEWS -> values.pageViews();
      case SeriesMetric.PRODUCT_VIEWS -> values.productViews();
      case SeriesMetric.PAYMENT_FAILURES -> values.paymentFailures();
      case SeriesMetric.REFUNDS -> values.refunds();
      default -> values.revenue().getOrDefault(SeriesMetric.currencyOf(metric), BigDecimal.ZERO).doubleValue();
    };
  }

  void write(SnapshotOutput out) throws IOException {
    out.writeLong(finalEnd);
    out.writeVarLong(stores.size());
    for (Map.Entry<String, StoreSeries> entry : stores.entrySet()) {
      StoreSeries series = entry.getValue();
      out.writeString(entry.getKey());
      out.writeSignedVarLong(series.nextStart);
      out.writeVarLong(series.emptyRun);
      out.writeVarLong(series.averages.size());
      for (Map.Entry<String, MovingAverages> average : series.averages.entrySet()) {
        out.writeString(average.getKey());
        average.getValue().write(out);
      }
    }
    detector.write(out);
  }

  void read(SnapshotInput in) throws IOException {
    finalEnd = in.readLong();
    int storeCount = in.readCount();
    for (int s = 0; s < storeCount; s++) {
      String storeId = in.readString();
      StoreSeries series = new StoreSeries(in.readSignedVarLong());
      series.emptyRun = in.readCount();
      int count = in.readCount();
      for (int m = 0; m < count; m++) {
        MovingAverages average = new MovingAverages(simpleWindows, emaAlpha);
        series.averages.put(in.readString(), average);
        average.read(in);
      }
      stores.put(storeId, series);
    }
    detector.read(in);
  }

  /** One store's series position and averages. */
  private static final class StoreSeries {
    final TreeMap<String, MovingAverages> averages = new TreeMap<>();
    long nextStart;
    int emptyRun;

    StoreSeries(long nextStart) {
      this.nextStart = nextStart;
    }
  }
}
