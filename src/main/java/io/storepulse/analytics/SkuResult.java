package io.storepulse.analytics;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.SortedMap;

/**
 * One product's row in one store window, upserted on the key (store, kind, start, sku).
 *
 * @param carts {@code product_added} events for the product
 * @param units units of the product in completed orders
 * @param revenue line revenue (unit price × quantity) per currency
 */
public record SkuResult(
    String storeId,
    String windowKind,
    Instant windowStart,
    Instant windowEnd,
    WindowStatus status,
    String sku,
    long views,
    long carts,
    long units,
    SortedMap<String, BigDecimal> revenue) {
}
