package io.storepulse.analytics;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One line of an order event.
 *
 * @param sku the product
 * @param quantity units ordered, at least 1
 * @param price unit price in the order's currency, or {@code null} when the storefront did not send it
 * @param restock for a cancelled or refunded order: whether this line goes back into stock,
 *     overriding the event's flag; {@code null} when absent
 */
public record LineItem(String sku, int quantity, BigDecimal price, Boolean restock) {

  public LineItem {
    Objects.requireNonNull(sku, "sku");
  }

  /** A line without a restock flag. */
  public LineItem(String sku, int quantity, BigDecimal price) {
    this(sku, quantity, price, null);
  }
}
