package io.storepulse.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storepulse.health.HealthAddresses;
import io.storepulse.health.HealthSampler;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.concurrent.atomic.AtomicReference;

/** The operator's endpoints: liveness, readiness, details, a live stream, Prometheus metrics. */
final class HealthRoutes {

  private final HealthSampler sampler;
  private final AtomicReference<JsonObject> latest;
  private final PrometheusMeterRegistry registry;

  HealthRoutes(HealthSampler sampler, AtomicReference<JsonObject> latest, PrometheusMeterRegistry registry) {
    this.sampler = sampler;
    this.latest = latest;
    this.registry = registry;
  }

  void mount(Router router) {
    // answering at all proves the event loop is not stuck
    router.get("/health/live").handler(ctx -> json(ctx.response(), 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
    router.get("/health").handler(ctx -> json(ctx.response(), sampler.ready() ? 200 : 503, latest.get()));
    router.get("/health/stream").handler(this::stream);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
  }

  private void ready(RoutingContext ctx) {
    json(ctx.response(), sampler.ready() ? 200 : 503, new JsonObject(sampler.readiness()));
  }

  /** Server-sent events: the report once a second until the client goes away. */
  private void stream(RoutingContext ctx) {
    HttpServerResponse response = ctx.response()
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(event(latest.get()));
    MessageConsumer<JsonObject> consumer = ctx.vertx().eventBus().localConsumer(HealthAddresses.REPORT, message -> {
      // a client that stops reading misses reports instead of queueing them without bound
      if (!response.writeQueueFull()) {
        response.write(event(message.body()));
      }
    });
    response.closeHandler(v -> consumer.unregister());
  }

  private static String event(JsonObject report) {
    return "event: health\ndata: " + report.encode() + "\n\n";
  }

  private static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }
}
