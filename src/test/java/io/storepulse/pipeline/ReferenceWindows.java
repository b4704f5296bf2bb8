package io.storepulse.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the pipeline should have persisted, computed the plain way from the events as sent (JSON,
 * read here independently of the server's decoder): every event in each window {@code [start, end)}
 * that contains its time, money summed as {@link BigDecimal}, visitors as an exact set.
 */
final class ReferenceWindows {

  /** One window of one store and kind. */
  record Key(String store, String kind, Instant start) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int c = store.compareTo(other.store);
      if (c == 0) {
        c = kind.compareTo(other.kind);
      }
      return c != 0 ? c : start.compareTo(other.start);
    }

    @Override
    public String toString() {
      return store + "/" + kind + "/" + start;
    }
  }

  /** The expected figures of one window. */
  static final class Figures {
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
    final Set<String> visitors = new HashSet<>();
    final TreeMap<String, BigDecimal> revenue = new TreeMap<>();
    final TreeMap<String, Long> pricedOrders = new TreeMap<>();
    final TreeMap<String, BigDecimal> refundAmount = new TreeMap<>();
  }

  private ReferenceWindows() {
  }

  /** Tumbling windows of {@code size}. */
  static Map<Key, Figures> tumbling(Collection<JsonObject> events, String kind, Duration size) {
    return hopping(events, kind, size, size);
  }

  /** Hopping windows of {@code size} every {@code advance}, aligned to the epoch. */
  static Map<Key, Figures> hopping(Collection<JsonObject> events, String kind, Duration size, Duration advance) {
    long sizeMillis = size.toMillis();
    long advanceMillis = advance.toMillis();
    Map<Key, Figures> windows = new TreeMap<>();
    for (JsonObject event : events) {
      long time = Instant.parse(event.getString("time")).toEpochMilli();
      String store = Objects.requireNonNull(event.getString("storeId"), "the reference needs storeId on each event");
      for (long start = Math.floorDiv(time, advanceMillis) * advanceMillis; start > time - sizeMillis;
          start -= advanceMillis) {
        add(windows.computeIfAbsent(new Key(store, kind, Instant.ofEpochMilli(start)), k -> new Figures()), event);
      }
    }
    return windows;
  }

  private static void add(Figures f, JsonObject event) {
    f.events++;
    if (event.getString("visitorId") != null) {
      f.visitors.add(event.getString("visitorId"));
    }
    String currency = event.getString("currency", "XXX");
    switch (event.getString("type")) {
      case "page_viewed" -> f.pageViews++;
      case "product_viewed" -> f.productViews++;
      case "product_added" -> f.carts++;
      case "product_removed" -> f.cartRemovals++;
      case "checkout_started" -> f.checkouts++;
      case "order_cancelled" -> f.cancellations++;
      case "payment_failed" -> f.paymentFailures++;
      case "order_refunded" -> {
        f.refunds++;
        BigDecimal amount = money(event, "amount");
        if (amount == null) {
          amount = money(event, "total");
        }
        if (amount != null) {
          f.refundAmount.merge(currency, amount, BigDecimal::add);
        }
      }
      case "order_completed" -> {
        f.orders++;
        BigDecimal total = money(event, "total");
        BigDecimal lines = null;
        for (Object value : event.getJsonArray("items", new JsonArray())) {
          JsonObject item = (JsonObject) value;
          int quantity = item.getInteger("quantity", 1); // the catalog: 1 when absent
          f.units += quantity;
          BigDecimal price = money(item, "price");
          if (price != null) {
            BigDecimal line = price.multiply(BigDecimal.valueOf(quantity));
            lines = lines == null ? line : lines.add(line);
          }
        }
        BigDecimal amount = total != null ? total : lines;
        if (amount != null) {
          f.revenue.merge(currency, amount, BigDecimal::add);
          f.pricedOrders.merge(currency, 1L, Long::sum);
        }
      }
      default -> {
        // inventory and custom events count in "events" only
      }
    }
  }

  /** A money field sent as a decimal string or a JSON number, exactly as written. */
  private static BigDecimal money(JsonObject object, String field) {
    Object value = object.getValue(field);
    if (value == null) {
      return null;
    }
    return value instanceof BigDecimal decimal ? decimal : new BigDecimal(value.toString());
  }

  /**
   * Compares persisted windows with the reference, every figure of every window; returns one line
   * per difference (empty when they agree). Visitors may differ by {@code visitorTolerance}
   * (relative), the rest must be exact.
   */
  static List<String> differences(Map<Key, Figures> expected, Map<Key, PersistedWindows.Row> persisted,
      double visitorTolerance) {
    List<String> problems = new ArrayList<>();
    for (Key key : expected.keySet()) {
      if (!persisted.containsKey(key)) {
        problems.add(key + ": not persisted");
      }
    }
    for (Key key : persisted.keySet()) {
      if (!expected.containsKey(key)) {
        problems.add(key + ": persisted but has no events: " + persisted.get(key).metrics().encode());
      }
    }
    for (Map.Entry<Key, Figures> entry : expected.entrySet()) {
      PersistedWindows.Row row = persisted.get(entry.getKey());
      if (row != null) {
        compare(entry.getKey(), entry.getValue(), row.metrics(), visitorTolerance, problems);
      }
    }
    return problems;
  }

  private static void compare(Key key, Figures f, JsonObject m, double visitorTolerance, List<String> problems) {
    Map<String, Object> counts = new TreeMap<>();
    counts.put("events", f.events);
    counts.put("pageViews", f.pageViews);
    counts.put("productViews", f.productViews);
    counts.put("carts", f.carts);
    counts.put("cartRemovals", f.cartRemovals);
    counts.put("checkouts", f.checkouts);
    counts.put("orders", f.orders);
    counts.put("units", f.units);
    counts.put("cancellations", f.cancellations);
    counts.put("refunds", f.refunds);
    counts.put("paymentFailures", f.paymentFailures);
    counts.forEach((name, value) -> {
      if (!value.equals(m.getLong(name))) {
        problems.add(key + ": " + name + " is " + m.getLong(name) + ", expected " + value);
      }
    });
    expectMoney(key, "revenue", plain(f.revenue), m.getJsonObject("revenue"), problems);
    expectMoney(key, "refundAmount", plain(f.refundAmount), m.getJsonObject("refundAmount"), problems);
    TreeMap<String, String> averages = new TreeMap<>();
    f.revenue.forEach((currency, sum) -> averages.put(currency, sum
        .divide(BigDecimal.valueOf(f.pricedOrders.get(currency)), Math.max(sum.scale(), 2), RoundingMode.HALF_EVEN)
        .toPlainString()));
    expectMoney(key, "averageOrderValue", averages, m.getJsonObject("averageOrderValue"), problems);
    JsonObject conversion = m.getJsonObject("conversion");
    expectRate(key, "viewToCart", f.carts, f.productViews, conversion, problems);
    expectRate(key, "cartToCheckout", f.checkouts, f.carts, conversion, problems);
    expectRate(key, "checkoutToOrder", f.orders, f.checkouts, conversion, problems);
    long visitors = f.visitors.size();
    long estimate = m.getLong("visitors");
    if (Math.abs(estimate - visitors) > visitorTolerance * visitors) {
      problems.add(key + ": visitors is " + estimate + ", expected " + visitors + " within "
          + (visitorTolerance * 100) + " %");
    }
  }

  private static TreeMap<String, String> plain(Map<String, BigDecimal> amounts) {
    TreeMap<String, String> plain = new TreeMap<>();
    amounts.forEach((currency, amount) -> plain.put(currency, amount.toPlainString()));
    return plain;
  }

  private static void expectMoney(Key key, String name, Map<String, String> expected, JsonObject actual,
      List<String> problems) {
    Map<String, Object> got = actual == null ? null : new TreeMap<>(actual.getMap());
    if (!expected.equals(got)) {
      problems.add(key + ": " + name + " is " + got + ", expected " + expected);
    }
  }

  private static void expectRate(Key key, String name, long numerator, long denominator, JsonObject conversion,
      List<String> problems) {
    String expected = denominator == 0 ? null : BigDecimal.valueOf(numerator)
        .divide(BigDecimal.valueOf(denominator), 4, RoundingMode.HALF_EVEN).toPlainString();
    String actual = conversion == null ? "(no conversion object)" : conversion.getString(name);
    if (!Objects.equals(expected, actual)) {
      problems.add(key + ": conversion." + name + " is " + actual + ", expected " + expected);
    }
  }

  /** At most {@code n} lines of a list of differences, for an assertion message. */
  static String summary(List<String> problems, int n) {
    return problems.size() + " differences, e.g.:\n  "
        + String.join("\n  ", problems.subList(0, Math.min(n, problems.size())));
  }
}
