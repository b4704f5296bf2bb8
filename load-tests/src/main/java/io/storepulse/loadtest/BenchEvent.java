package io.storepulse.loadtest;

/**
 * The event the benchmark sends, as JSON. Must stay byte for byte the shape that
 * {@code wrk/single-event.lua} and {@code wrk/batch-100.lua} build, so the raw insert baseline
 * writes the same rows storepulse is asked to write.
 */
final class BenchEvent {

  static final int SKUS = 1000;
  static final int VISITORS = 50_000;

  private BenchEvent() {
  }

  /**
   * The event as storepulse stores it in its log: what the client sent, with {@code storeId}
   * filled in from the write key.
   */
  static String stored(String storeId, String idPrefix, long counter, String time) {
    String sent = sent(idPrefix, counter, time);
    return sent.substring(0, sent.length() - 1) + ",\"storeId\":\"" + storeId + "\"}";
  }

  /**
   * The event as the wrk scripts send it.
   *
   * @param idPrefix run and thread, e.g. {@code raw-1}; the counter makes the id unique within it
   * @param time RFC 3339 UTC, whole seconds
   */
  static String sent(String idPrefix, long counter, String time) {
    return "{\"id\":\"" + id(idPrefix, counter) + "\""
        + ",\"type\":\"product_viewed\""
        + ",\"time\":\"" + time + "\""
        + ",\"visitorId\":\"v-" + zeroPadded(counter % VISITORS, 5) + "\""
        + ",\"sku\":\"SKU-" + zeroPadded(counter % SKUS, 4) + "\""
        + ",\"price\":\"19.99\",\"currency\":\"EUR\"}";
  }

  static String id(String idPrefix, long counter) {
    return idPrefix + "-" + zeroPadded(counter, 9);
  }

  private static String zeroPadded(long value, int width) {
    String digits = Long.toString(value);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }
}
