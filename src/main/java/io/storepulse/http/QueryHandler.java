package io.storepulse.http;

import io.storepulse.analytics.EngineSettings;
import io.storepulse.analytics.Recommendations;
import io.storepulse.api.ClientFault;
import io.storepulse.api.ServerFault;
import io.storepulse.eventlog.StoreSlot;
import io.storepulse.pipeline.PipelineAddresses;
import io.storepulse.pipeline.RecommendationAnswer;
import io.storepulse.pipeline.RecommendationQuery;
import io.storepulse.pipeline.ResultQueries;
import io.storepulse.store.ApiKey;
import io.storepulse.store.KeyKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The read API over the pipeline's results: {@code /v1/stores/{store}/…}, for a read token of that store. */
final class QueryHandler {

  private static final int DEFAULT_LIMIT = 10;
  private static final int MAX_WINDOWS = 2000;
  private static final int MAX_ALERTS = 1000;

  private final Credentials credentials;
  private final ResultQueries results;
  private final EngineSettings engine;
  private final int partitions;
  private final List<String> kinds;

  QueryHandler(Credentials credentials, ResultQueries results, EngineSettings engine, int partitions) {
    this.credentials = credentials;
    this.results = results;
    this.engine = engine;
    this.partitions = partitions;
    this.kinds = engine.windowKinds();
  }

  void mount(Router router) {
    router.get("/v1/stores/:store/metrics").handler(this::metrics);
    router.get("/v1/stores/:store/trending").handler(this::trending);
    router.get("/v1/stores/:store/alerts").handler(this::alerts);
    router.get("/v1/stores/:store/recommendations").handler(this::recommendations);
  }

  private void metrics(RoutingContext ctx) {
    String store = authorizedStore(ctx);
    String kind = windowKind(ctx);
    Instant to = instantParam(ctx, "to", Instant.now().plus(Duration.ofDays(1)));
    Instant from = instantParam(ctx, "from", Instant.now().minus(Duration.ofHours(1)));
    int limit = intParam(ctx, "limit", MAX_WINDOWS, MAX_WINDOWS);
    respond(ctx, results.windows(store, kind, from, to, limit)
        .map(windows -> new JsonObject().put("store", store).put("window", kind).put("windows", windows)));
  }

  private void trending(RoutingContext ctx) {
    String store = authorizedStore(ctx);
    String kind = windowKind(ctx);
    String by = ctx.queryParams().get("by") == null ? "units" : ctx.queryParams().get("by");
    if (!by.equals("units") && !by.equals("views")) {
      throw ClientFault.badRequest("\"by\" must be units or views");
    }
    int limit = intParam(ctx, "limit", DEFAULT_LIMIT, engine.topK());
    respond(ctx, results.latestWindow(store, kind).map(window -> {
      JsonObject answer = new JsonObject().put("store", store).put("window", kind).put("by", by);
      if (window == null) {
        return answer.put("products", new JsonArray());
      }
      JsonArray ranking = window.getJsonObject("metrics").getJsonArray(by.equals("units") ? "topByUnits" : "topByViews");
      return answer.put("windowStart", window.getString("start")).put("windowEnd", window.getString("end"))
          .put("status", window.getString("status"))
          .put("products", new JsonArray(ranking.getList().subList(0, Math.min(limit, ranking.size()))));
    }));
  }

  private void alerts(RoutingContext ctx) {
    String store = authorizedStore(ctx);
    long since = longParam(ctx, "since", 0);
    int limit = intParam(ctx, "limit", 100, MAX_ALERTS);
    respond(ctx, results.alerts(store, since, limit)
        .map(alerts -> new JsonObject().put("store", store).put("alerts", alerts)));
  }

  private void recommendations(RoutingContext ctx) {
    String store = authorizedStore(ctx);
    String sku = ctx.queryParams().get("sku");
    if (sku == null || sku.isBlank()) {
      throw ClientFault.badRequest("\"sku\" is required");
    }
    String relationName = ctx.queryParams().get("relation") == null ? "bought" : ctx.queryParams().get("relation");
    Recommendations.Relation relation = switch (relationName) {
      case "bought" -> Recommendations.Relation.BOUGHT_TOGETHER;
      case "viewed" -> Recommendations.Relation.VIEWED_TOGETHER;
      default -> throw ClientFault.badRequest("\"relation\" must be bought or viewed");
    };
    int limit = intParam(ctx, "limit", DEFAULT_LIMIT, 100);
    int partition = StoreSlot.partition(StoreSlot.of(store), partitions);
    respond(ctx, ctx.vertx().eventBus()
        .<RecommendationAnswer>request(PipelineAddresses.recommendations(partition),
            new RecommendationQuery(store, sku, relation, limit))
        .recover(failure -> Future.failedFuture(ServerFault.unavailable("the pipeline did not answer", failure)))
        .map(reply -> {
          JsonArray products = new JsonArray();
          reply.body().recommendations().forEach(r -> products.add(new JsonObject().put("sku", r.sku()).put("score", r.score())));
          return new JsonObject().put("store", store).put("sku", sku).put("relation", relationName)
              .put("products", products);
        }));
  }

  /** The store in the path, once the read token is shown to belong to it. */
  private String authorizedStore(RoutingContext ctx) {
    ApiKey key = credentials.require(ctx.request(), KeyKind.READ);
    String store = ctx.pathParam("store");
    if (!key.storeId().equals(store)) {
      throw ClientFault.forbidden("this read token is for store '" + key.storeId() + "', not '" + store + "'");
    }
    return store;
  }

  private String windowKind(RoutingContext ctx) {
    String kind = ctx.queryParams().get("window");
    if (kind == null) {
      return engine.shortKind();
    }
    if (!kinds.contains(kind)) {
      throw ClientFault.badRequest("\"window\" must be one of " + String.join(", ", kinds));
    }
    return kind;
  }

  private static Instant instantParam(RoutingContext ctx, String name, Instant fallback) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ClientFault.badRequest("\"" + name + "\" must be an RFC 3339 UTC time like 2026-11-21T10:00:00Z");
    }
  }

  private static int intParam(RoutingContext ctx, String name, int fallback, int max) {
    long value = longParam(ctx, name, fallback);
    if (value < 1 || value > max) {
      throw ClientFault.badRequest("\"" + name + "\" must be from 1 to " + max);
    }
    return (int) value;
  }

  private static long longParam(RoutingContext ctx, String name, long fallback) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ClientFault.badRequest("\"" + name + "\" must be a whole number");
    }
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> answer) {
    answer.onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").end(body.toBuffer()))
        .onFailure(ctx::fail);
  }
}
