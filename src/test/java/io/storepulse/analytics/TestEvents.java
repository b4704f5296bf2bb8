package io.storepulse.analytics;

import io.storepulse.ingest.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Builds catalog events for tests, numbering their log positions. */
final class TestEvents {

  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private static final AtomicLong POSITIONS = new AtomicLong();

  private TestEvents() {
  }

  static Instant at(String hhmmss) {
    return Instant.parse("2025-03-01T" + hhmmss + "Z");
  }

  static CommerceEvent event(String store, EventType type, Instant time, String visitor) {
    return new CommerceEvent(POSITIONS.incrementAndGet(), store, "e" + POSITIONS.get(), type, time, visitor, null,
        null, null, 0, null, null, null, null, null);
  }

  static CommerceEvent pageView(String store, Instant time, String visitor) {
    return event(store, EventType.PAGE_VIEWED, time, visitor);
  }

  static CommerceEvent productView(String store, Instant time, String visitor, String sku) {
    return product(store, EventType.PRODUCT_VIEWED, time, visitor, sku);
  }

  static CommerceEvent addToCart(String store, Instant time, String visitor, String sku) {
    return product(store, EventType.PRODUCT_ADDED, time, visitor, sku);
  }

  private static CommerceEvent product(String store, EventType type, Instant time, String visitor, String sku) {
    long position = POSITIONS.incrementAndGet();
    return new CommerceEvent(position, store, "e" + position, type, time, visitor, null, null, sku, 1,
        new BigDecimal("9.99"), "EUR", null, null, null);
  }

  static CommerceEvent order(String store, Instant time, String visitor, String currency, String total,
      LineItem... items) {
    long position = POSITIONS.incrementAndGet();
    return new CommerceEvent(position, store, "e" + position, EventType.ORDER_COMPLETED, time, visitor, null, null,
        null, 0, null, currency, "o" + position, List.of(items), total == null ? null : new BigDecimal(total));
  }

  static CommerceEvent refund(String store, Instant time, String currency, String amount) {
    long position = POSITIONS.incrementAndGet();
    return new CommerceEvent(position, store, "e" + position, EventType.ORDER_REFUNDED, time, null, null, null,
        null, 0, null, currency, "o" + position, null, new BigDecimal(amount));
  }

  static LineItem item(String sku, int quantity, String price) {
    return new LineItem(sku, quantity, new BigDecimal(price));
  }
}
