package io.storepulse.health;

import io.storepulse.pipeline.PartitionProgress;
import io.storepulse.pipeline.PipelineAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Once a second: checks that the database answers, samples the ingest figures, keeps the report
 * for {@code /health} and publishes it for {@code /health/stream}.
 */
public final class HealthMonitorVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HealthMonitorVerticle.class);
  private static final Duration PERIOD = Duration.ofSeconds(1);
  private static final Duration PING_TIMEOUT = Duration.ofMillis(900);

  private final Pool pool;
  private final ServerState state;
  private final HealthSampler sampler;
  private final AtomicReference<JsonObject> latest;
  private final PipelineStats pipeline;
  private long timer;
  private boolean checkedBefore;

  public HealthMonitorVerticle(Pool pool, ServerState state, HealthSampler sampler, AtomicReference<JsonObject> latest,
      PipelineStats pipeline) {
    this.pool = pool;
    this.pipeline = pipeline;
    this.state = state;
    this.sampler = sampler;
    this.latest = latest;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<PartitionProgress>localConsumer(PipelineAddresses.PROGRESS, message -> pipeline.record(message.body()));
    return checkDatabase().onComplete(v -> {
      publish();
      timer = vertx.setPeriodic(PERIOD.toMillis(), id -> checkDatabase().onComplete(done -> publish()));
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private Future<Void> checkDatabase() {
    return pool.query("SELECT 1").execute()
        .timeout(PING_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .transform(ar -> {
          if (checkedBefore && ar.succeeded() != state.databaseUp()) {
            if (ar.succeeded()) {
              log.info("database answers again");
            } else {
              log.warn("database does not answer: {}", ar.cause().toString());
            }
          }
          checkedBefore = true;
          state.database(ar.succeeded(), ar.succeeded() ? null : String.valueOf(ar.cause().getMessage()));
          return Future.<Void>succeededFuture();
        });
  }

  private void publish() {
    JsonObject report = new JsonObject(sampler.sample(System.nanoTime()));
    latest.set(report);
    vertx.eventBus().publish(HealthAddresses.REPORT, report);
  }
}
