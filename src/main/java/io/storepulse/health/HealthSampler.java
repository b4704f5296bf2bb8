package io.storepulse.health;

import io.storepulse.pipeline.PartitionProgress;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Turns the running counters into the {@code /health} report once a second: totals, per-second
 * rates over the last interval, and ack latency percentiles over the last ten intervals.
 * Called from one thread at a time.
 */
public final class HealthSampler {

  private static final int LATENCY_INTERVALS = 10;

  private final IngestStats stats;
  private final ServerState state;
  private final String version;
  private final Supplier<Map<String, Object>> poolUse;
  private final PipelineStats pipeline;
  private final IntSupplier dashboardConnections;
  private final ArrayDeque<Histogram> recentLatencies = new ArrayDeque<>();
  private long lastSampleNanos;
  private long lastAccepted;
  private long lastDuplicates;
  private long lastRejected;

  /**
   * @param dashboardConnections the dashboard WebSockets open now
   */
  public HealthSampler(IngestStats stats, PipelineStats pipeline, ServerState state, String version,
      Supplier<Map<String, Object>> poolUse, IntSupplier dashboardConnections) {
    this.stats = stats;
    this.dashboardConnections = dashboardConnections;
    this.pipeline = pipeline;
    this.state = state;
    this.version = version;
    this.poolUse = poolUse;
    this.lastSampleNanos = System.nanoTime();
  }

  /** Whether the server should get traffic: started, not draining, database up, writer queue not full. */
  public boolean ready() {
    return state.phase() == ServerState.Phase.READY
        && state.databaseUp()
        && stats.writerQueueEvents() < stats.writerQueueCapacity();
  }

  /** The readiness verdict with what it was made of, read live (not from the last report). */
  public Map<String, Object> readiness() {
    Map<String, Object> readiness = new LinkedHashMap<>();
    readiness.put("status", ready() ? "UP" : "DOWN");
    readiness.put("phase", state.phase().name().toLowerCase());
    readiness.put("database", state.databaseUp());
    readiness.put("writerQueue", stats.writerQueueEvents() + "/" + stats.writerQueueCapacity());
    return readiness;
  }

  /** A fresh report; advances the rate and latency windows. */
  public Map<String, Object> sample(long nowNanos) {
    double seconds = Math.max(1e-3, (nowNanos - lastSampleNanos) / 1e9);
    lastSampleNanos = nowNanos;
    long accepted = stats.accepted();
    long duplicates = stats.duplicates();
    long rejected = stats.rejected();

    Map<String, Object> ingest = new LinkedHashMap<>();
    ingest.put("accepted", accepted);
    ingest.put("duplicates", duplicates);
    ingest.put("rejected", rejected);
    ingest.put("acceptedPerSecond", round((accepted - lastAccepted) / seconds));
    ingest.put("duplicatesPerSecond", round((duplicates - lastDuplicates) / seconds));
    ingest.put("rejectedPerSecond", round((rejected - lastRejected) / seconds));
    ingest.put("refusedOverloaded", stats.overloaded());
    ingest.put("refusedUnavailable", stats.unavailable());
    ingest.put("ackLatencyMillis", ackLatency());
    lastAccepted = accepted;
    lastDuplicates = duplicates;
    lastRejected = rejected;

    Map<String, Object> writer = new LinkedHashMap<>();
    writer.put("queueEvents", stats.writerQueueEvents());
    writer.put("queueCapacity", stats.writerQueueCapacity());
    writer.put("batchesInFlight", stats.writerBatchesInFlight());
    writer.put("committedPosition", stats.committedPosition());

    Map<String, Object> database = new LinkedHashMap<>();
    database.put("up", state.databaseUp());
    database.put("error", state.databaseError());
    database.put("pools", poolUse.get());

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("status", ready() ? "UP" : "DOWN");
    report.put("phase", state.phase().name().toLowerCase());
    report.put("version", version);
    report.put("uptimeSeconds", (System.currentTimeMillis() - state.startedAtMillis()) / 1000);
    report.put("database", database);
    report.put("ingest", ingest);
    report.put("writer", writer);
    report.put("pipeline", pipelineReport(Instant.now()));
    report.put("dashboards", Map.of("connections", dashboardConnections.getAsInt()));
    return report;
  }

  /**
   * Per partition: how far behind the log it is (in positions, which also count other
   * partitions' events, so an upper bound), how far its watermark trails the wall clock, and how
   * old its checkpoint is.
   */
  private Map<String, Object> pipelineReport(Instant now) {
    long logEnd = stats.committedPosition();
    long lateEvents = 0;
    long maxCheckpointAgeMillis = 0;
    Map<String, Object> partitions = new LinkedHashMap<>();
    for (PartitionProgress progress : new TreeMap<>(pipeline.partitions()).values()) {
      long checkpointAge = Duration.between(progress.persistedAt(), now).toMillis();
      maxCheckpointAgeMillis = Math.max(maxCheckpointAgeMillis, checkpointAge);
      lateEvents += progress.lateCount();
      Map<String, Object> partition = new LinkedHashMap<>();
      partition.put("position", progress.position());
      partition.put("positionsBehind", Math.max(0, logEnd - progress.position()));
      partition.put("watermark", progress.watermark() == null ? null : progress.watermark().toString());
      partition.put("watermarkLagSeconds", progress.watermark() == null
          ? null : round(Duration.between(progress.watermark(), now).toMillis() / 1000.0));
      partition.put("checkpointAgeSeconds", round(checkpointAge / 1000.0));
      partitions.put(Integer.toString(progress.partition()), partition);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("lateEvents", lateEvents);
    report.put("maxCheckpointAgeSeconds", round(maxCheckpointAgeMillis / 1000.0));
    report.put("partitions", partitions);
    return report;
  }

  private Map<String, Object> ackLatency() {
    Histogram interval = stats.takeAckLatencyInterval(
        recentLatencies.size() == LATENCY_INTERVALS ? recentLatencies.poll() : null);
    recentLatencies.add(interval);
    Histogram window = new Histogram(interval.getHighestTrackableValue(), interval.getNumberOfSignificantValueDigits());
    recentLatencies.forEach(window::add);
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("windowSeconds", recentLatencies.size());
    latency.put("count", window.getTotalCount());
    latency.put("p50", millis(window.getValueAtPercentile(50)));
    latency.put("p99", millis(window.getValueAtPercentile(99)));
    latency.put("max", millis(window.getMaxValue()));
    return latency;
  }

  private static double millis(long nanos) {
    return round(nanos / 1e6);
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
