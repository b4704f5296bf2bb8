package io.storepulse.analytics;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * The per-store window job of the engine: counts, money and per-SKU counters (see
 * {@link StoreMetrics}).
 *
 * <p>Top-K products come from the exact per-SKU counters rather than a frequent-items sketch. The
 * per-SKU rows must be exact anyway (they are a result of their own), so the ranking is exact for
 * free, while an {@code ItemsSketch} would add memory per window, give approximate ranks, and purge
 * by sampling its hash table, whose layout a deserialized copy does not reproduce, so a restored
 * partition could rank differently from the one that crashed. A sketch becomes the better deal
 * only if per-SKU rows are dropped for very large catalogs. The top K is maintained as counts
 * grow (see {@link TopK}) because ranking every changed window's products at every drain was the
 * engine's largest cost.
 *
 * <p>One instance serves every operator of the engine, which lets it hash a visitor id once per
 * event although the event lands in several windows.
 */
final class StoreMetricsAggregate implements WindowAggregate<StoreMetricsAggregate.Accumulator> {

  /** Orders whose storefront sent no currency are summed under ISO 4217's "no currency" code. */
  static final String NO_CURRENCY = "XXX";

  private static final int HLL_LG_K = 12;
  private static final int RATE_SCALE = 4;

  private final int topK;
  private CommerceEvent hashedEvent;
  private long visitorHash;

  /** @param topK how many products the top lists of a window hold */
  StoreMetricsAggregate(int topK) {
    this.topK = topK;
  }

  @Override
  public Accumulator createAccumulator() {
    return new Accumulator(new MoneySums(), new MoneySums(), topK);
  }

  @Override
  public void add(Accumulator acc, CommerceEvent event) {
    acc.events++;
    if (event.visitorId() != null) {
      if (acc.visitors == null) {
        acc.visitors = new HllSketch(HLL_LG_K, TgtHllType.HLL_4);
      }
      acc.visitors.update(visitorHash(event));
    }
    switch (event.type()) {
      case PAGE_VIEWED -> acc.pageViews++;
      case PRODUCT_VIEWED -> {
        acc.productViews++;
        if (event.sku() != null) {
          SkuStats stats = acc.sku(event.sku());
          stats.views++;
          acc.topByViews.increased(stats);
        }
      }
      case PRODUCT_ADDED -> {
        acc.carts++;
        if (event.sku() != null) {
          acc.sku(event.sku()).carts++;
        }
      }
      case PRODUCT_REMOVED -> acc.cartRemovals++;
      case CHECKOUT_STARTED -> acc.checkouts++;
      case ORDER_COMPLETED -> addOrder(acc, event);
      case ORDER_CANCELLED -> acc.cancellations++;
      case ORDER_REFUNDED -> {
        acc.refunds++;
        BigDecimal amount = event.amount();
        if (amount != null) {
          acc.refundAmounts.add(currency(event), amount);
        }
      }
      case PAYMENT_FAILED -> acc.paymentFailures++;
      default -> {
        // inventory and custom events count in `events` only; inventory has its own pipeline stage
      }
    }
  }

  private static void addOrder(Accumulator acc, CommerceEvent event) {
    acc.orders++;
    String currency = currency(event);
    BigDecimal amount = event.amount();
    if (amount != null) {
      acc.revenue.add(currency, amount);
    }
    if (!event.items().isEmpty()) {
      for (LineItem item : event.items()) {
        addUnits(acc, currency, item.sku(), item.quantity(), item.price());
      }
    } else if (event.quantity() > 0) {
      addUnits(acc, currency, event.sku(), event.quantity(), event.price());
    }
  }

  private static void addUnits(Accumulator acc, String currency, String sku, int quantity, BigDecimal price) {
    acc.units += quantity;
    if (sku != null && quantity > 0) {
      SkuStats stats = acc.sku(sku);
      stats.units += quantity;
      acc.topByUnits.increased(stats);
      if (price != null) {
        stats.revenue().add(currency, price, quantity);
      }
    }
  }

  private static String currency(CommerceEvent event) {
    return event.currency() == null ? NO_CURRENCY : event.currency();
  }

  /** Counts a session that became final in this window. */
  static void addSession(Accumulator acc, boolean withOrder) {
    acc.sessions++;
    if (withOrder) {
      acc.sessionsWithOrder++;
    }
  }

  private long visitorHash(CommerceEvent event) {
    if (event != hashedEvent) {
      hashedEvent = event;
      visitorHash = hash64(event.visitorId());
    }
    return visitorHash;
  }

  /**
   * FNV-1a over the UTF-16 code units: 64 bits so that millions of visitor ids do not collide,
   * computed without encoding the string to bytes; the sketch mixes the value again itself.
   */
  static long hash64(String value) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < value.length(); i++) {
      hash ^= value.charAt(i);
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  StoreMetrics result(Accumulator acc) {
    TreeMap<String, BigDecimal> averageOrderValue = new TreeMap<>();
    for (Map.Entry<String, BigDecimal> entry : acc.revenue.toMap().entrySet()) {
      long orders = acc.revenue.count(entry.getKey());
      BigDecimal sum = entry.getValue();
      averageOrderValue.put(entry.getKey(),
          sum.divide(BigDecimal.valueOf(orders), Math.max(sum.scale(), 2), RoundingMode.HALF_EVEN));
    }
    return new StoreMetrics(
        acc.events,
        acc.visitors == null ? 0 : Math.round(acc.visitors.getEstimate()),
        acc.pageViews,
        acc.productViews,
        acc.carts,
        acc.cartRemovals,
        acc.checkouts,
        acc.orders,
        acc.units,
        acc.cancellations,
        acc.refunds,
        acc.paymentFailures,
        acc.sessions,
        acc.sessionsWithOrder,
        acc.revenue.toMap(),
        Collections.unmodifiableSortedMap(averageOrderValue),
        acc.refundAmounts.toMap(),
        ratio(acc.carts, acc.productViews),
        ratio(acc.checkouts, acc.carts),
        ratio(acc.orders, acc.checkouts),
        ratio(acc.sessionsWithOrder, acc.sessions),
        acc.topByUnits.ranking(topK),
        acc.topByViews.ranking(topK));
  }

  private static BigDecimal ratio(long numerator, long denominator) {
    if (denominator == 0) {
      return null;
    }
    return BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), RATE_SCALE, RoundingMode.HALF_EVEN);
  }

  MinuteValues minuteValues(Accumulator acc) {
    return new MinuteValues(acc.orders, acc.revenue.toMap(), acc.pageViews, acc.productViews,
        acc.paymentFailures, acc.refunds);
  }

  /**
   * Hands the SKU rows to emit to {@code sink}: all of them when {@code all} (the window just
   * became final, so every row changes status), otherwise those changed since the last drain.
   */
  void drainSkus(Accumulator acc, boolean all, Consumer<SkuStats> sink) {
    if (all) {
      acc.skus.values().forEach(sink);
    } else {
      acc.changedSkus.forEach(sink);
    }
    for (SkuStats stats : acc.changedSkus) {
      stats.changed = false;
    }
    acc.changedSkus.clear();
  }

  @Override
  public void write(Accumulator acc, SnapshotOutput out) throws IOException {
    out.writeBoolean(acc.visitors != null);
    if (acc.visitors != null) {
      out.writeBytes(acc.visitors.toCompactByteArray());
    }
    long[] counters = {acc.events, acc.pageViews, acc.productViews, acc.carts, acc.cartRemovals,
        acc.checkouts, acc.orders, acc.units, acc.cancellations, acc.refunds, acc.paymentFailures,
        acc.sessions, acc.sessionsWithOrder};
    for (long counter : counters) {
      out.writeVarLong(counter);
    }
    acc.revenue.write(out);
    acc.refundAmounts.write(out);
    out.writeVarLong(acc.skus.size());
    for (SkuStats stats : acc.skus.values()) {
      out.writeString(stats.sku);
      out.writeVarLong(stats.views);
      out.writeVarLong(stats.carts);
      out.writeVarLong(stats.units);
      out.writeBoolean(stats.revenue != null);
      if (stats.revenue != null) {
        stats.revenue.write(out);
      }
    }
  }

  @Override
  public Accumulator read(SnapshotInput in) throws IOException {
    HllSketch visitors = in.readBoolean() ? HllSketch.heapify(in.readBytes()) : null;
    long[] counters = new long[13];
    for (int i = 0; i < counters.length; i++) {
      counters[i] = in.readVarLong();
    }
    Accumulator acc = new Accumulator(MoneySums.read(in), MoneySums.read(in), topK);
    acc.visitors = visitors;
    acc.events = counters[0];
    acc.pageViews = counters[1];
    acc.productViews = counters[2];
    acc.carts = counters[3];
    acc.cartRemovals = counters[4];
    acc.checkouts = counters[5];
    acc.orders = counters[6];
    acc.units = counters[7];
    acc.cancellations = counters[8];
    acc.refunds = counters[9];
    acc.paymentFailures = counters[10];
    acc.sessions = counters[11];
    acc.sessionsWithOrder = counters[12];
    int skuCount = in.readCount();
    for (int n = 0; n < skuCount; n++) {
      SkuStats stats = new SkuStats(in.readString());
      stats.views = in.readVarLong();
      stats.carts = in.readVarLong();
      stats.units = in.readVarLong();
      if (in.readBoolean()) {
        stats.revenue = MoneySums.read(in);
      }
      acc.skus.put(stats.sku, stats);
      // offering every product once rebuilds exactly the top lists the counts imply
      acc.topByViews.increased(stats);
      acc.topByUnits.increased(stats);
    }
    return acc;
  }

  /** The mutable state of one store window. */
  static final class Accumulator {
    final MoneySums revenue;
    final MoneySums refundAmounts;
    final LinkedHashMap<String, SkuStats> skus = new LinkedHashMap<>();
    final List<SkuStats> changedSkus = new ArrayList<>();
    HllSketch visitors;
    long events;
    long pageViews;
    long productViews;
    long carts;
    long cartRemovals;
    long checkouts;
    long orders;
    long units;
    long cancellations;
    long refunds;
    long paymentFailures;
    long sessions;
    long sessionsWithOrder;

    final TopK topByUnits;
    final TopK topByViews;

    Accumulator(MoneySums revenue, MoneySums refundAmounts, int topK) {
      this.revenue = revenue;
      this.refundAmounts = refundAmounts;
      this.topByUnits = new TopK(topK, true);
      this.topByViews = new TopK(topK, false);
    }

    /** The counters of {@code sku}, marked changed. */
    SkuStats sku(String sku) {
      SkuStats stats = skus.get(sku);
      if (stats == null) {
        stats = new SkuStats(sku);
        skus.put(sku, stats);
      }
      if (!stats.changed) {
        stats.changed = true;
        changedSkus.add(stats);
      }
      return stats;
    }
  }

  /** One product's counters in one window. */
  static final class SkuStats {
    final String sku;
    long views;
    long carts;
    long units;
    MoneySums revenue;
    boolean changed;

    SkuStats(String sku) {
      this.sku = sku;
    }

    MoneySums revenue() {
      if (revenue == null) {
        revenue = new MoneySums();
      }
      return revenue;
    }

    SortedMap<String, BigDecimal> revenueMap() {
      return revenue == null ? Collections.emptySortedMap() : revenue.toMap();
    }
  }

  /**
   * The exact top K products of a window by units or by views, ties by SKU, kept up to date as
   * counts grow. Counts in a window only ever increase, so a product outside the top K can only
   * enter when its own count grows, and then only by beating the K-th: checking that on each
   * increment (and moving the product up inside the list) keeps the list exact in O(K), with no
   * scan of the window's products.
   */
  static final class TopK {
    private final SkuStats[] items;
    private final boolean byUnits;
    private int size;

    TopK(int k, boolean byUnits) {
      this.items = new SkuStats[k];
      this.byUnits = byUnits;
    }

    private long count(SkuStats stats) {
      return byUnits ? stats.units : stats.views;
    }

    /** Takes note that the count of {@code stats} grew. */
    void increased(SkuStats stats) {
      long value = count(stats);
      if (value <= 0) {
        return;
      }
      int i = 0;
      while (i < size && items[i] != stats) {
        i++;
      }
      if (i == size) {
        if (size < items.length) {
          size++;
        } else if (ranksBefore(value, stats.sku, items[size - 1])) {
          i = size - 1;
        } else {
          return;
        }
        items[i] = stats;
      }
      while (i > 0 && ranksBefore(value, stats.sku, items[i - 1])) {
        items[i] = items[i - 1];
        items[i - 1] = stats;
        i--;
      }
    }

    private boolean ranksBefore(long value, String sku, SkuStats other) {
      long otherValue = count(other);
      return value > otherValue || (value == otherValue && sku.compareTo(other.sku) < 0);
    }

    /** The first {@code limit} products, best first. */
    List<SkuCount> ranking(int limit) {
      int n = Math.min(limit, size);
      List<SkuCount> ranking = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ranking.add(new SkuCount(items[i].sku, count(items[i])));
      }
      return ranking;
    }
  }
}
