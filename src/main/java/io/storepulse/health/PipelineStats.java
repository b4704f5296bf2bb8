package io.storepulse.health;

import io.storepulse.pipeline.PartitionProgress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The last persisted progress of each pipeline partition, for health reports. Thread-safe. */
public final class PipelineStats {

  private final Map<Integer, PartitionProgress> partitions = new ConcurrentHashMap<>();

  public void record(PartitionProgress progress) {
    partitions.put(progress.partition(), progress);
  }

  public Map<Integer, PartitionProgress> partitions() {
    return Map.copyOf(partitions);
  }
}
