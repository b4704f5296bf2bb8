package io.storepulse.analytics;

import java.time.Instant;

/**
 * One store's result for one window, upserted on the key (store, kind, start): the full metric
 * values, never a delta, so the latest row is always the whole truth.
 *
 * @param windowKind the window kind label, e.g. {@code "1m"}, {@code "1h"}, {@code "5m"}
 */
public record WindowResult(
    String storeId,
    String windowKind,
    Instant windowStart,
    Instant windowEnd,
    WindowStatus status,
    StoreMetrics metrics) {
}
