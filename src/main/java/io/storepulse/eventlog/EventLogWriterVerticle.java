package io.storepulse.eventlog;

import io.storepulse.api.ServerFault;
import io.storepulse.config.DatabaseUrl;
import io.storepulse.config.StorePulseConfig.WriterSettings;
import io.storepulse.db.Pools;
import io.storepulse.health.IngestStats;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.sqlclient.Pool;

/**
 * Owns the {@link GroupCommitWriter} and its connections; takes {@link AppendRequest}s from the
 * event bus and answers each once its events are durable. One instance per process.
 */
public final class EventLogWriterVerticle extends VerticleBase {

  /** Failure codes of the reply, mapped back to {@link ServerFault}s by {@link #faultOf}. */
  private static final int OVERLOADED = 1;
  private static final int UNAVAILABLE = 2;

  private final DatabaseUrl databaseUrl;
  private final WriterSettings settings;
  private final IngestStats stats;
  private Pool pool;
  private GroupCommitWriter writer;
  private MessageConsumer<AppendRequest> consumer;

  public EventLogWriterVerticle(DatabaseUrl databaseUrl, WriterSettings settings, IngestStats stats) {
    this.databaseUrl = databaseUrl;
    this.settings = settings;
    this.stats = stats;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, databaseUrl, "event-log-writer", settings.connections());
    writer = new GroupCommitWriter(pool, settings, stats,
        position -> vertx.eventBus().publish(EventLogAddresses.COMMITTED, position));
    return writer.start().compose(last -> {
      consumer = vertx.eventBus().consumer(EventLogAddresses.APPEND, this::append);
      return consumer.completion();
    });
  }

  /** Finishes what is queued before the connections close: every accepted request is answered. */
  @Override
  public Future<?> stop() {
    return consumer.unregister()
        .compose(v -> writer.drain())
        .eventually(() -> pool.close());
  }

  private void append(Message<AppendRequest> message) {
    writer.append(message.body().events()).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(new AppendResult(ar.result()));
      } else if (ar.cause() instanceof ServerFault fault && "overloaded".equals(fault.type())) {
        message.fail(OVERLOADED, fault.getMessage());
      } else {
        message.fail(UNAVAILABLE, ar.cause().getMessage());
      }
    });
  }

  /** The ingest side's view of a failed append: always a retryable server fault. */
  public static ServerFault faultOf(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() == OVERLOADED) {
        return ServerFault.overloaded(reply.getMessage());
      }
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return ServerFault.unavailable("the event log did not confirm the events in time; retry shortly", reply);
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return ServerFault.unavailable("the event log writer is not running", reply);
      }
    }
    return ServerFault.unavailable(failure.getMessage(), failure);
  }
}
