package io.storepulse.analytics;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One line of an order event.
 *
 * @param sku the product
 * @param quantity units ordered, at least 1
 * @param price unit price in the order's currency, or {@code null} when the storefront did not send it
 */
public record LineItem(String sku, int quantity, BigDecimal price) {

  public LineItem {
    Objects.requireNonNull(sku, "sku");
  }
}
