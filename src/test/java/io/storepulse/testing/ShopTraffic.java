package io.storepulse.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Plausible traffic of a small clothing store, minute by minute and the same for the same seed:
 * visitors who view pages and products (some more popular than others), add to cart, check out
 * and order one to three items, with the odd payment failure — and one minute in which the
 * payment provider fails a burst of payments. For pages and screenshots that should look real.
 */
public final class ShopTraffic {

  /** A product of the catalog; {@code weight} is how often it is looked at and bought, relatively. */
  public record Product(String sku, String price, int weight, int onHand, int lowStockThreshold) {
  }

  public static final List<Product> CATALOG = List.of(
      new Product("TEE-ORGANIC-WHITE", "24.00", 12, 400, 20),
      new Product("MUG-STONEWARE", "14.00", 9, 300, 15),
      new Product("TOTE-CANVAS", "16.00", 8, 250, 10),
      new Product("HOODIE-CLASSIC-NAVY", "59.00", 7, 52, 10),
      new Product("SOCKS-WOOL-3PACK", "18.00", 6, 200, 10),
      new Product("CAP-CANVAS-OLIVE", "19.50", 5, 150, 10),
      new Product("BOTTLE-STEEL-750", "27.00", 5, 120, 10),
      new Product("BEANIE-MERINO", "29.00", 4, 18, 6),
      new Product("SNEAKER-LOW-WHITE", "89.00", 3, 60, 8),
      new Product("SCARF-LINEN-SAND", "39.00", 3, 40, 5),
      new Product("NOTEBOOK-A5-DOT", "12.00", 3, 12, 5),
      new Product("JACKET-RAIN-BLACK", "129.00", 2, 8, 3));

  private final Random random;
  private final String prefix;
  private int ids;
  private int visitors;
  private int orders;

  /** @param prefix makes event, visitor and order ids unique to this run */
  public ShopTraffic(long seed, String prefix) {
    this.random = new Random(seed);
    this.prefix = prefix;
  }

  /** The catalog's stock, as rows of {@code POST /v1/stores/{store}/inventory}. */
  public static JsonArray stock() {
    JsonArray rows = new JsonArray();
    for (Product product : CATALOG) {
      rows.add(new JsonObject().put("sku", product.sku()).put("onHand", product.onHand())
          .put("lowStockThreshold", product.lowStockThreshold()));
    }
    return rows;
  }

  /**
   * The events of the {@code minutes} minutes up to {@code now} (none after it), in time order;
   * {@code failingMinute} minutes before now, payments fail in a burst.
   */
  public List<JsonObject> minutesUntil(Instant now, int minutes, int failingMinute) {
    Instant first = now.minus(Duration.ofMinutes(minutes));
    List<JsonObject> events = new ArrayList<>();
    for (int m = 0; m <= minutes; m++) {
      Instant minute = first.plus(Duration.ofMinutes(m));
      // a slow swell over the hour, and noise from minute to minute
      int arrivals = 9 + (int) Math.round(5 * Math.sin(m / 7.0)) + random.nextInt(6);
      for (int v = 0; v < arrivals; v++) {
        visit(events, minute.plusMillis(random.nextInt(50_000)));
      }
      if (minutes - m == failingMinute) {
        for (int f = 0; f < 14; f++) {
          events.add(event("payment_failed", "visitor-failing-" + f, minute.plusSeconds(2 + 3L * f)));
        }
      }
    }
    events.removeIf(e -> Instant.parse(e.getString("time")).isAfter(now));
    events.sort(Comparator.comparing(e -> Instant.parse(e.getString("time"))));
    return events;
  }

  private void visit(List<JsonObject> events, Instant start) {
    String visitor = prefix + "-visitor-" + (++visitors);
    Instant time = start;
    events.add(event("page_viewed", visitor, time));
    int pages = random.nextInt(3);
    for (int p = 0; p < pages; p++) {
      time = time.plusSeconds(1 + random.nextInt(4));
      events.add(event("page_viewed", visitor, time));
    }
    List<Product> viewed = new ArrayList<>();
    int products = 1 + random.nextInt(3);
    for (int p = 0; p < products; p++) {
      Product product = pick();
      viewed.add(product);
      time = time.plusSeconds(1 + random.nextInt(3));
      events.add(productEvent("product_viewed", visitor, time, product, 1));
    }
    if (random.nextInt(100) >= 34) {
      return;
    }
    List<JsonObject> items = new ArrayList<>();
    for (Product product : viewed) {
      if (items.isEmpty() || random.nextBoolean()) {
        int quantity = random.nextInt(5) == 0 ? 2 : 1;
        time = time.plusSeconds(1);
        events.add(productEvent("product_added", visitor, time, product, quantity));
        items.add(new JsonObject().put("sku", product.sku()).put("quantity", quantity).put("price", product.price()));
      }
    }
    if (random.nextInt(100) >= 62) {
      return;
    }
    time = time.plusSeconds(1 + random.nextInt(2));
    events.add(event("checkout_started", visitor, time));
    time = time.plusSeconds(1 + random.nextInt(2));
    int outcome = random.nextInt(100);
    if (outcome < 4) {
      events.add(event("payment_failed", visitor, time));
    } else if (outcome < 86) {
      BigDecimal total = BigDecimal.ZERO;
      for (JsonObject item : items) {
        total = total.add(new BigDecimal(item.getString("price")).multiply(BigDecimal.valueOf(item.getInteger("quantity"))));
      }
      events.add(event("order_completed", visitor, time).put("orderId", prefix + "-order-" + (++orders))
          .put("currency", "EUR").put("total", total.toPlainString()).put("items", new JsonArray(items)));
    }
  }

  private Product pick() {
    int total = CATALOG.stream().mapToInt(Product::weight).sum();
    int ticket = random.nextInt(total);
    for (Product product : CATALOG) {
      ticket -= product.weight();
      if (ticket < 0) {
        return product;
      }
    }
    throw new IllegalStateException();
  }

  private JsonObject event(String type, String visitor, Instant time) {
    return new JsonObject().put("id", prefix + "-" + (++ids)).put("type", type).put("time", time.toString())
        .put("visitorId", visitor);
  }

  private JsonObject productEvent(String type, String visitor, Instant time, Product product, int quantity) {
    return event(type, visitor, time).put("sku", product.sku()).put("quantity", quantity).put("price", product.price())
        .put("currency", "EUR");
  }
}
