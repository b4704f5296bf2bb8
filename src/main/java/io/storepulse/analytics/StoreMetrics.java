package io.storepulse.analytics;

import java.math.BigDecimal;
import java.util.List;
import java.util.SortedMap;

/**
 * The metrics of one store in one window, computed when the result is emitted.
 *
 * <p>Counts are of events in the window ({@code carts} counts {@code product_added} events,
 * {@code units} the units of completed orders). Conversion rates are ratios of those counts with
 * four decimals ({@code null} when the denominator is zero), so they can exceed 1 when, say, one
 * product view leads to two cart additions. Sessions are counted in the window that contains the
 * session's end (last event + gap − 1), once the session is final: a session's metrics are then
 * exact even when a late event merges two sessions, at the price of appearing one gap later than
 * its first event.
 *
 * @param events every event of the store in the window, of any type
 * @param visitors distinct visitor ids, estimated with a HyperLogLog sketch (lgK 12, about 1.6 %
 *     relative error; exact in practice below a few hundred visitors)
 * @param revenue sum of {@code order_completed} amounts per currency, exact
 * @param averageOrderValue revenue per currency divided by the orders in that currency, rounded
 *     half-even to the revenue's scale (at least 2)
 * @param refundAmount sum of {@code order_refunded} amounts per currency
 * @param sessionToOrder sessions with an order per session
 * @param topByUnits the top-K products by units ordered, ties by SKU
 * @param topByViews the top-K products by views, ties by SKU
 */
public record StoreMetrics(
    long events,
    long visitors,
    long pageViews,
    long productViews,
    long carts,
    long cartRemovals,
    long checkouts,
    long orders,
    long units,
    long cancellations,
    long refunds,
    long paymentFailures,
    long sessions,
    long sessionsWithOrder,
    SortedMap<String, BigDecimal> revenue,
    SortedMap<String, BigDecimal> averageOrderValue,
    SortedMap<String, BigDecimal> refundAmount,
    BigDecimal viewToCart,
    BigDecimal cartToCheckout,
    BigDecimal checkoutToOrder,
    BigDecimal sessionToOrder,
    List<SkuCount> topByUnits,
    List<SkuCount> topByViews) {

  public StoreMetrics {
    topByUnits = List.copyOf(topByUnits);
    topByViews = List.copyOf(topByViews);
  }

  /** The revenue in {@code currency}, zero when there was none. */
  public BigDecimal revenueIn(String currency) {
    return revenue.getOrDefault(currency, BigDecimal.ZERO);
  }
}
