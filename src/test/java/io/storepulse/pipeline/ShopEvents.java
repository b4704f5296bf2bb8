package io.storepulse.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Random;

/**
 * Seeded native catalog events of every commerce type, as a storefront would send them: orders of
 * one to three lines in the store's usual currency or another, prices as decimal strings or JSON
 * numbers, lines with and without a quantity (1 when absent), refunds with the refunded
 * {@code amount}.
 */
final class ShopEvents {

  private static final String[] TYPES = {"page_viewed", "product_viewed", "product_added", "product_removed",
      "checkout_started", "order_completed", "order_cancelled", "order_refunded", "payment_failed",
      "inventory_restocked", "custom"};
  private static final int[] WEIGHTS = {28, 30, 12, 3, 7, 9, 1, 3, 3, 2, 2};
  private static final String[] CURRENCIES = {"EUR", "USD"};

  private final Random random;
  private final int visitorsPerStore;
  private final int skus;

  ShopEvents(Random random, int visitorsPerStore, int skus) {
    this.random = random;
    this.visitorsPerStore = visitorsPerStore;
    this.skus = skus;
  }

  /** An event of a random type for {@code store} (index {@code storeIndex}) at {@code time}. */
  JsonObject next(String id, String store, int storeIndex, Instant time) {
    String type = pick();
    JsonObject event = new JsonObject().put("id", id).put("type", type).put("time", time.toString())
        .put("storeId", store);
    String visitor = "v" + random.nextInt(visitorsPerStore);
    String currency = CURRENCIES[random.nextInt(10) == 0 ? 1 - storeIndex % 2 : storeIndex % 2];
    switch (type) {
      case "page_viewed", "checkout_started" -> event.put("visitorId", visitor);
      case "product_viewed", "product_added", "product_removed" -> {
        event.put("visitorId", visitor).put("sku", sku());
        if (random.nextBoolean()) {
          event.put("price", price()).put("currency", currency);
        }
      }
      case "order_completed" -> {
        JsonArray items = new JsonArray();
        BigDecimal total = BigDecimal.ZERO.setScale(2);
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          BigDecimal price = new BigDecimal(price());
          JsonObject item = new JsonObject().put("sku", sku());
          int quantity = 1;
          if (random.nextInt(5) > 0) {
            quantity = 1 + random.nextInt(4);
            item.put("quantity", quantity);
          }
          // money as a string or as a JSON number, both kept exactly
          item.put("price", random.nextBoolean() ? price.toPlainString() : price);
          items.add(item);
          total = total.add(price.multiply(BigDecimal.valueOf(quantity)));
        }
        event.put("visitorId", visitor).put("orderId", "o-" + id).put("items", items).put("currency", currency);
        if (random.nextBoolean()) {
          event.put("total", total.toPlainString());
        }
      }
      case "order_cancelled" -> event.put("orderId", "o-" + random.nextInt(1000));
      case "order_refunded" -> {
        event.put("orderId", "o-" + random.nextInt(1000)).put("amount", price()).put("currency", currency);
        if (random.nextBoolean()) {
          event.put("visitorId", visitor);
        }
      }
      case "payment_failed" -> event.put("visitorId", visitor).put("orderId", "o-" + random.nextInt(1000));
      case "inventory_restocked" -> event.put("sku", sku()).put("quantity", 1 + random.nextInt(50));
      default -> event.put("properties", new JsonObject().put("campaign", "c" + random.nextInt(3)));
    }
    return event;
  }

  private String sku() {
    return "sku-" + random.nextInt(skus);
  }

  /** 1.00 to 199.99, now and then with three decimals. */
  private String price() {
    if (random.nextInt(20) == 0) {
      return BigDecimal.valueOf(1_000 + random.nextInt(199_000), 3).toPlainString();
    }
    return BigDecimal.valueOf(100 + random.nextInt(19_900), 2).toPlainString();
  }

  private String pick() {
    int total = 0;
    for (int weight : WEIGHTS) {
      total += weight;
    }
    int roll = random.nextInt(total);
    for (int i = 0; i < TYPES.length; i++) {
      roll -= WEIGHTS[i];
      if (roll < 0) {
        return TYPES[i];
      }
    }
    throw new IllegalStateException("weights do not cover the roll");
  }
}
