package io.storepulse.analytics;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.SortedMap;

/**
 * The values of one store's final short window that feed moving averages and anomaly detection.
 *
 * @param revenue revenue per currency
 */
public record MinuteValues(
    long orders,
    SortedMap<String, BigDecimal> revenue,
    long pageViews,
    long productViews,
    long paymentFailures,
    long refunds) {

  /** A window in which the store had no event at all. */
  public static final MinuteValues EMPTY = new MinuteValues(0, Collections.emptySortedMap(), 0, 0, 0, 0);
}
