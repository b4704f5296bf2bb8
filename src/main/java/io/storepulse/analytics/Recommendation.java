package io.storepulse.analytics;

/**
 * A product recommended next to another one.
 *
 * @param score the decayed co-occurrence count: each order or session that paired the two
 *     products counts 1 at its own time and halves every half-life
 */
public record Recommendation(String sku, double score) {
}
