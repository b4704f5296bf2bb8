package io.storepulse.analytics;

import static io.storepulse.analytics.TestEvents.T0;
import static io.storepulse.analytics.TestEvents.item;
import static io.storepulse.analytics.TestEvents.order;
import static io.storepulse.analytics.TestEvents.productView;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.storepulse.analytics.StoreMetricsAggregate.Accumulator;
import io.storepulse.analytics.StoreMetricsAggregate.SkuStats;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class StoreMetricsAggregateTest {

  private static final int K = 5;

  private final StoreMetricsAggregate aggregate = new StoreMetricsAggregate(K);

  /** The definition: sort every product by count, then SKU. */
  private static List<SkuCount> bruteForce(Accumulator acc, ToLongFunction<SkuStats> count) {
    return acc.skus.values().stream()
        .filter(stats -> count.applyAsLong(stats) > 0)
        .map(stats -> new SkuCount(stats.sku, count.applyAsLong(stats)))
        .sorted(Comparator.comparingLong(SkuCount::count).reversed().thenComparing(SkuCount::sku))
        .limit(K)
        .toList();
  }

  @Test
  void topListsKeptAsCountsGrowEqualAFullSortIncludingTies() throws Exception {
    Accumulator acc = aggregate.createAccumulator();
    Random random = new Random(7);
    for (int i = 0; i < 3_000; i++) {
      String sku = "sku-" + random.nextInt(40);
      if (random.nextInt(4) == 0) {
        aggregate.add(acc, order("s1", T0, "v1", "EUR", null, item(sku, 1 + random.nextInt(3), "1.00")));
      } else {
        aggregate.add(acc, productView("s1", T0, "v1", sku));
      }
      if (i % 100 == 0) {
        assertEquals(bruteForce(acc, stats -> stats.views), acc.topByViews.ranking(K));
        assertEquals(bruteForce(acc, stats -> stats.units), acc.topByUnits.ranking(K));
      }
    }

    SnapshotOutput out = new SnapshotOutput();
    aggregate.write(acc, out);
    Accumulator restored = aggregate.read(new SnapshotInput(out.toByteArray()));
    assertEquals(acc.topByViews.ranking(K), restored.topByViews.ranking(K));
    assertEquals(acc.topByUnits.ranking(K), restored.topByUnits.ranking(K));
  }

  @Test
  void productsWithEqualCountsRankBySku() {
    Accumulator acc = aggregate.createAccumulator();
    for (String sku : List.of("f", "e", "d", "c", "b", "a", "g")) {
      aggregate.add(acc, productView("s1", T0, "v1", sku));
    }
    aggregate.add(acc, productView("s1", T0, "v1", "g"));

    assertEquals(List.of(new SkuCount("g", 2), new SkuCount("a", 1), new SkuCount("b", 1), new SkuCount("c", 1),
        new SkuCount("d", 1)), acc.topByViews.ranking(K));
    assertEquals(List.of(new SkuCount("g", 2), new SkuCount("a", 1)), acc.topByViews.ranking(2));
  }
}
