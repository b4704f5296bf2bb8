package io.storepulse.bench;

import io.storepulse.analytics.MoneySums;
import io.storepulse.ingest.EventType;

/** Accumulator of the benchmark job: events per type and revenue per currency of one store minute. */
final class TypeCounts {

  static final int TYPES = EventType.values().length;

  final long[] counts = new long[TYPES];
  final MoneySums revenue;

  TypeCounts(MoneySums revenue) {
    this.revenue = revenue;
  }
}
