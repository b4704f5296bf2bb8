package io.storepulse.bench;

import io.storepulse.analytics.CommerceEvent;
import io.storepulse.analytics.MoneySums;
import io.storepulse.analytics.SnapshotInput;
import io.storepulse.analytics.SnapshotOutput;
import io.storepulse.analytics.WindowAggregate;
import io.storepulse.ingest.EventType;
import java.io.IOException;
import java.math.BigDecimal;

/** Count per event type and revenue sum: the job the Flink comparison will run too. */
final class TypeCountAggregate implements WindowAggregate<TypeCounts> {

  @Override
  public TypeCounts createAccumulator() {
    return new TypeCounts(new MoneySums());
  }

  @Override
  public void add(TypeCounts accumulator, CommerceEvent event) {
    accumulator.counts[event.type().ordinal()]++;
    if (event.type() == EventType.ORDER_COMPLETED) {
      BigDecimal amount = event.amount();
      if (amount != null) {
        accumulator.revenue.add(event.currency(), amount);
      }
    }
  }

  @Override
  public void write(TypeCounts accumulator, SnapshotOutput out) throws IOException {
    for (long count : accumulator.counts) {
      out.writeVarLong(count);
    }
    accumulator.revenue.write(out);
  }

  @Override
  public TypeCounts read(SnapshotInput in) throws IOException {
    long[] counts = new long[TypeCounts.TYPES];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = in.readVarLong();
    }
    TypeCounts accumulator = new TypeCounts(MoneySums.read(in));
    System.arraycopy(counts, 0, accumulator.counts, 0, counts.length);
    return accumulator;
  }
}
