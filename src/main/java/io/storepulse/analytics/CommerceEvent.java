package io.storepulse.analytics;

import io.storepulse.ingest.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A catalog event as the analytics engine sees it: the log position plus the typed fields of the
 * native event (design.md §3). Money is {@link BigDecimal} end to end.
 *
 * <p>Order-level money lives in {@code total}; for {@code order_refunded} it is the refunded
 * amount. {@link #amount()} derives the value when a storefront sends line items only.
 *
 * @param position the event's position in the log; the engine reports the last one applied
 * @param time the event time
 * @param quantity units for product events, 0 when absent
 * @param items order lines, never {@code null}
 * @param restock for {@code order_cancelled} and {@code order_refunded}: whether the goods go back
 *     into stock, for every line that does not say otherwise; {@code null} when absent
 * @param set for {@code inventory_adjusted}: the new stock level, {@code null} when absent
 * @param delta for {@code inventory_adjusted}: the change to the stock level, {@code null} when absent
 */
public record CommerceEvent(
    long position,
    String storeId,
    String id,
    EventType type,
    Instant time,
    String visitorId,
    String userId,
    String sessionId,
    String sku,
    int quantity,
    BigDecimal price,
    String currency,
    String orderId,
    List<LineItem> items,
    BigDecimal total,
    Boolean restock,
    Integer set,
    Integer delta) {

  public CommerceEvent {
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    items = items == null ? List.of() : List.copyOf(items);
  }

  /** An event without inventory fields, which is what the windows look at. */
  public CommerceEvent(long position, String storeId, String id, EventType type, Instant time, String visitorId,
      String userId, String sessionId, String sku, int quantity, BigDecimal price, String currency, String orderId,
      List<LineItem> items, BigDecimal total) {
    this(position, storeId, id, type, time, visitorId, userId, sessionId, sku, quantity, price, currency, orderId,
        items, total, null, null, null);
  }

  /**
   * The money the event carries: {@code total} when present, otherwise the sum of the line items,
   * otherwise {@code price × quantity} (a single-product order); {@code null} when there is none.
   */
  public BigDecimal amount() {
    if (total != null) {
      return total;
    }
    if (!items.isEmpty()) {
      BigDecimal sum = null;
      for (LineItem item : items) {
        if (item.price() != null) {
          BigDecimal line = item.price().multiply(BigDecimal.valueOf(item.quantity()));
          sum = sum == null ? line : sum.add(line);
        }
      }
      return sum;
    }
    if (price != null && quantity > 0) {
      return price.multiply(BigDecimal.valueOf(quantity));
    }
    return null;
  }
}
