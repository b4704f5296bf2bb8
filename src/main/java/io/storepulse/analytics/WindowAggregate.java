package io.storepulse.analytics;

import java.io.IOException;

/**
 * What a windowed job computes per key and window, in the shape of Flink's
 * {@code AggregateFunction}: an accumulator created empty, updated in place per event, and
 * written to and read from snapshots so that a restored partition continues exactly.
 *
 * @param <A> the mutable accumulator
 */
public interface WindowAggregate<A> {

  A createAccumulator();

  void add(A accumulator, CommerceEvent event);

  void write(A accumulator, SnapshotOutput out) throws IOException;

  A read(SnapshotInput in) throws IOException;
}
