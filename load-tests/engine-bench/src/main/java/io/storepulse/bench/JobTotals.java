package io.storepulse.bench;

import io.storepulse.ingest.EventType;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What a run of the tumbling job adds up to over all its final windows: events per type and the
 * revenue of completed orders. Every amount the generator writes is in EUR, so one sum is exact.
 * Serializable because Flink brings it back to the client as an accumulator.
 */
final class JobTotals implements Serializable {

  private static final long serialVersionUID = 1L;

  private final long[] events = new long[TypeCounts.TYPES];
  private BigDecimal revenue = BigDecimal.ZERO;

  /** Adds one final window's result. */
  void add(TypeCounts window) {
    for (int i = 0; i < events.length; i++) {
      events[i] += window.counts[i];
    }
    for (BigDecimal sum : window.revenue.toMap().values()) {
      revenue = revenue.add(sum);
    }
  }

  void add(JobTotals other) {
    for (int i = 0; i < events.length; i++) {
      events[i] += other.events[i];
    }
    revenue = revenue.add(other.revenue);
  }

  /** The totals of {@link HashMapBaseline#count}, whose revenue is in cents. */
  static JobTotals of(Map<String, long[]> stores) {
    JobTotals totals = new JobTotals();
    long cents = 0;
    for (long[] store : stores.values()) {
      for (int i = 0; i < totals.events.length; i++) {
        totals.events[i] += store[i];
      }
      cents += store[HashMapBaseline.REVENUE];
    }
    totals.revenue = BigDecimal.valueOf(cents, 2);
    return totals;
  }

  long eventCount() {
    return Arrays.stream(events).sum();
  }

  /** Same counts and the same revenue, whatever the scale the sum was kept at. */
  boolean sameAs(JobTotals other) {
    return Arrays.equals(events, other.events) && revenue.compareTo(other.revenue) == 0;
  }

  @Override
  public String toString() {
    StringJoiner line = new StringJoiner(" ");
    EventType[] types = EventType.values();
    for (int i = 0; i < events.length; i++) {
      if (events[i] != 0) {
        line.add(types[i].wireName() + "=" + events[i]);
      }
    }
    return line.add("revenue=" + revenue.toPlainString()).toString();
  }
}
