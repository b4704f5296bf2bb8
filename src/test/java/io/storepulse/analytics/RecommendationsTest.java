package io.storepulse.analytics;

import static io.storepulse.analytics.TestEvents.T0;
import static io.storepulse.analytics.TestEvents.item;
import static io.storepulse.analytics.TestEvents.order;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.storepulse.analytics.Recommendations.Relation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecommendationsTest {

  private static final Duration HALF_LIFE = Duration.ofDays(1);

  private final Recommendations recommendations = new Recommendations(HALF_LIFE, 3);

  @Test
  void productsBoughtTogetherRankByHowOftenTheyWere() {
    recommendations.addOrder(order("s1", T0, "v1", "EUR", null, item("tea", 1, "4"), item("mug", 1, "8")));
    recommendations.addOrder(order("s1", T0, "v2", "EUR", null, item("tea", 1, "4"), item("mug", 1, "8"),
        item("pot", 1, "20")));
    recommendations.addOrder(order("s2", T0, "v3", "EUR", null, item("tea", 1, "4"), item("cup", 1, "3")));

    List<Recommendation> forTea = recommendations.top("s1", "tea", Relation.BOUGHT_TOGETHER, 5, T0.toEpochMilli());

    assertEquals(List.of(new Recommendation("mug", 2.0), new Recommendation("pot", 1.0)), forTea);
  }

  @Test
  void aPairingCountsHalfAfterAHalfLife() {
    recommendations.addOrder(order("s1", T0, "v1", "EUR", null, item("tea", 1, "4"), item("mug", 1, "8")));
    recommendations.addOrder(order("s1", T0.plus(HALF_LIFE), "v1", "EUR", null, item("tea", 1, "4"),
        item("pot", 1, "8")));

    List<Recommendation> forTea = recommendations.top("s1", "tea", Relation.BOUGHT_TOGETHER, 5,
        T0.plus(HALF_LIFE).toEpochMilli());

    assertEquals(List.of(new Recommendation("pot", 1.0), new Recommendation("mug", 0.5)), forTea);
  }

  @Test
  void productsViewedInOneSessionArePairedApartFromPurchases() {
    recommendations.addSession("s1", List.of("tea", "mug", "pot"), T0.toEpochMilli());

    assertEquals(List.of(new Recommendation("mug", 1.0), new Recommendation("pot", 1.0)),
        recommendations.top("s1", "tea", Relation.VIEWED_TOGETHER, 5, T0.toEpochMilli()));
    assertEquals(List.of(), recommendations.top("s1", "tea", Relation.BOUGHT_TOGETHER, 5, T0.toEpochMilli()));
  }

  @Test
  void eachProductKeepsABoundedNumberOfNeighbours() {
    for (int i = 0; i < 50; i++) {
      recommendations.addSession("s1", List.of("tea", "other-" + i), T0.toEpochMilli() + i);
    }

    assertEquals(12, recommendations.top("s1", "tea", Relation.VIEWED_TOGETHER, 100, T0.toEpochMilli()).size());
  }
}
