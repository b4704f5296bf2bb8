package io.storepulse.analytics;

/**
 * Names of the per-store series that moving averages and anomaly detection follow, one value per
 * short tumbling window (one minute by default). One name per thing: results, alerts and the
 * dashboard use these.
 */
public final class SeriesMetric {

  public static final String ORDERS = "orders";
  public static final String PAGE_VIEWS = "page_views";
  public static final String PRODUCT_VIEWS = "product_views";
  public static final String PAYMENT_FAILURES = "payment_failures";
  public static final String REFUNDS = "refunds";
  private static final String REVENUE_PREFIX = "revenue:";

  private SeriesMetric() {
  }

  /** Revenue is one series per currency, e.g. {@code revenue:EUR}. */
  public static String revenue(String currency) {
    return REVENUE_PREFIX + currency;
  }

  static boolean isRevenue(String metric) {
    return metric.startsWith(REVENUE_PREFIX);
  }

  static String currencyOf(String revenueMetric) {
    return revenueMetric.substring(REVENUE_PREFIX.length());
  }
}
