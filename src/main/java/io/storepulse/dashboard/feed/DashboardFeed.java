package io.storepulse.dashboard.feed;

import io.storepulse.analytics.Alert;
import io.storepulse.analytics.MovingAveragePoint;
import io.storepulse.analytics.WindowResult;
import io.storepulse.dashboard.ChannelKey;
import io.storepulse.dashboard.DashboardHub;
import io.storepulse.inventory.StockAlert;
import io.storepulse.inventory.StockLevel;
import io.storepulse.pipeline.PipelineChanges;
import io.storepulse.pipeline.ResultJson;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns what the pipeline computed into dashboard channel changes: the newest windows per store
 * and window kind (with their moving averages once final), the trending products of the newest
 * window, stock levels and the alert feed. The single writer of those channels; not thread-safe,
 * owned by {@link DashboardFeedVerticle}.
 *
 * <p>Every value it publishes is complete (a window's full metrics, a level's full numbers), so a
 * later value for a key always replaces an earlier one. That is what makes {@link #seed} exact:
 * history loaded from the database fills only keys the live feed has not published since start,
 * because whatever it did publish is at least as new as what was persisted. The one part that is
 * not republished is a window's moving averages: the engine computes them once, when the window
 * becomes final, so a window the live feed republished since the start (a correction) lacks the
 * averages an earlier run persisted, and history adds those.
 */
final class DashboardFeed {

  /** Windows kept per metrics channel: an hour of one-minute windows. */
  static final int RETAINED_WINDOWS = 60;
  /** Alerts kept per store. */
  static final int RETAINED_ALERTS = 100;
  static final String TRENDING_BY_UNITS = "units";
  static final String TRENDING_BY_VIEWS = "views";

  /** Fixed width, so alert keys sort by time as text. */
  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final DashboardHub hub;
  private final String shortKind;
  /** Per metrics channel, the windows it shows, with their JSON (needed to add moving averages). */
  private final Map<ChannelKey, TreeMap<Instant, JsonObject>> windows = new HashMap<>();
  /** Per trending channel, the start of the window its ranking is from. */
  private final Map<ChannelKey, Instant> trendingWindow = new HashMap<>();
  private final Map<ChannelKey, TreeSet<String>> alertKeys = new HashMap<>();

  /**
   * @param shortKind the short window kind, the one moving averages belong to
   */
  DashboardFeed(DashboardHub hub, String shortKind) {
    this.hub = hub;
    this.shortKind = shortKind;
  }

  /** Publishes one drain of a partition: one change per channel it touches. */
  void apply(PipelineChanges drain) {
    Changes changes = new Changes();
    for (WindowResult w : drain.changes().windows()) {
      JsonObject window = ResultJson.window(w);
      putWindow(changes, ChannelKey.metrics(w.storeId(), w.windowKind()), w.windowStart(), window);
      rank(changes, ChannelKey.trending(w.storeId(), w.windowKind()), w.windowStart(), window);
    }
    for (MovingAveragePoint point : drain.changes().movingAverages()) {
      addMovingAverage(changes, ChannelKey.metrics(point.storeId(), shortKind), point.windowStart(), point.metric(),
          ResultJson.movingAverage(point.value(), point.simple(), point.exponential()));
    }
    for (Alert alert : drain.changes().alerts()) {
      putAlert(changes, alert.storeId(), ResultJson.alert(alert));
    }
    for (StockLevel level : drain.stock().levels()) {
      changes.put(ChannelKey.inventory(level.storeId()), level.sku(), ResultJson.level(level));
    }
    for (PipelineChanges.LevelKey gone : drain.removedLevels()) {
      changes.remove(ChannelKey.inventory(gone.storeId()), gone.sku());
    }
    for (StockAlert alert : drain.stock().alerts()) {
      putAlert(changes, alert.level().storeId(), ResultJson.alert(alert));
    }
    changes.publishTo(hub);
  }

  /** Publishes a health report: one key per top-level field. */
  void health(JsonObject report) {
    Changes changes = new Changes();
    report.forEach(field -> changes.put(ChannelKey.health(), field.getKey(), field.getValue()));
    changes.publishTo(hub);
  }

  /**
   * Fills a channel with history from the database, for the keys the live feed has not
   * published (see the class comment).
   *
   * @param history for metrics: windows newest first, each optionally with {@code movingAverages};
   *     for trending: at most the one newest window; for inventory: levels; for alerts: alerts
   *     newest first
   */
  void seed(ChannelKey channel, JsonArray history) {
    Changes changes = new Changes();
    Set<String> present = hub.channel(channel).snapshot().state().keySet();
    switch (channel.kind()) {
      case METRICS -> history.forEach(item -> {
        JsonObject window = (JsonObject) item;
        Instant start = Instant.parse(window.getString("start"));
        if (!present.contains(start.toString())) {
          putWindow(changes, channel, start, window);
        } else if (window.containsKey("movingAverages")) {
          addMissingMovingAverages(changes, channel, start, window.getJsonObject("movingAverages"));
        }
      });
      case TRENDING -> history.forEach(item -> {
        JsonObject window = (JsonObject) item;
        if (!trendingWindow.containsKey(channel)) {
          rank(changes, channel, Instant.parse(window.getString("start")), window);
        }
      });
      case INVENTORY -> history.forEach(item -> {
        JsonObject level = ((JsonObject) item).copy();
        level.remove("updatedAt");
        if (!present.contains(level.getString("sku"))) {
          changes.put(channel, level.getString("sku"), level);
        }
      });
      case ALERTS -> history.forEach(item -> {
        JsonObject alert = ((JsonObject) item).copy();
        alert.remove("id");
        alert.remove("raisedAt");
        if (!present.contains(alertKey(alert))) {
          putAlert(changes, channel.store(), alert);
        }
      });
      case HEALTH -> {
        // health has no history; the next report fills it
      }
    }
    changes.publishTo(hub);
  }

  private void putWindow(Changes changes, ChannelKey channel, Instant start, JsonObject window) {
    TreeMap<Instant, JsonObject> shown = windows.computeIfAbsent(channel, k -> new TreeMap<>());
    if (shown.size() >= RETAINED_WINDOWS && start.isBefore(shown.firstKey())) {
      return; // a correction of a window that scrolled out
    }
    JsonObject previous = shown.get(start);
    if (previous != null && previous.containsKey("movingAverages") && !window.containsKey("movingAverages")) {
      window = window.copy().put("movingAverages", previous.getJsonObject("movingAverages"));
    }
    shown.put(start, window);
    changes.put(channel, start.toString(), window);
    while (shown.size() > RETAINED_WINDOWS) {
      changes.remove(channel, shown.pollFirstEntry().getKey().toString());
    }
  }

  private void addMovingAverage(Changes changes, ChannelKey channel, Instant start, String metric, JsonObject point) {
    TreeMap<Instant, JsonObject> shown = windows.get(channel);
    JsonObject window = shown == null ? null : shown.get(start);
    if (window == null) {
      return; // scrolled out, or a window the feed never showed
    }
    JsonObject averages = window.containsKey("movingAverages") ? window.getJsonObject("movingAverages").copy()
        : new JsonObject();
    JsonObject updated = window.copy().put("movingAverages", averages.put(metric, point));
    shown.put(start, updated);
    changes.put(channel, start.toString(), updated);
  }

  /** Adds to a shown window the averages it lacks; those it has are at least as new. */
  private void addMissingMovingAverages(Changes changes, ChannelKey channel, Instant start, JsonObject averages) {
    TreeMap<Instant, JsonObject> shown = windows.get(channel);
    JsonObject window = shown == null ? null : shown.get(start);
    if (window == null) {
      return;
    }
    JsonObject own = window.getJsonObject("movingAverages");
    JsonObject merged = own == null ? averages.copy() : averages.copy().mergeIn(own);
    if (!merged.equals(own)) {
      JsonObject updated = window.copy().put("movingAverages", merged);
      shown.put(start, updated);
      changes.put(channel, start.toString(), updated);
    }
  }

  /** The trending ranking follows the newest window; a correction of an older one leaves it. */
  private void rank(Changes changes, ChannelKey channel, Instant start, JsonObject window) {
    Instant current = trendingWindow.get(channel);
    if (current != null && start.isBefore(current)) {
      return;
    }
    trendingWindow.put(channel, start);
    JsonObject metrics = window.getJsonObject("metrics");
    changes.put(channel, TRENDING_BY_UNITS, ranking(window, metrics.getJsonArray("topByUnits")));
    changes.put(channel, TRENDING_BY_VIEWS, ranking(window, metrics.getJsonArray("topByViews")));
  }

  private static JsonObject ranking(JsonObject window, JsonArray products) {
    return new JsonObject()
        .put("windowStart", window.getString("start"))
        .put("windowEnd", window.getString("end"))
        .put("status", window.getString("status"))
        .put("products", products);
  }

  private void putAlert(Changes changes, String store, JsonObject alert) {
    ChannelKey channel = ChannelKey.alerts(store);
    String key = alertKey(alert);
    TreeSet<String> shown = alertKeys.computeIfAbsent(channel, k -> new TreeSet<>());
    if (shown.size() >= RETAINED_ALERTS && key.compareTo(shown.first()) < 0) {
      return;
    }
    shown.add(key);
    changes.put(channel, key, alert);
    while (shown.size() > RETAINED_ALERTS) {
      changes.remove(channel, shown.pollFirst());
    }
  }

  private static String alertKey(JsonObject alert) {
    return KEY_TIME.format(Instant.parse(alert.getString("windowStart"))) + "|" + alert.getString("kind") + "|"
        + alert.getString("message");
  }

  /** What one call changes, gathered per channel so each channel moves by one seq. */
  private static final class Changes {

    private final Map<ChannelKey, Map<String, String>> values = new LinkedHashMap<>();
    private final Map<ChannelKey, Set<String>> removed = new LinkedHashMap<>();

    void put(ChannelKey channel, String key, Object value) {
      values.computeIfAbsent(channel, k -> new LinkedHashMap<>()).put(key, Json.encode(value));
      Set<String> gone = removed.get(channel);
      if (gone != null) {
        gone.remove(key);
      }
    }

    void remove(ChannelKey channel, String key) {
      Map<String, String> changed = values.get(channel);
      if (changed != null) {
        changed.remove(key);
      }
      removed.computeIfAbsent(channel, k -> new LinkedHashSet<>()).add(key);
    }

    void publishTo(DashboardHub hub) {
      Set<ChannelKey> channels = new LinkedHashSet<>(values.keySet());
      channels.addAll(removed.keySet());
      for (ChannelKey channel : channels) {
        hub.channel(channel).publish(values.getOrDefault(channel, Map.of()), removed.getOrDefault(channel, Set.of()));
      }
    }
  }
}
