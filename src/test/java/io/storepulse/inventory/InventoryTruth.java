package io.storepulse.inventory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded stream of inventory events for a few stores, and the plain reference of the levels it
 * must produce: the rules of {@link InventoryBook} read straight, applied to the distinct events in
 * the order the log holds them. Shared by the ground-truth and the crash test.
 */
final class InventoryTruth {

  static final Duration DISORDER = Duration.ofSeconds(5);
  static final double DUPLICATE_SHARE = 0.05;

  private InventoryTruth() {
  }

  /**
   * Per store: restocks of most SKUs, then orders of 1-3 lines, cancellations and refunds (whole or
   * per line, sometimes asking back more than was taken, sometimes twice), restocks and
   * adjustments; in arrival order (up to {@link #DISORDER} behind the latest event time), with about
   * {@link #DUPLICATE_SHARE} of the events sent again later. Event times end about now.
   */
  static List<JsonObject> stream(Random random, List<String> stores, int skus, int eventsPerStore, Instant now) {
    List<Timed> generated = new ArrayList<>();
    Instant first = now.minus(Duration.ofMinutes(10));
    long span = Duration.ofMinutes(9).toMillis();
    for (String store : stores) {
      List<JsonObject> orders = new ArrayList<>();
      int n = 0;
      // a fifth of the SKUs get no stock at first: their order lines change nothing until declared
      for (int s = 0; s < skus; s++) {
        if (s % 5 != 4) {
          generated.add(timed(random, restocked(store, n++, sku(s), 5 + random.nextInt(26)), first, 0, span));
        }
      }
      for (int i = 0; i < eventsPerStore; i++) {
        int kind = random.nextInt(100);
        JsonObject event;
        if (kind < 45 || orders.isEmpty()) {
          event = order(store, n++, random, skus);
          orders.add(event);
        } else if (kind < 70) {
          event = returned(store, n++, random, orders.get(random.nextInt(orders.size())), kind < 58);
        } else if (kind < 88) {
          event = restocked(store, n++, sku(random.nextInt(skus)), 1 + random.nextInt(12));
        } else {
          event = base(store, n++, "inventory_adjusted").put("sku", sku(random.nextInt(skus)));
          if (random.nextBoolean()) {
            event.put("set", random.nextInt(30));
          } else {
            event.put("delta", random.nextBoolean() ? -(1 + random.nextInt(5)) : 1 + random.nextInt(5));
          }
        }
        generated.add(timed(random, event, first, (long) span * (i + 1) / eventsPerStore, span));
      }
    }
    generated.sort(Comparator.comparingLong(Timed::arrival));
    List<JsonObject> sendOrder = new ArrayList<>();
    generated.forEach(timed -> sendOrder.add(timed.event()));
    int originals = sendOrder.size();
    for (int d = (int) (originals * DUPLICATE_SHARE); d > 0; d--) {
      int original = random.nextInt(originals);
      int at = Math.min(sendOrder.size(), original + 1 + random.nextInt(random.nextBoolean() ? 20 : 1_000));
      sendOrder.add(at, sendOrder.get(original).copy());
    }
    return sendOrder;
  }

  static String sku(int index) {
    return String.format("sku-%03d", index);
  }

  private static Timed timed(Random random, JsonObject event, Instant first, long offsetMillis, long span) {
    Instant time = first.plusMillis(Math.min(span, offsetMillis) + random.nextInt(50));
    event.put("time", time.toString());
    return new Timed(event, time.toEpochMilli() + (long) (random.nextDouble() * DISORDER.toMillis()));
  }

  private static JsonObject base(String store, int n, String type) {
    return new JsonObject().put("storeId", store).put("id", store + "-inv-" + n).put("type", type);
  }

  private static JsonObject restocked(String store, int n, String sku, int quantity) {
    return base(store, n, "inventory_restocked").put("sku", sku).put("quantity", quantity);
  }

  private static JsonObject order(String store, int n, Random random, int skus) {
    JsonArray items = new JsonArray();
    for (int lines = 1 + random.nextInt(3); lines > 0; lines--) {
      items.add(new JsonObject().put("sku", sku(random.nextInt(skus))).put("quantity", 1 + random.nextInt(4))
          .put("price", "2.50"));
    }
    return base(store, n, "order_completed").put("orderId", store + "-o" + n).put("visitorId", "v" + random.nextInt(40))
        .put("currency", "EUR").put("items", items);
  }

  private static JsonObject returned(String store, int n, Random random, JsonObject order, boolean cancel) {
    JsonObject event = base(store, n, cancel ? "order_cancelled" : "order_refunded")
        .put("orderId", order.getString("orderId"));
    if (random.nextInt(3) > 0) {
      event.put("restock", random.nextInt(4) > 0);
    }
    if (random.nextBoolean()) {
      JsonArray items = new JsonArray();
      for (Object line : order.getJsonArray("items")) {
        JsonObject item = (JsonObject) line;
        // sometimes more than the order took: the return is capped at what it took
        JsonObject back = new JsonObject().put("sku", item.getString("sku"))
            .put("quantity", item.getInteger("quantity") + (random.nextInt(5) == 0 ? 2 : 0));
        if (random.nextInt(3) == 0) {
          back.put("restock", random.nextBoolean());
        }
        items.add(back);
      }
      event.put("items", items);
    }
    return event;
  }

  /** The first sending of each (store, id), in sending order. */
  static Map<String, JsonObject> distinct(List<JsonObject> events) {
    Map<String, JsonObject> byId = new LinkedHashMap<>();
    events.forEach(event -> byId.putIfAbsent(key(event.getString("storeId"), event.getString("id")), event));
    return byId;
  }

  static String key(String store, String id) {
    return store + "/" + id;
  }

  /** The ids of the logged events of {@code store}, in log order. */
  static List<String> logOrder(Connection db, String store) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement query = db.prepareStatement(
        "SELECT event_id FROM events WHERE store_id = ? ORDER BY position")) {
      query.setString(1, store);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
    }
    return ids;
  }

  /**
   * The on-hand level per SKU of one store after {@code log}, in log order. The rules, as
   * {@link InventoryBook} documents them: a level exists once a restock or an adjustment declares
   * it; an order takes each line of a SKU with a level (driving it negative if need be) and is
   * remembered for the lines it took; a cancellation or refund gives back its flagged lines (a
   * line's flag overrides the event's), the whole remembered order when it has no lines and is
   * flagged, and never more than a remembered order still has to give back; a return for an order
   * not remembered gives back its flagged lines as they are.
   */
  static Map<String, Long> reference(List<JsonObject> log) {
    Map<String, Long> onHand = new TreeMap<>();
    Map<String, Map<String, Long>> remembered = new HashMap<>();
    for (JsonObject event : log) {
      String sku = event.getString("sku");
      switch (event.getString("type")) {
        case "inventory_restocked" -> onHand.merge(sku, event.getLong("quantity"), Long::sum);
        case "inventory_adjusted" -> onHand.put(sku, event.containsKey("set") ? event.getLong("set")
            : onHand.getOrDefault(sku, 0L) + event.getLong("delta"));
        case "order_completed" -> {
          for (Object line : event.getJsonArray("items")) {
            JsonObject item = (JsonObject) line;
            String itemSku = item.getString("sku");
            if (onHand.containsKey(itemSku)) {
              onHand.merge(itemSku, -item.getLong("quantity"), Long::sum);
              remembered.computeIfAbsent(event.getString("orderId"), id -> new LinkedHashMap<>())
                  .merge(itemSku, item.getLong("quantity"), Long::sum);
            }
          }
        }
        case "order_cancelled", "order_refunded" -> {
          Map<String, Long> order = remembered.get(event.getString("orderId"));
          boolean whole = Boolean.TRUE.equals(event.getBoolean("restock"));
          JsonArray items = event.getJsonArray("items", new JsonArray());
          if (items.isEmpty()) {
            if (whole && order != null) {
              order.forEach((lineSku, left) -> onHand.merge(lineSku, left, Long::sum));
              order.replaceAll((lineSku, left) -> 0L);
            }
          }
          for (Object line : items) {
            JsonObject item = (JsonObject) line;
            String itemSku = item.getString("sku");
            boolean back = item.containsKey("restock") ? item.getBoolean("restock") : whole;
            if (!back || !onHand.containsKey(itemSku)) {
              continue;
            }
            long quantity = item.getLong("quantity");
            if (order != null) {
              long left = order.getOrDefault(itemSku, 0L);
              quantity = Math.min(quantity, left);
              order.put(itemSku, left - quantity);
            }
            onHand.merge(itemSku, quantity, Long::sum);
          }
        }
        default -> throw new IllegalStateException("not generated: " + event.getString("type"));
      }
    }
    return onHand;
  }

  /** Whether every partition has checkpointed at or past the end of the log. */
  static boolean caughtUp(Connection db, int partitions) throws SQLException {
    try (Statement statement = db.createStatement();
        ResultSet rows = statement.executeQuery("SELECT (SELECT count(*) FROM pipeline_checkpoints),"
            + " (SELECT coalesce(min(position), 0) FROM pipeline_checkpoints),"
            + " (SELECT coalesce(max(position), 0) FROM events)")) {
      rows.next();
      return rows.getInt(1) == partitions && rows.getLong(2) >= rows.getLong(3);
    }
  }

  /** Levels of {@code store} whose on_hand or reserved differ from the sums of their movements. */
  static List<String> levelsDifferingFromTheirLedger(Connection db, String store) throws SQLException {
    List<String> problems = new ArrayList<>();
    try (PreparedStatement query = db.prepareStatement("""
        SELECT l.sku, l.on_hand, l.reserved, coalesce(m.on_hand, 0), coalesce(m.reserved, 0)
        FROM inventory_levels l
        LEFT JOIN (SELECT sku, sum(delta_on_hand) AS on_hand, sum(delta_reserved) AS reserved
                   FROM inventory_movements WHERE store_id = ? GROUP BY sku) m ON m.sku = l.sku
        WHERE l.store_id = ? AND (l.on_hand <> coalesce(m.on_hand, 0) OR l.reserved <> coalesce(m.reserved, 0))""")) {
      query.setString(1, store);
      query.setString(2, store);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          problems.add(store + "/" + rows.getString(1) + ": level " + rows.getLong(2) + "/" + rows.getLong(3)
              + ", ledger " + rows.getLong(4) + "/" + rows.getLong(5));
        }
      }
    }
    return problems;
  }

  /** How many movements of {@code store} have no level row (0 when the ledger belongs to levels). */
  static long movementsWithoutLevel(Connection db, String store) throws SQLException {
    try (PreparedStatement query = db.prepareStatement("""
        SELECT count(*) FROM inventory_movements m WHERE m.store_id = ? AND NOT EXISTS
          (SELECT 1 FROM inventory_levels l WHERE l.store_id = m.store_id AND l.sku = m.sku)""")) {
      query.setString(1, store);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** {@code GET /v1/stores/{store}/inventory} pages merged: on-hand per SKU, and reserved never non-zero. */
  static Map<String, Long> onHand(List<JsonObject> pages) {
    Map<String, Long> levels = new TreeMap<>();
    for (JsonObject page : pages) {
      for (Object item : page.getJsonArray("items")) {
        JsonObject level = (JsonObject) item;
        if (level.getLong("reserved") != 0 || level.getLong("available") != level.getLong("onHand").longValue()) {
          throw new AssertionError("no reservation was made, yet: " + level.encode());
        }
        levels.put(level.getString("sku"), level.getLong("onHand"));
      }
    }
    return levels;
  }

  private record Timed(JsonObject event, long arrival) {
  }
}
