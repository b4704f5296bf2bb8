package io.storepulse.analytics;

/** A product and a count, as ranked in top-K lists. */
public record SkuCount(String sku, long count) {
}
