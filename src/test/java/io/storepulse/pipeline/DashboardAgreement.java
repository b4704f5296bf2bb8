package io.storepulse.pipeline;

import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares what a dashboard client holds for a channel with what the read API serves from the
 * result tables; each method returns the differences, none when they agree.
 */
final class DashboardAgreement {

  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final TestServer server;
  private final String store;
  private final String readToken;

  DashboardAgreement(TestServer server, String store, String readToken) {
    this.server = server;
    this.store = store;
    this.readToken = readToken;
  }

  /** What a dashboard client holds for a subscription, rebuilt from what it received: key to value. */
  static Map<String, Object> shown(DashboardClient client, String id) {
    return client.mirror(id).catchUp().state().getMap();
  }

  /** One comparison of a channel with the tables, run again at every poll. */
  @FunctionalInterface
  interface Check {
    List<String> differences() throws SQLException;
  }

  /**
   * Waits until the pipeline has persisted every logged event and closed every short window of
   * the store, and then no check finds a difference; fails with the last differences found.
   */
  void awaitAgreement(Connection db, int partitions, Check... checks) {
    List<String> problems = new ArrayList<>();
    try {
      Deadline.await(Duration.ofSeconds(30), "the dashboard to show what the result tables hold", () -> {
        problems.clear();
        try {
          if (!PersistedWindows.caughtUp(db, partitions)
              || PersistedWindows.provisional(db, List.of(store), LiveShop.SHORT) > 0) {
            problems.add("the pipeline has not persisted every event and closed every short window yet");
            return false;
          }
          for (Check check : checks) {
            problems.addAll(check.differences());
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
        return problems.isEmpty();
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last differences:\n" + String.join("\n", problems), e);
    }
  }

  /**
   * A metrics channel against {@code GET /metrics}: the same newest (up to 60) windows with the same
   * start, end, status and metrics.
   */
  List<String> windows(String kind, Map<String, Object> mirror) {
    JsonArray listed = get("/v1/stores/" + store + "/metrics?window=" + kind + "&limit=2000&from="
        + Instant.now().minus(Duration.ofHours(3)) + "&to=" + Instant.now().plus(Duration.ofHours(2)))
        .getJsonArray("windows");
    TreeMap<String, Object> persisted = new TreeMap<>();
    listed.forEach(w -> persisted.put(((JsonObject) w).getString("start"), w));
    while (persisted.size() > 60) {
      persisted.pollFirstEntry();
    }
    TreeMap<String, Object> shown = new TreeMap<>();
    mirror.forEach((start, w) -> {
      JsonObject window = ((JsonObject) w).copy();
      window.remove("movingAverages");
      shown.put(start, window);
    });
    return differences(kind + " windows", persisted, shown);
  }

  /** The moving averages of a short-window channel against the {@code moving_averages} rows. */
  List<String> movingAverages(Connection db, Map<String, Object> mirror) throws SQLException {
    Map<String, Object> persisted = new TreeMap<>();
    try (PreparedStatement query = db.prepareStatement(
        "SELECT window_start, metric, value, simple, exponential FROM moving_averages WHERE store_id = ?")) {
      query.setString(1, store);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          String start = rows.getObject(1, OffsetDateTime.class).toInstant().toString();
          if (mirror.containsKey(start)) {
            ((JsonObject) persisted.computeIfAbsent(start, s -> new JsonObject())).put(rows.getString(2),
                new JsonObject().put("value", rows.getDouble(3)).put("simple", rows.getDouble(4))
                    .put("exponential", rows.getDouble(5)));
          }
        }
      }
    }
    Map<String, Object> shown = new TreeMap<>();
    mirror.forEach((start, w) -> {
      JsonObject averages = ((JsonObject) w).getJsonObject("movingAverages");
      if (averages != null) {
        shown.put(start, averages);
      }
    });
    return differences("moving averages", persisted, shown);
  }

  /** The trending channel of a window kind against {@code GET /trending}, by units and by views. */
  List<String> trending(String kind, Map<String, Object> mirror) {
    Map<String, Object> persisted = new TreeMap<>();
    for (String by : List.of("units", "views")) {
      JsonObject answer = get("/v1/stores/" + store + "/trending?window=" + kind + "&by=" + by);
      if (answer.containsKey("windowStart")) {
        persisted.put(by, new JsonObject().put("windowStart", answer.getString("windowStart"))
            .put("windowEnd", answer.getString("windowEnd")).put("status", answer.getString("status"))
            .put("products", answer.getJsonArray("products")));
      }
    }
    return differences(kind + " trending", persisted, new TreeMap<>(mirror));
  }

  /** The inventory channel against {@code GET /inventory}: every level, without its update time. */
  List<String> inventory(Map<String, Object> mirror) {
    Map<String, Object> persisted = new TreeMap<>();
    get("/v1/stores/" + store + "/inventory?limit=1000").getJsonArray("items").forEach(item -> {
      JsonObject level = ((JsonObject) item).copy();
      level.remove("updatedAt");
      persisted.put(level.getString("sku"), level);
    });
    return differences("levels", persisted, new TreeMap<>(mirror));
  }

  /** The alerts channel against {@code GET /alerts}, keyed as the channel keys them. */
  List<String> alerts(Map<String, Object> mirror) {
    Map<String, Object> persisted = new TreeMap<>();
    get("/v1/stores/" + store + "/alerts?limit=1000").getJsonArray("alerts").forEach(item -> {
      JsonObject alert = ((JsonObject) item).copy();
      alert.remove("id");
      alert.remove("raisedAt");
      persisted.put(KEY_TIME.format(Instant.parse(alert.getString("windowStart"))) + "|" + alert.getString("kind")
          + "|" + alert.getString("message"), alert);
    });
    return differences("alerts", persisted, new TreeMap<>(mirror));
  }

  private JsonObject get(String path) {
    HttpResponse<Buffer> response = server.client().get(path).bearerTokenAuthentication(readToken).send().await();
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }

  private static List<String> differences(String what, Map<String, Object> persisted, Map<String, Object> shown) {
    List<String> problems = new ArrayList<>();
    persisted.forEach((key, value) -> {
      if (!value.equals(shown.get(key))) {
        problems.add(what + " " + key + ": persisted " + value + ", shown " + shown.get(key));
      }
    });
    shown.keySet().stream().filter(key -> !persisted.containsKey(key))
        .forEach(key -> problems.add(what + " " + key + ": shown " + shown.get(key) + ", not persisted"));
    return problems;
  }
}
