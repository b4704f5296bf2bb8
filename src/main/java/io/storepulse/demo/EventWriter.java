package io.storepulse.demo;

import io.storepulse.ingest.EventType;

/**
 * Writes the simulator's events as catalog JSON (docs/design.md §3), numbering their ids
 * {@code <runId>-<n>}; every amount is in euro. Not thread-safe.
 */
final class EventWriter {

  static final String CURRENCY = "EUR";

  private final String runId;
  private final Catalog catalog;
  private final JsonText text = new JsonText();
  private long events;
  private long orders;
  private String currentId;

  EventWriter(String runId, Catalog catalog) {
    this.runId = runId;
    this.catalog = catalog;
  }

  String nextOrderId() {
    return runId + "-o" + ++orders;
  }

  SimulatedEvent pageViewed(long time, Session session, String path) {
    StringBuilder json = start(EventType.PAGE_VIEWED, time);
    visit(json, session);
    json.append(",\"properties\":{\"path\":\"").append(path).append("\"}");
    return end(EventType.PAGE_VIEWED, time, json);
  }

  SimulatedEvent productViewed(long time, Session session, Product product) {
    StringBuilder json = start(EventType.PRODUCT_VIEWED, time);
    visit(json, session);
    JsonText.field(json, "sku", product.sku());
    JsonText.moneyField(json, "price", product.priceCents());
    JsonText.field(json, "currency", CURRENCY);
    json.append(",\"properties\":{\"name\":\"").append(product.name()).append("\",\"category\":\"")
        .append(product.category()).append("\"}");
    return end(EventType.PRODUCT_VIEWED, time, json);
  }

  SimulatedEvent productAdded(long time, Session session, Product product, int quantity) {
    StringBuilder json = start(EventType.PRODUCT_ADDED, time);
    visit(json, session);
    JsonText.field(json, "sku", product.sku());
    JsonText.number(json, "quantity", quantity);
    JsonText.moneyField(json, "price", product.priceCents());
    JsonText.field(json, "currency", CURRENCY);
    return end(EventType.PRODUCT_ADDED, time, json);
  }

  SimulatedEvent productRemoved(long time, Session session, Product product, int quantity) {
    StringBuilder json = start(EventType.PRODUCT_REMOVED, time);
    visit(json, session);
    JsonText.field(json, "sku", product.sku());
    JsonText.number(json, "quantity", quantity);
    return end(EventType.PRODUCT_REMOVED, time, json);
  }

  SimulatedEvent checkoutStarted(long time, Session session, long totalCents) {
    StringBuilder json = start(EventType.CHECKOUT_STARTED, time);
    visit(json, session);
    JsonText.moneyField(json, "total", totalCents);
    JsonText.field(json, "currency", CURRENCY);
    return end(EventType.CHECKOUT_STARTED, time, json);
  }

  SimulatedEvent paymentFailed(long time, Session session, long amountCents, String reason) {
    StringBuilder json = start(EventType.PAYMENT_FAILED, time);
    visit(json, session);
    JsonText.moneyField(json, "amount", amountCents);
    JsonText.field(json, "currency", CURRENCY);
    JsonText.field(json, "reason", reason);
    return end(EventType.PAYMENT_FAILED, time, json);
  }

  SimulatedEvent orderCompleted(long time, Session session, PlacedOrder order) {
    StringBuilder json = start(EventType.ORDER_COMPLETED, time);
    visit(json, session);
    JsonText.field(json, "orderId", order.orderId);
    items(json, order.products, order.quantities, order.products.length);
    JsonText.moneyField(json, "total", order.totalCents);
    JsonText.field(json, "currency", CURRENCY);
    return end(EventType.ORDER_COMPLETED, time, json);
  }

  SimulatedEvent orderCancelled(long time, PlacedOrder order, String reason) {
    StringBuilder json = start(EventType.ORDER_CANCELLED, time);
    JsonText.field(json, "visitorId", order.visitorId);
    JsonText.field(json, "orderId", order.orderId);
    items(json, order.products, order.quantities, order.products.length);
    JsonText.moneyField(json, "total", order.totalCents);
    JsonText.field(json, "currency", CURRENCY);
    json.append(",\"restock\":true");
    JsonText.field(json, "reason", reason);
    return end(EventType.ORDER_CANCELLED, time, json);
  }

  /** A refund of the order's lines {@code [from, to)}. */
  SimulatedEvent orderRefunded(long time, PlacedOrder order, int from, int to, boolean restock, String reason) {
    StringBuilder json = start(EventType.ORDER_REFUNDED, time);
    JsonText.field(json, "visitorId", order.visitorId);
    JsonText.field(json, "orderId", order.orderId);
    long amount = 0;
    json.append(",\"items\":[");
    for (int line = from; line < to; line++) {
      item(json.append(line == from ? "" : ","), order.products[line], order.quantities[line]);
      amount += catalog.product(order.products[line]).priceCents() * order.quantities[line];
    }
    json.append(']');
    JsonText.moneyField(json, "amount", amount);
    JsonText.field(json, "currency", CURRENCY);
    json.append(",\"restock\":").append(restock);
    JsonText.field(json, "reason", reason);
    return end(EventType.ORDER_REFUNDED, time, json);
  }

  SimulatedEvent inventoryRestocked(long time, Product product, int quantity) {
    StringBuilder json = start(EventType.INVENTORY_RESTOCKED, time);
    JsonText.field(json, "sku", product.sku());
    JsonText.number(json, "quantity", quantity);
    JsonText.field(json, "reason", "supplier_delivery");
    return end(EventType.INVENTORY_RESTOCKED, time, json);
  }

  private void items(StringBuilder json, int[] products, int[] quantities, int lines) {
    json.append(",\"items\":[");
    for (int line = 0; line < lines; line++) {
      item(json.append(line == 0 ? "" : ","), products[line], quantities[line]);
    }
    json.append(']');
  }

  private void item(StringBuilder json, int product, int quantity) {
    Product p = catalog.product(product);
    json.append("{\"sku\":\"").append(p.sku()).append("\",\"quantity\":").append(quantity).append(",\"price\":\"");
    JsonText.money(json, p.priceCents()).append("\"}");
  }

  private StringBuilder start(EventType type, long time) {
    currentId = runId + '-' + ++events;
    StringBuilder json = new StringBuilder(256).append("{\"id\":\"").append(currentId)
        .append("\",\"type\":\"").append(type.wireName()).append('"');
    return text.timeField(json, time);
  }

  private static void visit(StringBuilder json, Session session) {
    JsonText.field(json, "visitorId", session.visitorId);
    JsonText.field(json, "sessionId", session.sessionId);
    if (session.userId != null) {
      JsonText.field(json, "userId", session.userId);
    }
  }

  private SimulatedEvent end(EventType type, long time, StringBuilder json) {
    return new SimulatedEvent(currentId, type, time, json.append('}').toString(), false);
  }
}
