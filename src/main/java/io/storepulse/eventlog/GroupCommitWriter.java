package io.storepulse.eventlog;

import io.storepulse.api.ServerFault;
import io.storepulse.config.StorePulseConfig.WriterSettings;
import io.storepulse.eventlog.AppendResult.Status;
import io.storepulse.health.IngestStats;
import io.storepulse.ingest.LogEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Appends events to the {@code events} table by group commit: whatever requests are waiting
 * when a connection frees up go into one multi-row statement and one commit, so the commit cost
 * is shared by every request in the batch.
 *
 * <p>Positions are assigned here, in batch order, not by a database sequence: with several
 * batches in flight, a sequence would let a higher position commit before a lower one, and a
 * reader that has passed the higher one would never see the lower. Because the writer knows the
 * order of its own batches, it can tell readers how far the log is complete
 * ({@code onCommitted}). This makes the writer the only one allowed to append, one per database
 * (local mode).
 *
 * <p>Not thread-safe: every method runs on the owning verticle's event loop.
 */
public final class GroupCommitWriter {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  private static final String LAST_POSITION = "SELECT coalesce(max(position), 0) FROM events";

  // One statement for any batch size: the rows travel as arrays and are unnested server-side.
  private static final String INSERT_BATCH = """
      INSERT INTO events (position, store_id, slot, event_id, type, event_time, received_at, payload)
      SELECT p, s, sl, e, t, et, now(), pl::json
      FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
        AS batch (p, s, sl, e, t, et, pl)
      ON CONFLICT (store_id, event_id) DO NOTHING
      RETURNING position""";

  private final Pool pool;
  private final WriterSettings settings;
  private final IngestStats stats;
  private final LongConsumer onCommitted;

  private final ArrayDeque<PendingAppend> queue = new ArrayDeque<>();
  private final ArrayDeque<Batch> batchesInFlight = new ArrayDeque<>();
  private int queuedEvents;
  private long lastAssignedPosition;
  private boolean accepting = true;
  private Promise<Void> drained;

  public GroupCommitWriter(Pool pool, WriterSettings settings, IngestStats stats, LongConsumer onCommitted) {
    this.pool = pool;
    this.settings = settings;
    this.stats = stats;
    this.onCommitted = onCommitted;
  }

  /** Reads where the log ends; call once before the first append. */
  public Future<Long> start() {
    return pool.query(LAST_POSITION).execute().map(rows -> {
      lastAssignedPosition = rows.iterator().next().getLong(0);
      stats.committedPosition(lastAssignedPosition);
      publishState();
      return lastAssignedPosition;
    });
  }

  /**
   * Queues events for the next group commit.
   *
   * @return each event's status once committed; a {@link ServerFault} when the queue is full,
   *     the writer is draining, or the database failed (nothing of the request is acknowledged)
   */
  public Future<List<Status>> append(List<LogEvent> events) {
    if (!accepting) {
      return Future.failedFuture(ServerFault.unavailable("the server is shutting down", null));
    }
    if (queuedEvents + events.size() > settings.queueCapacity()) {
      return Future.failedFuture(ServerFault.overloaded(
          "the event log writer has " + queuedEvents + " events waiting; retry shortly"));
    }
    PendingAppend pending = new PendingAppend(events, Promise.promise());
    queue.add(pending);
    queuedEvents += events.size();
    flush();
    return pending.promise.future();
  }

  /** Stops taking appends and completes once everything queued is committed or failed. */
  public Future<Void> drain() {
    accepting = false;
    if (drained == null) {
      drained = Promise.promise();
    }
    completeDrainIfIdle();
    return drained.future();
  }

  private void flush() {
    while (batchesInFlight.size() < settings.connections() && !queue.isEmpty()) {
      Batch batch = nextBatch();
      batchesInFlight.add(batch);
      insert(batch);
    }
    publishState();
  }

  /** Takes whole requests from the queue until the batch is full; a request is never split. */
  private Batch nextBatch() {
    List<PendingAppend> taken = new ArrayList<>();
    int size = 0;
    while (!queue.isEmpty() && (taken.isEmpty() || size + queue.peek().events.size() <= settings.maxBatchEvents())) {
      PendingAppend pending = queue.poll();
      taken.add(pending);
      size += pending.events.size();
    }
    queuedEvents -= size;
    return new Batch(taken, size, lastAssignedPosition + 1);
  }

  private void insert(Batch batch) {
    // The first occurrence of an id in the batch gets a position; repeats are duplicates of it.
    Map<String, Integer> firstOccurrence = new HashMap<>();
    int[] slotOf = new int[batch.size];
    Long[] positions = new Long[batch.size];
    String[] storeIds = new String[batch.size];
    Short[] slots = new Short[batch.size];
    String[] eventIds = new String[batch.size];
    String[] types = new String[batch.size];
    OffsetDateTime[] times = new OffsetDateTime[batch.size];
    String[] payloads = new String[batch.size];
    int rows = 0;
    int i = 0;
    for (PendingAppend pending : batch.appends) {
      for (LogEvent event : pending.events) {
        Integer earlier = firstOccurrence.putIfAbsent(event.storeId() + '\u0000' + event.eventId(), rows);
        if (earlier != null) {
          slotOf[i++] = -1;
          continue;
        }
        positions[rows] = batch.firstPosition + rows;
        storeIds[rows] = event.storeId();
        slots[rows] = (short) StoreSlot.of(event.storeId());
        eventIds[rows] = event.eventId();
        types[rows] = event.type().wireName();
        times[rows] = OffsetDateTime.ofInstant(event.eventTime(), ZoneOffset.UTC);
        payloads[rows] = event.payload();
        slotOf[i++] = rows++;
      }
    }
    int rowCount = rows;
    batch.lastPosition = batch.firstPosition + rowCount - 1;
    lastAssignedPosition = batch.lastPosition;
    Tuple params = Tuple.from(List.of(
        Arrays.copyOf(positions, rowCount), Arrays.copyOf(storeIds, rowCount), Arrays.copyOf(slots, rowCount),
        Arrays.copyOf(eventIds, rowCount), Arrays.copyOf(types, rowCount), Arrays.copyOf(times, rowCount),
        Arrays.copyOf(payloads, rowCount)));
    pool.preparedQuery(INSERT_BATCH).execute(params).onComplete(ar -> {
      if (ar.succeeded()) {
        answer(batch, slotOf, inserted(ar.result(), batch.firstPosition, rowCount));
      } else {
        log.warn("group commit of {} events failed: {}", batch.size, ar.cause().toString());
        ServerFault fault = ServerFault.unavailable("the event log is unavailable; retry shortly", ar.cause());
        batch.appends.forEach(pending -> pending.promise.fail(fault));
      }
      batch.done = true;
      retireCompletedBatches();
      flush();
      completeDrainIfIdle();
    });
  }

  private static boolean[] inserted(RowSet<Row> rows, long firstPosition, int rowCount) {
    boolean[] inserted = new boolean[rowCount];
    for (Row row : rows) {
      inserted[(int) (row.getLong(0) - firstPosition)] = true;
    }
    return inserted;
  }

  private static void answer(Batch batch, int[] slotOf, boolean[] inserted) {
    int i = 0;
    for (PendingAppend pending : batch.appends) {
      List<Status> statuses = new ArrayList<>(pending.events.size());
      for (int n = 0; n < pending.events.size(); n++) {
        int slot = slotOf[i++];
        statuses.add(slot >= 0 && inserted[slot] ? Status.ACCEPTED : Status.DUPLICATE);
      }
      pending.promise.complete(statuses);
    }
  }

  /**
   * Batches finish in any order; the log is complete up to the last position of the longest
   * finished prefix of them. A failed batch leaves a gap, which readers skip.
   */
  private void retireCompletedBatches() {
    long completeUpTo = -1;
    while (!batchesInFlight.isEmpty() && batchesInFlight.peek().done) {
      completeUpTo = batchesInFlight.poll().lastPosition;
    }
    if (completeUpTo > stats.committedPosition()) {
      stats.committedPosition(completeUpTo);
      onCommitted.accept(completeUpTo);
    }
  }

  private void completeDrainIfIdle() {
    if (drained != null && queue.isEmpty() && batchesInFlight.isEmpty()) {
      drained.tryComplete();
    }
  }

  private void publishState() {
    stats.writerState(queuedEvents, settings.queueCapacity(), batchesInFlight.size());
  }

  private record PendingAppend(List<LogEvent> events, Promise<List<Status>> promise) {
  }

  private static final class Batch {
    final List<PendingAppend> appends;
    final int size;
    final long firstPosition;
    long lastPosition;
    boolean done;

    Batch(List<PendingAppend> appends, int size, long firstPosition) {
      this.appends = appends;
      this.size = size;
      this.firstPosition = firstPosition;
    }
  }
}
