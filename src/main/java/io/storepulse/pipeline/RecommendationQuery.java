package io.storepulse.pipeline;

import io.storepulse.analytics.Recommendations;

/** A question to the partition that owns a store: what goes with this product? */
public record RecommendationQuery(String storeId, String sku, Recommendations.Relation relation, int limit) {
}
