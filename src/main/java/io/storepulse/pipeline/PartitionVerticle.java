package io.storepulse.pipeline;

import io.storepulse.analytics.CommerceEventDecoder;
import io.storepulse.analytics.EngineChanges;
import io.storepulse.analytics.EngineSettings;
import io.storepulse.analytics.WindowEngine;
import io.storepulse.config.StorePulseConfig.PipelineSettings;
import io.storepulse.eventlog.EventLogAddresses;
import io.storepulse.inventory.InventoryBook;
import io.storepulse.inventory.InventoryChanges;
import io.storepulse.inventory.InventorySettings;
import io.storepulse.inventory.Reservation;
import io.storepulse.inventory.StockLevel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Owns one pipeline partition: reads its stores' events from the log in position order, applies
 * them to its {@link WindowEngine}, and persists the engine's changes together with the
 * checkpoint (position and engine snapshot) in one transaction. Next to the engine it owns the
 * partition's {@link InventoryBook}: every event goes to both, and both are drained, snapshotted
 * and persisted together. On start it restores the last
 * checkpoint and replays the log after it, so every event affects the persisted results once.
 *
 * <p>Memory does not grow with a backlog: the partition reads {@code readBatch} rows at a time
 * and only when it has applied the previous ones. Commit notifications from the log writer wake
 * it; they only say how far the log is complete, never carry events.
 *
 * <p>Synchronous inventory operations ({@link InventoryOperation}) run on the book between two
 * events; each is answered only after a flush that includes it has committed. Concurrent
 * operations share a flush. Until the partition has caught up with the log after a start or a
 * rewind it answers them with 503, since its book does not yet reflect what the store sent.
 */
public final class PartitionVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PartitionVerticle.class);
  private static final long IDLE_CHECK_MILLIS = 1000;
  private static final long EXPIRY_CHECK_MILLIS = 500;
  /** Event-bus failure code of an inventory operation the partition cannot take now; nothing changed. */
  public static final int UNAVAILABLE = 503;
  /** Event-bus failure code of an inventory operation that failed unexpectedly (logged by the partition). */
  public static final int FAILED = 500;

  private final int partition;
  private final PipelineSettings settings;
  private final Duration publishInterval;
  private final EngineSettings engineSettings;
  private final InventorySettings inventorySettings;
  private final Pool pool;
  private final CommerceEventDecoder decoder = new CommerceEventDecoder();
  private ResultRepository repository;
  private WindowEngine engine;
  private InventoryBook book;

  /** Highest position applied to the engine. */
  private long appliedPosition;
  /** Highest position below which the log is complete (from the writer). */
  private long logFrontier;
  /** What is durable: the checkpoint the engine can be rebuilt from if a flush fails. */
  private long persistedPosition;
  private byte[] persistedState;
  private byte[] persistedInventory;
  /** Operations applied to the book and waiting for a flush that includes them. */
  private List<Promise<Void>> awaitingFlush = new ArrayList<>();

  /** Changes when the engine is rebuilt from a checkpoint; a read begun before belongs to the old one. */
  private int generation;
  private boolean reading;
  private boolean persisting;
  /** The flush running while {@link #persisting}; completes after it has reset the flag. */
  private Future<Void> inFlight = Future.succeededFuture();
  /** Drained from the engine and book (and shown on dashboards) but not yet persisted. */
  private final UnpersistedChanges unpersisted = new UnpersistedChanges();
  /**
   * Levels dashboards were shown from drains that a rewind discarded: published again, as the
   * book has them, once the replay has caught up (see {@link #rewind}).
   */
  private final Set<PipelineChanges.LevelKey> levelsToCorrect = new LinkedHashSet<>();
  /**
   * Caught up with the log once since the last start or rewind: from then on the wall clock may
   * move the watermark and expire reservations, and synchronous operations may run. Before, the
   * events being replayed would be judged against a clock they never saw.
   */
  private boolean live;
  private long expiryTimer;
  private long publishTimer;
  private long flushTimer;
  private long idleTimer;
  private MessageConsumer<Long> committed;
  private MessageConsumer<RecommendationQuery> queries;
  private MessageConsumer<InventoryOperation> operations;

  /**
   * @param publishInterval how often the partition drains its changes and publishes them for
   *     dashboards (on {@link PipelineAddresses#CHANGES}); they are persisted at the flush interval
   */
  public PartitionVerticle(int partition, PipelineSettings settings, Duration publishInterval,
      EngineSettings engineSettings, InventorySettings inventorySettings, Pool pool) {
    this.partition = partition;
    this.settings = settings;
    this.publishInterval = publishInterval;
    this.engineSettings = engineSettings;
    this.inventorySettings = inventorySettings;
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
        if (saved.inventoryState() == null && saved.position() > 0) {
          return Future.failedFuture(new IllegalStateException("partition " + partition + " has a checkpoint from"
              + " before inventory (V3) at position " + saved.position() + "; clear pipeline_checkpoints and the"
              + " result tables to rebuild from the log"));
        }
        book = saved.inventoryState() == null ? new InventoryBook(inventorySettings)
            : InventoryBook.restore(inventorySettings, saved.inventoryState());
        appliedPosition = saved.position();
      } else {
        engine = new WindowEngine(engineSettings);
        book = new InventoryBook(inventorySettings);
        appliedPosition = 0;
      }
      persistedPosition = appliedPosition;
      persistedState = engine.snapshot();
      persistedInventory = book.snapshot();
      // Deployed before the log writer starts: what the table holds now is complete.
      return repository.logEnd();
    }).compose(end -> {
      logFrontier = end;
      committed = vertx.eventBus().localConsumer(EventLogAddresses.COMMITTED, this::onCommitted);
      queries = vertx.eventBus().localConsumer(PipelineAddresses.recommendations(partition), this::answer);
      operations = vertx.eventBus().localConsumer(PipelineAddresses.inventory(partition), this::operate);
      publishTimer = vertx.setPeriodic(publishInterval.toMillis(), id -> {
        // while replaying a backlog, drains wait for the flush: one per page would only cost time
        if (live) {
          publishChanges();
        }
      });
      flushTimer = vertx.setPeriodic(settings.flushInterval().toMillis(), id -> flush());
      idleTimer = vertx.setPeriodic(IDLE_CHECK_MILLIS, id -> onIdleTick());
      expiryTimer = vertx.setPeriodic(EXPIRY_CHECK_MILLIS, id -> expireReservations());
      log.info("pipeline partition {}/{} resumes after log position {} (log end {})",
          partition, settings.partitions(), appliedPosition, logFrontier);
      read();
      return Future.all(committed.completion(), queries.completion(), operations.completion());
    });
  }

  /**
   * Persists what is applied, so a clean stop leaves nothing to replay: after the flush in flight,
   * if any, one more with what was drained and applied since it began.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(publishTimer);
    vertx.cancelTimer(flushTimer);
    vertx.cancelTimer(idleTimer);
    vertx.cancelTimer(expiryTimer);
    return committed.unregister().compose(v -> queries.unregister()).compose(v -> operations.unregister())
        .compose(v -> {
          if (persisting) {
            log.info("partition {} stopping: waiting for the flush in flight, then persisting the rest", partition);
          }
          return flushAfterInFlight();
        });
  }

  private Future<Void> flushAfterInFlight() {
    return persisting ? inFlight.transform(ar -> flushAfterInFlight()) : flushNow();
  }

  private void onCommitted(Message<Long> message) {
    if (message.body() > logFrontier) {
      logFrontier = message.body();
      read();
    }
  }

  private void read() {
    if (!reading && appliedPosition >= logFrontier) {
      caughtUp(); // nothing (left) to replay, e.g. a restart after a clean stop
    }
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
            var event = decoder.decode(row.position(), row.payload());
            engine.apply(event);
            book.apply(event);
          }
          // a short page means this partition has nothing more up to the frontier read
          appliedPosition = rows.size() < settings.readBatch() ? upTo : rows.get(rows.size() - 1).position();
          read(); // reads on, or finds the partition caught up
        });
  }

  /** The engine and book reflect the whole log: from now on the partition is live. */
  private void caughtUp() {
    live = true;
    if (!levelsToCorrect.isEmpty()) {
      List<StockLevel> levels = new ArrayList<>();
      List<PipelineChanges.LevelKey> removed = new ArrayList<>();
      for (PipelineChanges.LevelKey key : levelsToCorrect) {
        book.level(key.storeId(), key.sku()).ifPresentOrElse(levels::add, () -> removed.add(key));
      }
      levelsToCorrect.clear();
      // for dashboards only: the result tables never had the refused operations' values
      vertx.eventBus().publish(PipelineAddresses.CHANGES, PipelineChanges.levels(partition, levels, removed));
    }
  }

  private void onIdleTick() {
    if (live && !reading) {
      engine.onIdle(Instant.now());
    }
    if (appliedPosition < logFrontier) {
      read();
    }
  }

  private void flush() {
    if (!persisting && (appliedPosition > persistedPosition || engine.hasPendingChanges()
        || book.hasPendingChanges() || !unpersisted.isEmpty())) {
      flushNow();
    }
  }

  /**
   * Drains what the engine and book changed into the changes the next flush persists, and
   * publishes it for dashboards. What comes from the log is durable already, so a rewind after a
   * failed flush recomputes the same values rather than taking any back; what synchronous
   * operations changed is not, and a rewind sets those levels right (see {@link #rewind}).
   */
  private void publishChanges() {
    if (!engine.hasPendingChanges() && !book.hasPendingChanges()) {
      return;
    }
    EngineChanges changes = engine.drainChanges();
    InventoryChanges stock = book.drainChanges();
    unpersisted.add(changes, stock);
    vertx.eventBus().publish(PipelineAddresses.CHANGES, new PipelineChanges(partition, changes, stock));
  }

  private Future<Void> flushNow() {
    if (persisting) {
      return Future.succeededFuture();
    }
    persisting = true;
    long position = appliedPosition;
    publishChanges();
    EngineChanges changes = unpersisted.engineChanges();
    InventoryChanges stock = unpersisted.inventoryChanges();
    unpersisted.clear();
    byte[] state = engine.snapshot();
    byte[] inventory = book.snapshot();
    List<Promise<Void>> included = awaitingFlush;
    awaitingFlush = new ArrayList<>();
    inFlight = repository.persist(partition, settings.partitions(), position, changes, state, stock, inventory)
        .onSuccess(v -> {
          persistedPosition = position;
          persistedState = state;
          persistedInventory = inventory;
          included.forEach(Promise::complete);
          vertx.eventBus().publish(PipelineAddresses.PROGRESS,
              new PartitionProgress(partition, position, changes.watermark(), changes.lateCount(), Instant.now()));
        })
        .onFailure(failure -> {
          included.forEach(waiting -> waiting.fail(failure));
          rewind(failure, stock);
        })
        .eventually(() -> {
          persisting = false;
          if (!awaitingFlush.isEmpty()) {
            flushNow(); // operations that arrived during this flush
          }
          return Future.succeededFuture();
        });
    return inFlight;
  }

  /** Completes once a flush that includes everything applied so far has committed. */
  private Future<Void> durable() {
    Promise<Void> promise = Promise.promise();
    awaitingFlush.add(promise);
    if (!persisting) {
      flushNow();
    }
    return promise.future();
  }

  /**
   * The drained changes did not reach the database, so the engine is ahead of what is durable:
   * go back to the last checkpoint and apply the log again from there.
   *
   * <p>Dashboards were shown those drains. The replay brings every change that came from the log
   * again, but not those of the synchronous operations it fails: a refused reservation would stay
   * on the dashboards. So every level of the discarded drains is published again, as the book
   * has it, once the replay has caught up.
   *
   * @param failed the stock changes of the flush that failed
   */
  private void rewind(Throwable failure, InventoryChanges failed) {
    log.warn("partition {} could not persist up to position {}; replaying from {}: {}",
        partition, appliedPosition, persistedPosition, failure.toString());
    engine = WindowEngine.restore(engineSettings, persistedState);
    book = InventoryBook.restore(inventorySettings, persistedInventory);
    for (List<StockLevel> shown : List.of(failed.levels(), unpersisted.inventoryChanges().levels())) {
      shown.forEach(level -> levelsToCorrect.add(new PipelineChanges.LevelKey(level.storeId(), level.sku())));
    }
    // drained from the engine and book just discarded; the replay brings the same changes again
    unpersisted.clear();
    // operations applied after the failed drain are lost with the book they changed
    List<Promise<Void>> lost = awaitingFlush;
    awaitingFlush = new ArrayList<>();
    lost.forEach(waiting -> waiting.fail(failure));
    live = false;
    generation++;
    appliedPosition = persistedPosition;
    read();
  }

  private void operate(Message<InventoryOperation> message) {
    if (!live) {
      message.fail(UNAVAILABLE, "partition " + partition + " is catching up with the event log");
      return;
    }
    Object result;
    try {
      result = run(message.body(), Instant.now());
    } catch (RuntimeException e) {
      log.error("partition {} failed to run {}", partition, message.body(), e);
      message.fail(FAILED, "the inventory operation failed; it has been logged");
      return;
    }
    durable().onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(new InventoryAnswer(result));
      } else {
        message.fail(UNAVAILABLE, "the change could not be persisted: " + ar.cause().getMessage());
      }
    });
  }

  private Object run(InventoryOperation operation, Instant now) {
    Object result;
    if (operation instanceof InventoryOperation.Reserve r) {
      result = book.reserve(r.storeId(), r.sku(), r.quantity(), r.ttl(), r.holder(), r.reservationId(), now);
    } else if (operation instanceof InventoryOperation.Release r) {
      Optional<Reservation> held = book.reservation(r.storeId(), r.reservationId());
      result = held.isPresent() && held.get().sku().equals(r.sku())
          ? book.release(r.storeId(), r.reservationId(), now).orElse(null)
          : null;
    } else if (operation instanceof InventoryOperation.Import i) {
      result = book.importStock(i.storeId(), i.rows(), i.importId(), now);
    } else {
      InventoryOperation.Adjust a = (InventoryOperation.Adjust) operation;
      result = book.adjust(a.storeId(), a.sku(), a.target(), a.idempotencyKey(), a.expectedVersion(), now);
    }
    return result;
  }

  /** Releases expired reservations; only once live, so a replay does not judge them by the wall clock. */
  private void expireReservations() {
    if (live && !book.expire(Instant.now()).isEmpty()) {
      durable();
    }
  }

  private void answer(Message<RecommendationQuery> message) {
    RecommendationQuery query = message.body();
    message.reply(new RecommendationAnswer(
        engine.recommendations(query.storeId(), query.sku(), query.relation(), query.limit())));
  }
}
