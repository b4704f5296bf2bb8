package io.storepulse.dashboard.feed;

import io.storepulse.dashboard.ChannelKey;
import io.storepulse.dashboard.DashboardHub;
import io.storepulse.health.HealthAddresses;
import io.storepulse.pipeline.PipelineAddresses;
import io.storepulse.pipeline.PipelineChanges;
import io.storepulse.pipeline.ResultQueries;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Feeds the dashboard hub: every partition drain ({@link PipelineAddresses#CHANGES}) and every
 * health report ({@link HealthAddresses#REPORT}, once a second). A channel's history is loaded from the result tables the first time
 * a dashboard opens it ({@link DashboardAddresses#OPEN}). One instance, so the feed has a single
 * writer.
 */
public final class DashboardFeedVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(DashboardFeedVerticle.class);
  /** SKUs loaded into an inventory channel at open; the rest appear as they change. */
  static final int SEEDED_LEVELS = 10_000;

  private final DashboardHub hub;
  private final ResultQueries results;
  private final String shortKind;
  private final Map<ChannelKey, Future<Void>> opened = new HashMap<>();
  private DashboardFeed feed;
  private MessageConsumer<PipelineChanges> changes;
  private MessageConsumer<ChannelKey> opens;
  private MessageConsumer<JsonObject> reports;

  /** @param shortKind the short window kind, whose windows carry moving averages */
  public DashboardFeedVerticle(DashboardHub hub, ResultQueries results, String shortKind) {
    this.hub = hub;
    this.results = results;
    this.shortKind = shortKind;
  }

  @Override
  public Future<?> start() {
    feed = new DashboardFeed(hub, shortKind);
    changes = vertx.eventBus().localConsumer(PipelineAddresses.CHANGES, message -> feed.apply(message.body()));
    opens = vertx.eventBus().localConsumer(DashboardAddresses.OPEN, this::open);
    reports = vertx.eventBus().localConsumer(HealthAddresses.REPORT, message -> feed.health(message.body()));
    return Future.all(changes.completion(), opens.completion(), reports.completion());
  }

  @Override
  public Future<?> stop() {
    return changes.unregister().compose(v -> opens.unregister()).compose(v -> reports.unregister());
  }

  private void open(Message<ChannelKey> message) {
    ChannelKey channel = message.body();
    opened.computeIfAbsent(channel, this::load).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(null);
      } else {
        opened.remove(channel); // the next open tries again
        log.warn("cannot load the history of dashboard channel {}: {}", channel, ar.cause().toString());
        message.fail(503, "the history of this channel cannot be loaded now: " + ar.cause().getMessage());
      }
    });
  }

  private Future<Void> load(ChannelKey channel) {
    String store = channel.store();
    Future<JsonArray> history = switch (channel.kind()) {
      case METRICS -> results.recentWindows(store, channel.window(), DashboardFeed.RETAINED_WINDOWS)
          .compose(windows -> channel.window().equals(shortKind) ? withMovingAverages(store, windows)
              : Future.succeededFuture(windows));
      case TRENDING -> results.latestWindow(store, channel.window())
          .map(window -> window == null ? new JsonArray() : new JsonArray().add(window));
      case INVENTORY -> results.levels(store, false, "", SEEDED_LEVELS);
      case ALERTS -> results.latestAlerts(store, DashboardFeed.RETAINED_ALERTS);
      case HEALTH -> Future.succeededFuture(new JsonArray());
    };
    return history.map(loaded -> {
      feed.seed(channel, loaded);
      return null;
    });
  }

  /** Adds each window's persisted moving-average points, as the live feed shows them. */
  private Future<JsonArray> withMovingAverages(String store, JsonArray windows) {
    if (windows.isEmpty()) {
      return Future.succeededFuture(windows);
    }
    Instant oldest = Instant.parse(windows.getJsonObject(windows.size() - 1).getString("start"));
    return results.movingAverages(store, oldest).map(points -> {
      Map<String, JsonObject> byStart = new HashMap<>();
      windows.forEach(w -> byStart.put(((JsonObject) w).getString("start"), (JsonObject) w));
      points.forEach(p -> {
        JsonObject point = ((JsonObject) p).copy();
        JsonObject window = byStart.get((String) point.remove("windowStart"));
        if (window != null) {
          String metric = (String) point.remove("metric");
          if (!window.containsKey("movingAverages")) {
            window.put("movingAverages", new JsonObject());
          }
          window.getJsonObject("movingAverages").put(metric, point);
        }
      });
      return windows;
    });
  }
}
