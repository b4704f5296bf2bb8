package io.storepulse.pipeline;

import java.time.Instant;

/**
 * Where a partition stands after a persisted flush: health and the dashboards read it.
 *
 * @param watermark the partition's watermark, null before its first event
 */
public record PartitionProgress(int partition, long position, Instant watermark, long lateCount, Instant persistedAt) {
}
