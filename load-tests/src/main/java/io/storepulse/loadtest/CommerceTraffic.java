package io.storepulse.loadtest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Mixed storefront traffic for one store, as batches of catalog events in JSON: page and product
 * views, cart additions and removals, checkouts, orders with line items and a total, failed
 * payments and refunds of earlier orders, in shares like a shop's funnel. Visitors come from a
 * pool, SKUs from a catalog with a fixed price each; event times trail the wall clock by up to
 * {@value #MAX_CLIENT_DELAY_MILLIS} ms, as a storefront that batches them would send them, which
 * stays within the pipeline's 5 s of out-of-orderness.
 *
 * <p>Not thread-safe: one instance per store, used from one thread.
 */
final class CommerceTraffic {

  static final long MAX_CLIENT_DELAY_MILLIS = 2_000;

  private static final int VISITORS = 20_000;
  static final int SKUS = 500;
  private static final int MAX_ITEMS = 4;
  private static final int MAX_QUANTITY = 3;

  /**
   * Cumulative shares in percent, in the order of {@link #append}'s switch: page views 30, product
   * views 35, cart additions 12, removals 4, checkouts 6, orders 6, failed payments 3, refunds 2,
   * cancellations 2.
   */
  private static final int[] MIX = {30, 65, 77, 81, 87, 93, 96, 98, 100};

  private final String storeId;
  private final String idPrefix;
  private final SplittableRandom random;
  private long events;
  private long orders;

  /**
   * @param idPrefix makes event and order ids unique to this run and store; a counter follows it
   */
  CommerceTraffic(String storeId, String idPrefix, long seed) {
    this.storeId = storeId;
    this.idPrefix = idPrefix;
    this.random = new SplittableRandom(seed);
  }

  String storeId() {
    return storeId;
  }

  /** {@code {"events":[…]}} with {@code count} events stamped around {@code now}. */
  String batch(int count, long nowMillis) {
    StringBuilder json = new StringBuilder(count * 200).append("{\"events\":[");
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        json.append(',');
      }
      append(json, nowMillis - random.nextLong(MAX_CLIENT_DELAY_MILLIS + 1));
    }
    return json.append("]}").toString();
  }

  private void append(StringBuilder json, long timeMillis) {
    int share = random.nextInt(100);
    int kind = 0;
    while (share >= MIX[kind]) {
      kind++;
    }
    String visitor = "v-" + random.nextInt(VISITORS);
    int sku = random.nextInt(SKUS);
    switch (kind) {
      case 0 -> start(json, "page_viewed", timeMillis).field("visitorId", visitor).field("path", "/c/" + sku % 20);
      case 1 -> start(json, "product_viewed", timeMillis).field("visitorId", visitor).field("sku", sku(sku))
          .field("price", price(sku)).field("currency", "EUR");
      case 2 -> start(json, "product_added", timeMillis).field("visitorId", visitor).field("sku", sku(sku))
          .number("quantity", 1 + random.nextInt(MAX_QUANTITY)).field("price", price(sku)).field("currency", "EUR");
      case 3 -> start(json, "product_removed", timeMillis).field("visitorId", visitor).field("sku", sku(sku))
          .number("quantity", 1);
      case 4 -> start(json, "checkout_started", timeMillis).field("visitorId", visitor);
      case 5 -> order(json, timeMillis, visitor);
      case 6 -> start(json, "payment_failed", timeMillis).field("visitorId", visitor)
          .field("amount", price(sku)).field("currency", "EUR");
      case 7 -> {
        // a refund of one of this store's earlier orders, for the price of one unit
        String order = orderId(1 + random.nextLong(Math.max(orders, 1)));
        start(json, "order_refunded", timeMillis).field("visitorId", visitor).field("orderId", order)
            .field("total", price(sku)).field("currency", "EUR");
      }
      default -> start(json, "order_cancelled", timeMillis).field("visitorId", visitor)
          .field("orderId", orderId(orders));
    }
    json.append('}');
  }

  private void order(StringBuilder json, long timeMillis, String visitor) {
    Event event = start(json, "order_completed", timeMillis).field("visitorId", visitor)
        .field("orderId", orderId(++orders));
    int items = 1 + random.nextInt(MAX_ITEMS);
    long totalCents = 0;
    json.append(",\"items\":[");
    for (int i = 0; i < items; i++) {
      int sku = random.nextInt(SKUS);
      int quantity = 1 + random.nextInt(MAX_QUANTITY);
      totalCents += priceCents(sku) * quantity;
      json.append(i == 0 ? "{" : ",{").append("\"sku\":\"").append(sku(sku)).append("\",\"quantity\":")
          .append(quantity).append(",\"price\":\"").append(price(sku)).append("\"}");
    }
    json.append(']');
    event.field("total", BigDecimal.valueOf(totalCents, 2).toPlainString()).field("currency", "EUR");
  }

  private Event start(StringBuilder json, String type, long timeMillis) {
    json.append("{\"id\":\"").append(idPrefix).append('-').append(++events)
        .append("\",\"type\":\"").append(type)
        .append("\",\"time\":\"").append(Instant.ofEpochMilli(timeMillis)).append('"');
    return new Event(json);
  }

  private String orderId(long number) {
    return idPrefix + "-o" + number;
  }

  private static String sku(int sku) {
    return "SKU-" + sku;
  }

  /** A fixed price per SKU, from 1.99 to 199.98. */
  private static long priceCents(int sku) {
    return 199 + (sku * 7_919L) % 19_800;
  }

  private static String price(int sku) {
    return BigDecimal.valueOf(priceCents(sku), 2).toPlainString();
  }

  /** Appends the fields of one event; values here never need JSON escaping. */
  private record Event(StringBuilder json) {

    Event field(String name, String value) {
      json.append(",\"").append(name).append("\":\"").append(value).append('"');
      return this;
    }

    Event number(String name, long value) {
      json.append(",\"").append(name).append("\":").append(value);
      return this;
    }
  }
}
