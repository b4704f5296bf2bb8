package io.storepulse.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Valid catalog events stamped with the current time, and ways to pack them into request bodies. */
public final class Events {

  private Events() {
  }

  /** A {@code page_viewed} event, the smallest valid event. */
  public static JsonObject pageView(String id) {
    return new JsonObject()
        .put("id", id)
        .put("type", "page_viewed")
        .put("time", Instant.now().toString())
        .put("visitorId", "visitor-" + id);
  }

  /** A page view at a given time. */
  public static JsonObject pageView(String id, Instant time) {
    return pageView(id).put("time", time.toString());
  }

  /** An {@code order_completed} in EUR with a total and its lines ({@link #line}). */
  public static JsonObject order(String id, Instant time, String total, JsonObject... lines) {
    return new JsonObject()
        .put("id", id)
        .put("type", "order_completed")
        .put("time", time.toString())
        .put("visitorId", "visitor-" + id)
        .put("orderId", "order-" + id)
        .put("currency", "EUR")
        .put("total", total)
        .put("items", new JsonArray(List.of((Object[]) lines)));
  }

  /** An order line. */
  public static JsonObject line(String sku, int quantity, String price) {
    return new JsonObject().put("sku", sku).put("quantity", quantity).put("price", price);
  }

  /** An {@code inventory_restocked}: {@code quantity} more units of a SKU on hand. */
  public static JsonObject restocked(String id, String sku, int quantity) {
    return new JsonObject()
        .put("id", id)
        .put("type", "inventory_restocked")
        .put("time", Instant.now().toString())
        .put("sku", sku)
        .put("quantity", quantity);
  }

  /** {@code count} page views with the ids {@code prefix-0} to {@code prefix-(count-1)}. */
  public static JsonArray pageViews(String prefix, int count) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < count; i++) {
      events.add(pageView(prefix + "-" + i));
    }
    return events;
  }

  /** The {@code id} of every event, in order. */
  public static List<String> ids(JsonArray events) {
    List<String> ids = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      ids.add(events.getJsonObject(i).getString("id"));
    }
    return ids;
  }

  /** One event per line, as {@code application/x-ndjson}. */
  public static String ndjson(JsonArray events) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < events.size(); i++) {
      lines.append(events.getJsonObject(i).encode()).append('\n');
    }
    return lines.toString();
  }

  public static byte[] gzip(String text) {
    return gzip(text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
