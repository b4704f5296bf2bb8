package io.storepulse.pipeline;

import io.storepulse.analytics.Recommendation;

import java.util.List;

/** Products that go with the asked-for one, best first. */
public record RecommendationAnswer(List<Recommendation> recommendations) {
}
