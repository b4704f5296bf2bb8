package io.storepulse.health;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The last persisted progress of each pipeline partition, for health reports. Thread-safe. */
public final class PipelineStats {

  /** One partition's last persisted flush. */
  public record Progress(long position, Instant watermark, long lateCount, Instant persistedAt) {
  }

  private final Map<Integer, Progress> partitions = new ConcurrentHashMap<>();

  public void record(int partition, Progress progress) {
    partitions.put(partition, progress);
  }

  public Map<Integer, Progress> partitions() {
    return Map.copyOf(partitions);
  }
}
