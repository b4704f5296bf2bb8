package io.storepulse.pipeline;

import io.storepulse.analytics.CommerceEventDecoder;
import io.storepulse.analytics.EngineChanges;
import io.storepulse.analytics.EngineSettings;
import io.storepulse.analytics.WindowEngine;
import io.storepulse.config.StorePulseConfig.PipelineSettings;
import io.storepulse.eventlog.EventLogAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;

/**
 * Owns one pipeline partition: reads its stores' events from the log in position order, applies
 * them to its {@link WindowEngine}, and persists the engine's changes together with the
 * checkpoint (position and engine snapshot) in one transaction. On start it restores the last
 * checkpoint and replays the log after it, so every event affects the persisted results once.
 *
 * <p>Memory does not grow with a backlog: the partition reads {@code readBatch} rows at a time
 * and only when it has applied the previous ones. Commit notifications from the log writer wake
 * it; they only say how far the log is complete, never carry events.
 */
public final class PartitionVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PartitionVerticle.class);
  private static final long IDLE_CHECK_MILLIS = 1000;

  private final int partition;
  private final PipelineSettings settings;
  private final EngineSettings engineSettings;
  private final Pool pool;
  private final CommerceEventDecoder decoder = new CommerceEventDecoder();
  private ResultRepository repository;
  private WindowEngine engine;

  /** Highest position applied to the engine. */
  private long appliedPosition;
  /** Highest position below which the log is complete (from the writer). */
  private long logFrontier;
  /** What is durable: the checkpoint the engine can be rebuilt from if a flush fails. */
  private long persistedPosition;
  private byte[] persistedState;

  /** Changes when the engine is rebuilt from a checkpoint; a read begun before belongs to the old one. */
  private int generation;
  private boolean reading;
  private boolean persisting;
  private boolean caughtUp;
  private long flushTimer;
  private long idleTimer;
  private MessageConsumer<Long> committed;
  private MessageConsumer<RecommendationQuery> queries;

  public PartitionVerticle(int partition, PipelineSettings settings, EngineSettings engineSettings, Pool pool) {
    this.partition = partition;
    this.settings = settings;
    this.engineSettings = engineSettings;
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    repository = new ResultRepository(pool);
    return repository.loadCheckpoint(partition).compose(checkpoint -> {
      if (checkpoint.isPresent()) {
        ResultRepository.Checkpoint saved = checkpoint.get();
        if (saved.partitions() != settings.partitions()) {
          return Future.failedFuture(new IllegalStateException("the pipeline was built with "
              + saved.partitions() + " partitions and pipeline.partitions is now " + settings.partitions()
              + "; set it back, or clear pipeline_checkpoints and the result tables to rebuild from the log"));
        }
        engine = WindowEngine.restore(engineSettings, saved.engineState());
        appliedPosition = saved.position();
      } else {
        engine = new WindowEngine(engineSettings);
        appliedPosition = 0;
      }
      persistedPosition = appliedPosition;
      persistedState = engine.snapshot();
      // Deployed before the log writer starts: what the table holds now is complete.
      return repository.logEnd();
    }).compose(end -> {
      logFrontier = end;
      committed = vertx.eventBus().localConsumer(EventLogAddresses.COMMITTED, this::onCommitted);
      queries = vertx.eventBus().localConsumer(PipelineAddresses.recommendations(partition), this::answer);
      flushTimer = vertx.setPeriodic(settings.flushInterval().toMillis(), id -> flush());
      idleTimer = vertx.setPeriodic(IDLE_CHECK_MILLIS, id -> onIdleTick());
      log.info("pipeline partition {}/{} resumes after log position {} (log end {})",
          partition, settings.partitions(), appliedPosition, logFrontier);
      read();
      return Future.all(committed.completion(), queries.completion());
    });
  }

  /** Persists what is applied, so a clean stop leaves nothing to replay. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(flushTimer);
    vertx.cancelTimer(idleTimer);
    return committed.unregister().compose(v -> queries.unregister()).compose(v -> flushNow());
  }

  private void onCommitted(Message<Long> message) {
    if (message.body() > logFrontier) {
      logFrontier = message.body();
      read();
    }
  }

  private void read() {
    if (reading || appliedPosition >= logFrontier) {
      return;
    }
    reading = true;
    long upTo = logFrontier;
    int readFor = generation;
    repository.readLog(appliedPosition, upTo, settings.partitions(), partition, settings.readBatch())
        .onComplete(ar -> {
          reading = false;
          if (readFor != generation) {
            read();
            return;
          }
          if (ar.failed()) {
            log.warn("partition {} cannot read the log after position {}: {}", partition, appliedPosition,
                ar.cause().toString());
            return; // the next commit notification or idle tick tries again
          }
          List<ResultRepository.LogRow> rows = ar.result();
          for (ResultRepository.LogRow row : rows) {
            engine.apply(decoder.decode(row.position(), row.payload()));
          }
          // a short page means this partition has nothing more up to the frontier read
          appliedPosition = rows.size() < settings.readBatch() ? upTo : rows.get(rows.size() - 1).position();
          caughtUp = appliedPosition >= logFrontier;
          read();
        });
  }

  private void onIdleTick() {
    if (caughtUp && !reading) {
      // only once caught up: replayed events must not be judged against the wall clock
      engine.onIdle(Instant.now());
    }
    if (appliedPosition < logFrontier) {
      read();
    }
  }

  private void flush() {
    if (!persisting && (appliedPosition > persistedPosition || engine.hasPendingChanges())) {
      flushNow();
    }
  }

  private Future<Void> flushNow() {
    if (persisting) {
      return Future.succeededFuture();
    }
    persisting = true;
    long position = appliedPosition;
    EngineChanges changes = engine.drainChanges();
    byte[] state = engine.snapshot();
    return repository.persist(partition, settings.partitions(), position, changes, state)
        .onSuccess(v -> {
          persistedPosition = position;
          persistedState = state;
          vertx.eventBus().publish(PipelineAddresses.PROGRESS,
              new PartitionProgress(partition, position, changes.watermark(), changes.lateCount(), Instant.now()));
        })
        .onFailure(failure -> rewind(failure))
        .eventually(() -> {
          persisting = false;
          return Future.succeededFuture();
        });
  }

  /**
   * The drained changes did not reach the database, so the engine is ahead of what is durable:
   * go back to the last checkpoint and apply the log again from there.
   */
  private void rewind(Throwable failure) {
    log.warn("partition {} could not persist up to position {}; replaying from {}: {}",
        partition, appliedPosition, persistedPosition, failure.toString());
    engine = WindowEngine.restore(engineSettings, persistedState);
    generation++;
    appliedPosition = persistedPosition;
    caughtUp = false;
    read();
  }

  private void answer(Message<RecommendationQuery> message) {
    RecommendationQuery query = message.body();
    message.reply(new RecommendationAnswer(
        engine.recommendations(query.storeId(), query.sku(), query.relation(), query.limit())));
  }
}
