package io.storepulse.analytics;

import java.time.Instant;

/**
 * One point of a store's series once its short window is final, with the moving averages up to
 * and including it. Windows without any event of the store are points of value 0.
 *
 * @param metric a {@link SeriesMetric} name
 * @param simple the simple moving average over the last N windows
 * @param exponential the exponential moving average
 */
public record MovingAveragePoint(
    String storeId,
    String metric,
    Instant windowStart,
    Instant windowEnd,
    double value,
    double simple,
    double exponential) {
}
