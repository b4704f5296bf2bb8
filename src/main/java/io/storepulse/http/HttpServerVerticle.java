package io.storepulse.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storepulse.config.StorePulseConfig;
import io.storepulse.dashboard.ConnectionLimiter;
import io.storepulse.dashboard.DashboardHub;
import io.storepulse.health.HealthSampler;
import io.storepulse.health.IngestStats;
import io.storepulse.health.ServerState;
import io.storepulse.pipeline.ResultQueries;
import io.storepulse.store.KeyRegistry;
import io.storepulse.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The HTTP API. One instance runs on each event loop; they share the listening port and the
 * services given to the constructor, which are all thread-safe.
 */
public final class HttpServerVerticle extends VerticleBase {

  /** What the instances share. */
  public record Services(
      StorePulseConfig config,
      KeyRegistry keys,
      String adminToken,
      StoreService stores,
      ResultQueries results,
      IngestStats stats,
      ServerState state,
      HealthSampler health,
      AtomicReference<JsonObject> latestHealth,
      PrometheusMeterRegistry registry,
      DashboardHub dashboards,
      ConnectionLimiter dashboardConnections) {
  }

  private final Services services;
  private HttpServer server;
  private DashboardSocket dashboardSocket;

  public HttpServerVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    StorePulseConfig config = services.config();
    Credentials credentials = new Credentials(services.keys(), services.adminToken());
    Router router = Router.router(vertx);
    IngestHandler ingest = new IngestHandler(vertx, credentials, config.ingest(), config.ackTimeout(),
        services.stats(), services.state());
    router.post("/v1/events").handler(ingest::handle);
    new AdminHandler(credentials, services.stores()).mount(router);
    new QueryHandler(credentials, services.results(), config.engine(), config.pipeline().partitions()).mount(router);
    new InventoryHandler(credentials, services.results(), config.pipeline().partitions(),
        config.inventory().reservationMaxTtl()).mount(router);
    new HealthRoutes(services.health(), services.latestHealth(), services.registry()).mount(router);
    dashboardSocket = new DashboardSocket(vertx, credentials, services.dashboards(), services.dashboardConnections(),
        config.dashboard(), config.engine().windowKinds());
    dashboardSocket.mount(router);
    new DashboardPage().mount(router);
    router.route().failureHandler(Problems::handle);
    // what no route handles (unknown path, method not allowed) is answered as a problem too
    for (int status : new int[] {404, 405, 413, 500}) {
      router.errorHandler(status, Problems::handle);
    }

    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setTcpNoDelay(true)
        .setIdleTimeout(120)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  /** Stops accepting connections and waits for the requests in flight to be answered. */
  @Override
  public Future<?> stop() {
    dashboardSocket.stop();
    return server.shutdown(services.config().shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }
}
