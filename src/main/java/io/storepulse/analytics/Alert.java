package io.storepulse.analytics;

import java.time.Instant;

/**
 * An anomaly in one store's series, raised when a window became final.
 *
 * @param metric the series, a {@link SeriesMetric} name
 * @param observed the window's value
 * @param expected the exponentially weighted mean before this window
 * @param score {@code (observed − expected) / σ}, σ being the weighted standard deviation with
 *     its floor
 */
public record Alert(
    AlertKind kind,
    String storeId,
    String metric,
    double observed,
    double expected,
    double score,
    Instant windowStart,
    Instant windowEnd,
    String message) {
}
