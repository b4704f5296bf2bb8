package io.storepulse.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {

  private static final long MINUTE = 60_000;
  private static final int WARM_UP = 10;

  private final AnomalyDetector detector = new AnomalyDetector(3.0, WARM_UP, 0.1);
  private final List<Alert> alerts = new ArrayList<>();
  private int minute;

  private void observe(long orders, long productViews, long paymentFailures) {
    SortedMap<String, BigDecimal> revenue = new TreeMap<>();
    if (orders > 0) {
      revenue.put("EUR", BigDecimal.valueOf(orders * 25));
    }
    MinuteValues values = new MinuteValues(orders, revenue, productViews, productViews, paymentFailures, 0);
    alerts.addAll(detector.observe("s1", new TimeWindow(minute * MINUTE, (minute + 1) * MINUTE), values));
    minute++;
  }

  private void steadyTraffic(int minutes) {
    long[] orders = {9, 10, 11, 10};
    for (int i = 0; i < minutes; i++) {
      observe(orders[i % orders.length], 100 + i % 7, i % 3 == 0 ? 1 : 0);
    }
  }

  @Test
  void ordersDroppingToZeroAfterWarmUpRaiseExactlyOneCheckoutAlert() {
    steadyTraffic(40);
    assertEquals(List.of(), alerts);

    for (int i = 0; i < 30; i++) {
      observe(0, 100, 0);
    }

    assertEquals(1, alerts.size(), alerts.toString());
    Alert alert = alerts.get(0);
    assertEquals(AlertKind.CHECKOUT_BROKEN, alert.kind());
    assertEquals(SeriesMetric.ORDERS, alert.metric());
    assertEquals(0.0, alert.observed());
    assertEquals(10.0, alert.expected(), 0.5);
    assertTrue(alert.score() < -3, "score " + alert.score());
    assertEquals(40 * MINUTE, alert.windowStart().toEpochMilli());
    assertTrue(alert.message().contains("checkout may be broken"), alert.message());
  }

  @Test
  void zeroDuringWarmUpDoesNotAlert() {
    steadyTraffic(WARM_UP - 1);

    observe(0, 100, 0);

    assertEquals(List.of(), alerts);
  }

  @Test
  void ordersFallingWithTrafficAreADropNotABrokenCheckout() {
    steadyTraffic(40);

    observe(0, 0, 0);

    assertEquals(1, alerts.size());
    assertEquals(AlertKind.DROP, alerts.get(0).kind());
  }

  @Test
  void paymentFailureSpikeAlertsAndRearmsOnceBackToNormal() {
    steadyTraffic(40);

    observe(10, 100, 25);
    observe(10, 100, 25);
    steadyTraffic(3);
    observe(10, 100, 40);

    List<Alert> spikes = alerts.stream().filter(a -> a.metric().equals(SeriesMetric.PAYMENT_FAILURES)).toList();
    assertEquals(2, spikes.size(), alerts.toString());
    assertEquals(AlertKind.SPIKE, spikes.get(0).kind());
  }
}
