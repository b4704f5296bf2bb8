package io.storepulse.analytics;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * "Bought together" and "viewed together" counts per store, decayed exponentially with event time.
 *
 * <p>Decay uses forward decay: a pairing at time t adds {@code 2^((t − landmark) / halfLife)} to
 * the pair's score, so old scores never need touching as time passes; scores are compared as they
 * are, and divided by {@code 2^((now − landmark) / halfLife)} only when served. When the exponent
 * passes {@value #RESCALE_EXPONENT}, the store's scores are rescaled to a new landmark and the
 * negligible ones dropped. Out-of-order and late events weigh what their event time says, so the
 * result does not depend on arrival order beyond floating-point rounding, and is deterministic.
 *
 * <p>Memory is bounded: at most {@value #MAX_PAIRED_ITEMS} distinct products of an order or a
 * session are paired, and each product keeps {@code 4 × perSku} neighbours; a new neighbour
 * replaces the weakest (ties: the greatest SKU), which can only forget rare pairs.
 */
public final class Recommendations {

  /** Which co-occurrence to rank by. */
  public enum Relation {
    /** Products in the same completed order. */
    BOUGHT_TOGETHER,
    /** Products viewed in the same visitor session. */
    VIEWED_TOGETHER
  }

  static final int MAX_PAIRED_ITEMS = 20;
  private static final double RESCALE_EXPONENT = 64;
  private static final double PRUNE_BELOW = 1e-6;
  private static final Comparator<Recommendation> RANKING =
      Comparator.comparingDouble(Recommendation::score).reversed().thenComparing(Recommendation::sku);

  private final double halfLife;
  private final int capacity;
  private final HashMap<String, StorePairs> stores = new HashMap<>();

  /**
   * @param halfLife the time after which a pairing counts half
   * @param perSku how many recommendations per product the caller wants at most
   */
  public Recommendations(Duration halfLife, int perSku) {
    if (halfLife.isNegative() || halfLife.isZero() || perSku < 1) {
      throw new IllegalArgumentException("need a positive half-life and perSku");
    }
    this.halfLife = halfLife.toMillis();
    this.capacity = 4 * perSku;
  }

  /** Pairs the products of a completed order. */
  public void addOrder(CommerceEvent order) {
    Set<String> skus = new LinkedHashSet<>();
    for (LineItem item : order.items()) {
      if (skus.size() < MAX_PAIRED_ITEMS) {
        skus.add(item.sku());
      }
    }
    if (order.items().isEmpty() && order.sku() != null) {
      skus.add(order.sku());
    }
    add(order.storeId(), Relation.BOUGHT_TOGETHER, new ArrayList<>(skus), order.time().toEpochMilli());
  }

  /** Pairs the products viewed in one session, at the time of its last event. */
  public void addSession(String storeId, List<String> viewedSkus, long lastEventTime) {
    add(storeId, Relation.VIEWED_TOGETHER, viewedSkus.subList(0, Math.min(viewedSkus.size(), MAX_PAIRED_ITEMS)),
        lastEventTime);
  }

  private void add(String storeId, Relation relation, List<String> skus, long timestamp) {
    if (skus.size() < 2) {
      return;
    }
    StorePairs pairs = stores.computeIfAbsent(storeId, id -> new StorePairs(timestamp));
    double exponent = (timestamp - pairs.landmark) / halfLife;
    if (exponent > RESCALE_EXPONENT) {
      pairs.rescale(timestamp, halfLife);
      exponent = 0;
    } else if (exponent < -RESCALE_EXPONENT) {
      return; // weighs less than 2^-64 of a fresh pairing
    }
    double weight = StrictMath.pow(2, exponent);
    Map<String, Neighbours> relationPairs = pairs.of(relation);
    for (String a : skus) {
      Neighbours neighbours = relationPairs.computeIfAbsent(a, sku -> new Neighbours());
      for (String b : skus) {
        if (!a.equals(b)) {
          neighbours.add(b, weight, capacity);
        }
      }
    }
  }

  /**
   * The products most often paired with {@code sku}, best first, with scores decayed to {@code now}
   * (epoch milliseconds).
   */
  public List<Recommendation> top(String storeId, String sku, Relation relation, int limit, long now) {
    StorePairs pairs = stores.get(storeId);
    Neighbours neighbours = pairs == null ? null : pairs.of(relation).get(sku);
    if (neighbours == null) {
      return List.of();
    }
    double decay = StrictMath.pow(2, (pairs.landmark - now) / halfLife);
    List<Recommendation> ranked = new ArrayList<>(neighbours.size);
    for (int i = 0; i < neighbours.size; i++) {
      ranked.add(new Recommendation(neighbours.skus[i], neighbours.scores[i] * decay));
    }
    ranked.sort(RANKING);
    return List.copyOf(ranked.subList(0, Math.min(limit, ranked.size())));
  }

  void write(SnapshotOutput out) throws IOException {
    List<String> storeIds = new ArrayList<>(stores.keySet());
    Collections.sort(storeIds);
    out.writeVarLong(storeIds.size());
    for (String storeId : storeIds) {
      StorePairs pairs = stores.get(storeId);
      out.writeString(storeId);
      out.writeLong(pairs.landmark);
      for (Relation relation : Relation.values()) {
        Map<String, Neighbours> relationPairs = pairs.of(relation);
        List<String> skus = new ArrayList<>(relationPairs.keySet());
        Collections.sort(skus);
        out.writeVarLong(skus.size());
        for (String sku : skus) {
          Neighbours neighbours = relationPairs.get(sku);
          out.writeString(sku);
          out.writeVarLong(neighbours.size);
          for (int i = 0; i < neighbours.size; i++) {
            out.writeString(neighbours.skus[i]);
            out.writeDouble(neighbours.scores[i]);
          }
        }
      }
    }
  }

  void read(SnapshotInput in) throws IOException {
    int storeCount = in.readCount();
    for (int s = 0; s < storeCount; s++) {
      String storeId = in.readString();
      StorePairs pairs = new StorePairs(in.readLong());
      for (Relation relation : Relation.values()) {
        int skuCount = in.readCount();
        for (int n = 0; n < skuCount; n++) {
          String sku = in.readString();
          Neighbours neighbours = new Neighbours();
          int size = in.readCount();
          for (int i = 0; i < size; i++) {
            neighbours.append(in.readString(), in.readDouble());
          }
          pairs.of(relation).put(sku, neighbours);
        }
      }
      stores.put(storeId, pairs);
    }
  }

  /** One store's pair scores, relative to its landmark time. */
  private static final class StorePairs {
    final HashMap<String, Neighbours> bought = new HashMap<>();
    final HashMap<String, Neighbours> viewed = new HashMap<>();
    long landmark;

    StorePairs(long landmark) {
      this.landmark = landmark;
    }

    HashMap<String, Neighbours> of(Relation relation) {
      return relation == Relation.BOUGHT_TOGETHER ? bought : viewed;
    }

    void rescale(long newLandmark, double halfLife) {
      double factor = StrictMath.pow(2, (landmark - newLandmark) / halfLife);
      for (HashMap<String, Neighbours> relationPairs : List.of(bought, viewed)) {
        relationPairs.values().removeIf(neighbours -> neighbours.scale(factor) == 0);
      }
      landmark = newLandmark;
    }
  }

  /** The scored neighbours of one product, in small parallel arrays. */
  private static final class Neighbours {
    String[] skus = new String[4];
    double[] scores = new double[4];
    int size;

    void add(String sku, double weight, int capacity) {
      for (int i = 0; i < size; i++) {
        if (skus[i].equals(sku)) {
          scores[i] += weight;
          return;
        }
      }
      if (size < capacity) {
        append(sku, weight);
        return;
      }
      int weakest = 0;
      for (int i = 1; i < size; i++) {
        if (scores[i] < scores[weakest] || (scores[i] == scores[weakest] && skus[i].compareTo(skus[weakest]) > 0)) {
          weakest = i;
        }
      }
      skus[weakest] = sku;
      scores[weakest] = weight;
    }

    void append(String sku, double score) {
      if (size == skus.length) {
        skus = Arrays.copyOf(skus, size * 2);
        scores = Arrays.copyOf(scores, size * 2);
      }
      skus[size] = sku;
      scores[size++] = score;
    }

    /** Multiplies every score, drops the negligible ones, and returns how many are left. */
    int scale(double factor) {
      int kept = 0;
      for (int i = 0; i < size; i++) {
        double score = scores[i] * factor;
        if (score >= PRUNE_BELOW) {
          skus[kept] = skus[i];
          scores[kept++] = score;
        }
      }
      Arrays.fill(skus, kept, size, null);
      size = kept;
      return kept;
    }
  }
}
