package io.storepulse.health;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and gauges of the ingest path, written from every event loop and the log writer, read
 * by the health endpoints and exported to Prometheus. Thread-safe; recording never blocks.
 */
public final class IngestStats {

  private static final long MAX_TRACKED_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(2);

  private final LongAdder accepted = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder overloaded = new LongAdder();
  private final LongAdder unavailable = new LongAdder();
  private final Recorder ackLatency = new Recorder(MAX_TRACKED_LATENCY_NANOS, 2);
  private volatile Timer ackTimer;

  private volatile int writerQueueEvents;
  private volatile int writerQueueCapacity;
  private volatile int writerBatchesInFlight;
  private volatile long committedPosition;

  /** Exports the same figures to a Micrometer registry (Prometheus at {@code /metrics}). */
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("storepulse.events", accepted, LongAdder::sum).tag("outcome", "accepted")
        .description("events received by ingest, by outcome").register(registry);
    FunctionCounter.builder("storepulse.events", duplicates, LongAdder::sum).tag("outcome", "duplicate")
        .description("events received by ingest, by outcome").register(registry);
    FunctionCounter.builder("storepulse.events", rejected, LongAdder::sum).tag("outcome", "rejected")
        .description("events received by ingest, by outcome").register(registry);
    FunctionCounter.builder("storepulse.ingest.refused", overloaded, LongAdder::sum).tag("reason", "overloaded")
        .description("ingest requests answered 503").register(registry);
    FunctionCounter.builder("storepulse.ingest.refused", unavailable, LongAdder::sum).tag("reason", "unavailable")
        .description("ingest requests answered 503").register(registry);
    Gauge.builder("storepulse.writer.queue.events", this, s -> s.writerQueueEvents)
        .description("events waiting for the log writer").register(registry);
    Gauge.builder("storepulse.writer.batches.inflight", this, s -> s.writerBatchesInFlight)
        .description("group commits in flight").register(registry);
    Gauge.builder("storepulse.eventlog.committed.position", this, s -> s.committedPosition)
        .description("highest log position below which every event is committed").register(registry);
    ackTimer = Timer.builder("storepulse.ingest.ack")
        .description("from request start to the durable acknowledgement")
        .publishPercentileHistogram()
        .register(registry);
  }

  public void recordOutcomes(int acceptedCount, int duplicateCount, int rejectedCount) {
    accepted.add(acceptedCount);
    duplicates.add(duplicateCount);
    rejected.add(rejectedCount);
  }

  public void recordAckLatency(long nanos) {
    ackLatency.recordValue(Math.min(Math.max(nanos, 1), MAX_TRACKED_LATENCY_NANOS));
    Timer timer = ackTimer;
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  public void recordOverloaded() {
    overloaded.increment();
  }

  public void recordUnavailable() {
    unavailable.increment();
  }

  public void writerState(int queueEvents, int queueCapacity, int batchesInFlight) {
    this.writerQueueEvents = queueEvents;
    this.writerQueueCapacity = queueCapacity;
    this.writerBatchesInFlight = batchesInFlight;
  }

  public void committedPosition(long position) {
    this.committedPosition = position;
  }

  public long accepted() {
    return accepted.sum();
  }

  public long duplicates() {
    return duplicates.sum();
  }

  public long rejected() {
    return rejected.sum();
  }

  public long overloaded() {
    return overloaded.sum();
  }

  public long unavailable() {
    return unavailable.sum();
  }

  public int writerQueueEvents() {
    return writerQueueEvents;
  }

  public int writerQueueCapacity() {
    return writerQueueCapacity;
  }

  public int writerBatchesInFlight() {
    return writerBatchesInFlight;
  }

  public long committedPosition() {
    return committedPosition;
  }

  /** Ack latencies recorded since the previous call; for the health sampler only. */
  Histogram takeAckLatencyInterval(Histogram recycle) {
    return ackLatency.getIntervalHistogram(recycle);
  }
}
