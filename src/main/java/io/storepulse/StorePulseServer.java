package io.storepulse;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storepulse.config.DatabaseUrl;
import io.storepulse.config.StorePulseConfig;
import io.storepulse.dashboard.ChannelKey;
import io.storepulse.dashboard.ConnectionLimiter;
import io.storepulse.dashboard.DashboardHub;
import io.storepulse.dashboard.feed.DashboardFeedVerticle;
import io.storepulse.db.EmbeddedDatabase;
import io.storepulse.db.Migrations;
import io.storepulse.db.Pools;
import io.storepulse.eventbus.LocalCodec;
import io.storepulse.eventlog.AppendRequest;
import io.storepulse.eventlog.AppendResult;
import io.storepulse.eventlog.EventLogWriterVerticle;
import io.storepulse.health.GuardedMetricsFactory;
import io.storepulse.health.HealthMonitorVerticle;
import io.storepulse.health.HealthSampler;
import io.storepulse.health.IngestStats;
import io.storepulse.health.PipelineStats;
import io.storepulse.health.ServerState;
import io.storepulse.http.HttpServerVerticle;
import io.storepulse.pipeline.InventoryOperation;
import io.storepulse.pipeline.PartitionProgress;
import io.storepulse.pipeline.PartitionVerticle;
import io.storepulse.pipeline.PipelineChanges;
import io.storepulse.pipeline.RecommendationAnswer;
import io.storepulse.pipeline.RecommendationQuery;
import io.storepulse.pipeline.ResultQueries;
import io.storepulse.store.AdminToken;
import io.storepulse.store.KeyRegistry;
import io.storepulse.store.StoreService;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running storepulse: database, verticles, HTTP. {@link #start} and {@link #stop} block and
 * are meant for the main thread (and for tests that run a server in-process).
 */
public final class StorePulseServer {

  private static final Logger log = LoggerFactory.getLogger(StorePulseServer.class);
  static final String DEMO_STORE = "demo";

  private final StorePulseConfig config;
  private final ServerState state = new ServerState();
  private EmbeddedDatabase embedded;
  private DatabaseUrl databaseUrl;
  private String adminToken;
  private Vertx vertx;
  private Pool queryPool;
  private StoreService stores;
  private String httpDeployment;
  private String writerDeployment;
  private String healthDeployment;
  private String dashboardDeployment;
  private String pipelineDeployment;
  private Pool pipelinePool;

  private StorePulseServer(StorePulseConfig config) {
    this.config = config;
  }

  /**
   * Starts everything and returns once the server is ready.
   *
   * @param out where first-start secrets (generated admin token, demo store keys) are shown once
   */
  public static StorePulseServer start(StorePulseConfig config, PrintStream out) throws StartupException {
    StorePulseServer server = new StorePulseServer(config);
    try {
      server.startAll(out);
      return server;
    } catch (StartupException e) {
      server.stop();
      throw e;
    }
  }

  private void startAll(PrintStream out) throws StartupException {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new StartupException("cannot use data directory " + config.dataDir().toAbsolutePath() + ": " + e.getMessage(), e);
    }

    if (config.database().url().isPresent()) {
      databaseUrl = config.database().url().get();
    } else {
      try {
        embedded = EmbeddedDatabase.start(config.dataDir().resolve("postgres"), config.database().embeddedDurable());
        databaseUrl = embedded.url();
      } catch (IOException | RuntimeException e) {
        throw new StartupException("cannot start the embedded PostgreSQL in "
            + config.dataDir().resolve("postgres").toAbsolutePath() + ": " + rootMessage(e), e);
      }
    }

    try {
      int applied = Migrations.migrate(databaseUrl, config.database().connectAttempts());
      log.info("database {} ready ({} migrations applied)", databaseUrl.redacted(), applied);
    } catch (FlywayException e) {
      throw new StartupException("cannot prepare the database at " + databaseUrl.redacted() + " after "
          + config.database().connectAttempts() + " attempts: " + rootMessage(e), e);
    }

    // only once the database answers: a token generated on a failed start would be shown and lost
    try {
      AdminToken.Resolved token = AdminToken.resolve(config.adminToken(), config.dataDir());
      adminToken = token.token();
      if (token.generated()) {
        out.println("storepulse: generated admin token (shown once; kept in " + token.file() + "): " + token.token());
      }
    } catch (IOException e) {
      throw new StartupException("cannot keep the admin token in " + config.dataDir().toAbsolutePath() + ": " + e.getMessage(), e);
    }

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    vertx = Vertx.builder()
        .with(new VertxOptions()
            .setEventLoopPoolSize(config.http().eventLoops())
            .setMetricsOptions(metricsOptions()))
        .withMetrics(new GuardedMetricsFactory(new MicrometerMetricsFactory(registry)))
        .build();
    LocalCodec.register(vertx, AppendRequest.class);
    LocalCodec.register(vertx, AppendResult.class);
    LocalCodec.register(vertx, RecommendationQuery.class);
    LocalCodec.register(vertx, RecommendationAnswer.class);
    LocalCodec.register(vertx, PartitionProgress.class);
    LocalCodec.register(vertx, PipelineChanges.class);
    LocalCodec.register(vertx, ChannelKey.class);
    for (Class<?> type : InventoryOperation.types()) {
      LocalCodec.register(vertx, type);
    }

    IngestStats stats = new IngestStats();
    stats.bindTo(registry);
    queryPool = Pools.create(vertx, databaseUrl, "queries", config.database().poolSize());
    KeyRegistry keys = new KeyRegistry();
    stores = new StoreService(queryPool, keys);
    PipelineStats pipelineStats = new PipelineStats();
    ConnectionLimiter dashboardConnections = new ConnectionLimiter(config.dashboard().maxConnections());
    HealthSampler sampler = new HealthSampler(stats, pipelineStats, state, version(), () -> poolUse(registry),
        dashboardConnections::open);
    AtomicReference<JsonObject> latestHealth = new AtomicReference<>();
    ResultQueries results = new ResultQueries(queryPool);
    // seqs start at the start time, so a client resuming across a restart is reset, not misled
    DashboardHub dashboards = new DashboardHub(config.dashboard().replayBuffer(), System.currentTimeMillis());
    HttpServerVerticle.Services services = new HttpServerVerticle.Services(config, keys, adminToken, stores, results,
        stats, state, sampler, latestHealth, registry, dashboards, dashboardConnections);

    Future<Void> started = stores.loadKeys()
        .compose(n -> ensureDemoStore(stores, out))
        .compose(v -> vertx.deployVerticle(new HealthMonitorVerticle(queryPool, state, sampler, latestHealth, pipelineStats)))
        .compose(id -> {
          healthDeployment = id;
          return vertx.deployVerticle(new DashboardFeedVerticle(dashboards, results, config.engine().shortKind()));
        })
        .compose(id -> {
          dashboardDeployment = id;
          // before the writer: a partition takes the log's end at start as complete
          return deployPipeline();
        })
        .compose(id -> {
          pipelineDeployment = id;
          return vertx.deployVerticle(new EventLogWriterVerticle(databaseUrl, config.writer(), stats));
        })
        .compose(id -> {
          writerDeployment = id;
          return vertx.deployVerticle(() -> new HttpServerVerticle(services),
              new DeploymentOptions().setInstances(config.http().eventLoops()));
        })
        .map(id -> {
          httpDeployment = id;
          return null;
        });
    try {
      started.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new StartupException("cannot start: " + rootMessage(e), e);
    }
    state.phase(ServerState.Phase.READY);
    log.info("storepulse {} listening on http://{}:{}", version(), config.http().host(), config.http().port());
  }

  /**
   * One verticle per partition. They are worker verticles: applying a page of the log to the
   * engine and taking its snapshot are CPU work of tens of milliseconds that must not hold up the
   * event loops answering ingest. Vert.x still runs each instance on one thread at a time, so a
   * partition keeps a single writer.
   */
  private Future<String> deployPipeline() {
    if (!config.pipeline().enabled()) {
      log.info("analytics pipeline disabled (pipeline.enabled=false): this node only ingests");
      return Future.succeededFuture();
    }
    int partitions = config.pipeline().partitions();
    pipelinePool = Pools.create(vertx, databaseUrl, "pipeline", partitions);
    AtomicInteger next = new AtomicInteger();
    return vertx.deployVerticle(
        () -> new PartitionVerticle(next.getAndIncrement(), config.pipeline(), config.dashboard().publishInterval(),
            config.engine(),
            config.inventory().book(), pipelinePool),
        new DeploymentOptions().setInstances(partitions).setThreadingModel(ThreadingModel.WORKER));
  }

  /**
   * Vert.x metrics kept to those an operator reads: HTTP requests by method and status, and the
   * connection pools (which {@code /health} reports too). Socket byte counts and per-message
   * event-bus meters are left out: each costs meter lookups on every read, write and message of
   * the ingest path, and the writer's queue and batches are measured by our own gauges.
   */
  private static MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setDisabledMetricsCategories(Set.of(MetricsDomain.NET_SERVER.toCategory(), MetricsDomain.EVENT_BUS.toCategory()));
  }

  /** On first start, a store to try things with; its keys are shown once. */
  private Future<Void> ensureDemoStore(StoreService stores, PrintStream out) {
    return stores.storeExists(DEMO_STORE).compose(exists -> {
      if (exists) {
        return Future.succeededFuture();
      }
      return stores.createStore(DEMO_STORE, "Demo store").map(created -> {
        out.println("storepulse: created store '" + DEMO_STORE + "' (keys shown once)");
        out.println("  write key:  " + created.writeKey().secret());
        out.println("  read token: " + created.readToken().secret());
        return null;
      });
    });
  }

  /**
   * Drains and stops: readiness goes false at once, the HTTP servers stop accepting and answer
   * what is in flight, the log writer commits what it holds, then the database closes.
   */
  public void stop() {
    state.phase(ServerState.Phase.DRAINING);
    if (vertx != null) {
      log.info("draining: not ready, HTTP stops accepting and answers what is in flight");
      Future<?> drained = undeploy(httpDeployment)
          .eventually(() -> {
            log.info("HTTP stopped; flushing the event log writer");
            return undeploy(writerDeployment);
          })
          .eventually(() -> {
            log.info("event log flushed; persisting the pipeline's results");
            return undeploy(pipelineDeployment);
          })
          .eventually(() -> undeploy(dashboardDeployment))
          .eventually(() -> undeploy(healthDeployment))
          .eventually(() -> pipelinePool == null ? Future.succeededFuture() : pipelinePool.close())
          .eventually(() -> queryPool == null ? Future.succeededFuture() : queryPool.close());
      await(drained, config.shutdownTimeout().plusSeconds(10));
      // closed from here, not from a callback: its completion must not depend on the event loops it stops
      await(vertx.close(), Duration.ofSeconds(10));
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    }
  }

  private static void await(Future<?> future, Duration timeout) {
    try {
      future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("shutdown step did not complete cleanly: {}", rootMessage(e));
    }
  }

  private Future<?> undeploy(String deployment) {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }

  public int port() {
    return config.http().port();
  }

  /** Stores and their keys, for what runs beside the server (the {@code --demo} simulator). */
  public StoreService stores() {
    return stores;
  }

  /** Connections in use per pool, from the Vert.x pool metrics. */
  private static Map<String, Object> poolUse(PrometheusMeterRegistry registry) {
    Map<String, Object> use = new LinkedHashMap<>();
    for (Meter meter : registry.find("vertx.pool.in.use").meters()) {
      String name = meter.getId().getTag("pool_name");
      meter.measure().forEach(m -> use.put(name, (long) m.getValue()));
    }
    return use;
  }

  static String version() {
    Properties properties = new Properties();
    try (InputStream in = StorePulseServer.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // the version is informative only
    }
    return properties.getProperty("version", "unknown");
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
  }
}
