package io.storepulse.inventory;

import io.storepulse.analytics.CommerceEvent;
import io.storepulse.analytics.LineItem;
import io.storepulse.ingest.EventType;
import java.time.Instant;
import java.util.List;

/** Builds the events the inventory book reacts to, one store, positions and ids in sequence. */
final class Events {

  static final String STORE = "shop";
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private long position;

  Instant time() {
    return T0.plusSeconds(position);
  }

  CommerceEvent restocked(String sku, int quantity) {
    return event(EventType.INVENTORY_RESTOCKED, null, sku, quantity, null, List.of(), null, null, null);
  }

  CommerceEvent adjustedTo(String sku, int set) {
    return event(EventType.INVENTORY_ADJUSTED, null, sku, 0, null, List.of(), null, set, null);
  }

  CommerceEvent adjustedBy(String sku, int delta) {
    return event(EventType.INVENTORY_ADJUSTED, null, sku, 0, null, List.of(), null, null, delta);
  }

  CommerceEvent order(String orderId, String visitorId, LineItem... items) {
    return event(EventType.ORDER_COMPLETED, visitorId, null, 0, orderId, List.of(items), null, null, null);
  }

  CommerceEvent cancelled(String orderId, Boolean restock, LineItem... items) {
    return event(EventType.ORDER_CANCELLED, null, null, 0, orderId, List.of(items), restock, null, null);
  }

  CommerceEvent refunded(String orderId, Boolean restock, LineItem... items) {
    return event(EventType.ORDER_REFUNDED, null, null, 0, orderId, List.of(items), restock, null, null);
  }

  CommerceEvent added(String visitorId, String sku, int quantity) {
    return event(EventType.PRODUCT_ADDED, visitorId, sku, quantity, null, List.of(), null, null, null);
  }

  CommerceEvent removed(String visitorId, String sku) {
    return event(EventType.PRODUCT_REMOVED, visitorId, sku, 1, null, List.of(), null, null, null);
  }

  static LineItem line(String sku, int quantity) {
    return new LineItem(sku, quantity, null);
  }

  static LineItem line(String sku, int quantity, Boolean restock) {
    return new LineItem(sku, quantity, null, restock);
  }

  private CommerceEvent event(EventType type, String visitorId, String sku, int quantity, String orderId,
      List<LineItem> items, Boolean restock, Integer set, Integer delta) {
    position++;
    return new CommerceEvent(position, STORE, "e" + position, type, time(), visitorId, null, null, sku, quantity,
        null, null, orderId, items, null, restock, set, delta);
  }
}
