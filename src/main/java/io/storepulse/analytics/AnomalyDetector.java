package io.storepulse.analytics;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Exponentially weighted mean and variance per store and metric, scored when a short window
 * becomes final, so that alerts depend on event time only and a replay raises the same alerts.
 *
 * <p>Per metric, with smoothing factor α: {@code diff = x − mean; mean += α·diff;
 * var = (1 − α)·(var + α·diff²)}, seeded with the first value. A window is scored before it is
 * folded in: {@code z = (x − mean) / σ}, where {@code σ = max(√var, 0.1·|mean|, 1)}; the floor
 * keeps a perfectly steady series (σ = 0) from alerting on a single unit of noise. After
 * {@code warmUp} windows, a metric alerts when z passes k in its direction: orders and revenue
 * alert on drops, payment failures and refunds on spikes. An alert is raised once: the metric
 * stays silent while it remains anomalous and re-arms when a window is back within k σ. Anomalous
 * values are still folded in, so a lasting change becomes the new normal.
 *
 * <p>Orders at zero while product views carry on at half their usual level or more is reported as
 * {@link AlertKind#CHECKOUT_BROKEN}. A revenue drop in the same window as an orders alert is not
 * reported again: it is the same incident.
 */
public final class AnomalyDetector {

  static final double RELATIVE_FLOOR = 0.1;
  static final double ABSOLUTE_FLOOR = 1.0;
  private static final double VIEWS_CONTINUE = 0.5;

  private final double k;
  private final int warmUp;
  private final double alpha;
  private final HashMap<String, TreeMap<String, Ewma>> stores = new HashMap<>();

  /**
   * @param k how many standard deviations make an anomaly
   * @param warmUp windows observed before a metric may alert
   * @param alpha the smoothing factor of the weighted mean and variance, in (0, 1]
   */
  public AnomalyDetector(double k, int warmUp, double alpha) {
    if (!(k > 0) || warmUp < 1 || !(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("need k > 0, warmUp >= 1 and alpha in (0, 1]");
    }
    this.k = k;
    this.warmUp = warmUp;
    this.alpha = alpha;
  }

  /** Scores one final window of a store and folds it in; returns the alerts it raises. */
  public List<Alert> observe(String storeId, TimeWindow window, MinuteValues values) {
    TreeMap<String, Ewma> metrics = stores.computeIfAbsent(storeId, id -> new TreeMap<>());
    List<Alert> alerts = new ArrayList<>(0);
    Ewma views = metrics.computeIfAbsent(SeriesMetric.PRODUCT_VIEWS, m -> new Ewma());
    boolean viewsContinue = values.productViews() > 0 && values.productViews() >= VIEWS_CONTINUE * views.mean;

    Ewma orders = metrics.computeIfAbsent(SeriesMetric.ORDERS, m -> new Ewma());
    double ordersExpected = orders.mean;
    double ordersScore = score(orders, values.orders());
    boolean ordersAlert = evaluate(orders, values.orders(), ordersScore, false);
    if (ordersAlert) {
      if (values.orders() == 0 && viewsContinue) {
        alerts.add(alert(AlertKind.CHECKOUT_BROKEN, storeId, SeriesMetric.ORDERS, 0, ordersExpected, ordersScore,
            window, String.format(Locale.ROOT,
                "no orders (expected %.1f) while product views continue (%d): checkout may be broken",
                ordersExpected, values.productViews())));
      } else {
        alerts.add(alert(AlertKind.DROP, storeId, SeriesMetric.ORDERS, values.orders(), ordersExpected, ordersScore,
            window, String.format(Locale.ROOT, "orders dropped to %d (expected %.1f, %.1f σ)",
                values.orders(), ordersExpected, ordersScore)));
      }
    }

    TreeSet<String> currencies = new TreeSet<>(values.revenue().keySet());
    for (String metric : metrics.keySet()) {
      if (SeriesMetric.isRevenue(metric)) {
        currencies.add(SeriesMetric.currencyOf(metric));
      }
    }
    for (String currency : currencies) {
      String metric = SeriesMetric.revenue(currency);
      Ewma revenue = metrics.computeIfAbsent(metric, m -> new Ewma());
      double observed = values.revenue().getOrDefault(currency, BigDecimal.ZERO).doubleValue();
      double expected = revenue.mean;
      double score = score(revenue, observed);
      if (evaluate(revenue, observed, score, false) && !ordersAlert) {
        alerts.add(alert(AlertKind.DROP, storeId, metric, observed, expected, score, window,
            String.format(Locale.ROOT, "revenue in %s dropped to %.2f (expected %.2f, %.1f σ)",
                currency, observed, expected, score)));
      }
    }

    spike(metrics, storeId, window, SeriesMetric.PAYMENT_FAILURES, values.paymentFailures(),
        "payment failures rose to %d (expected %.1f, %.1f σ): the payment provider may be failing", alerts);
    spike(metrics, storeId, window, SeriesMetric.REFUNDS, values.refunds(),
        "refunds rose to %d (expected %.1f, %.1f σ)", alerts);

    views.update(values.productViews(), alpha);
    return alerts;
  }

  private void spike(TreeMap<String, Ewma> metrics, String storeId, TimeWindow window, String metric, long observed,
      String message, List<Alert> alerts) {
    Ewma state = metrics.computeIfAbsent(metric, m -> new Ewma());
    double expected = state.mean;
    double score = score(state, observed);
    if (evaluate(state, observed, score, true)) {
      alerts.add(alert(AlertKind.SPIKE, storeId, metric, observed, expected, score, window,
          String.format(Locale.ROOT, message, observed, expected, score)));
    }
  }

  private static double score(Ewma state, double observed) {
    double deviation = Math.max(Math.sqrt(state.variance),
        Math.max(RELATIVE_FLOOR * Math.abs(state.mean), ABSOLUTE_FLOOR));
    return (observed - state.mean) / deviation;
  }

  /** Decides whether to raise an alert, updates the alert state, then folds the value in. */
  private boolean evaluate(Ewma state, double observed, double score, boolean upward) {
    boolean anomalous = state.count >= warmUp && (upward ? score > k : score < -k);
    boolean raise = anomalous && !state.alerting;
    state.alerting = anomalous;
    state.update(observed, alpha);
    return raise;
  }

  private static Alert alert(AlertKind kind, String storeId, String metric, double observed, double expected,
      double score, TimeWindow window, String message) {
    return new Alert(kind, storeId, metric, observed, expected, score, window.startInstant(), window.endInstant(),
        message);
  }

  /** Drops a store's history; it warms up again from its next window. */
  void forget(String storeId) {
    stores.remove(storeId);
  }

  void write(SnapshotOutput out) throws IOException {
    List<String> storeIds = new ArrayList<>(stores.keySet());
    Collections.sort(storeIds);
    out.writeVarLong(storeIds.size());
    for (String storeId : storeIds) {
      TreeMap<String, Ewma> metrics = stores.get(storeId);
      out.writeString(storeId);
      out.writeVarLong(metrics.size());
      for (var entry : metrics.entrySet()) {
        Ewma state = entry.getValue();
        out.writeString(entry.getKey());
        out.writeDouble(state.mean);
        out.writeDouble(state.variance);
        out.writeVarLong(state.count);
        out.writeBoolean(state.alerting);
      }
    }
  }

  void read(SnapshotInput in) throws IOException {
    int storeCount = in.readCount();
    for (int s = 0; s < storeCount; s++) {
      String storeId = in.readString();
      TreeMap<String, Ewma> metrics = new TreeMap<>();
      int count = in.readCount();
      for (int m = 0; m < count; m++) {
        String metric = in.readString();
        Ewma state = new Ewma();
        state.mean = in.readDouble();
        state.variance = in.readDouble();
        state.count = in.readVarLong();
        state.alerting = in.readBoolean();
        metrics.put(metric, state);
      }
      stores.put(storeId, metrics);
    }
  }

  /** The weighted mean and variance of one metric, and whether it is in an alert. */
  private static final class Ewma {
    double mean;
    double variance;
    long count;
    boolean alerting;

    void update(double value, double alpha) {
      if (count++ == 0) {
        mean = value;
        variance = 0;
        return;
      }
      double diff = value - mean;
      double increment = alpha * diff;
      mean += increment;
      variance = (1 - alpha) * (variance + diff * increment);
    }
  }
}
