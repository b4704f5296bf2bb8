package io.storepulse.bench;

import io.storepulse.analytics.CommerceEvent;
import java.math.BigDecimal;
import java.time.Duration;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The tumbling job of {@link TumblingTypeCountJob} written for Flink: bounded out-of-orderness of
 * 5 s, {@code keyBy(store)}, 1-minute tumbling event-time windows, and the engine's own accumulator
 * ({@link TypeCountAggregate}, money in {@code MoneySums}) in an {@link AggregateFunction}. Each
 * window's result becomes a row for a discarding sink, and is added to an accumulator that the job
 * result brings back as {@link JobTotals}.
 */
final class FlinkTumblingJob {

  static final String TOTALS = "totals";

  /**
   * The events the source reads. The MiniCluster runs in this JVM, so its source can read the
   * array every system of the comparison reads, instead of generating a copy of 10 M events.
   */
  private static volatile CommerceEvent[] input;

  private FlinkTumblingJob() {
  }

  /** The job over {@code events}, to run on a MiniCluster with one slot. */
  static JobGraph over(CommerceEvent[] events) {
    input = events;
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    DataGeneratorSource<CommerceEvent> source = new DataGeneratorSource<>(FlinkTumblingJob::eventAt, events.length,
        new CommerceEventTypeInfo());
    WatermarkStrategy<CommerceEvent> watermarks = WatermarkStrategy
        .<CommerceEvent>forBoundedOutOfOrderness(Duration.ofSeconds(5))
        .withTimestampAssigner((event, previous) -> event.time().toEpochMilli());
    TypeInformation<TypeCounts> accumulator = TypeInformation.of(TypeCounts.class);
    env.fromSource(source, watermarks, "events")
        .keyBy(CommerceEvent::storeId, Types.STRING)
        .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
        .aggregate(new TypeCountFunction(), new WindowRows(), accumulator, accumulator,
            TypeInformation.of(WindowRow.class))
        .sinkTo(new DiscardingSink<>());
    return env.getStreamGraph().getJobGraph();
  }

  private static CommerceEvent eventAt(long index) {
    return input[(int) index];
  }

  /** One window's result, as the engine's job emits it. */
  public record WindowRow(String storeId, long windowStart, long[] counts, BigDecimal revenue) {
  }

  /** The engine's aggregate behind Flink's interface. */
  private static final class TypeCountFunction implements AggregateFunction<CommerceEvent, TypeCounts, TypeCounts> {

    private static final long serialVersionUID = 1L;
    private static final TypeCountAggregate AGGREGATE = new TypeCountAggregate();

    @Override
    public TypeCounts createAccumulator() {
      return AGGREGATE.createAccumulator();
    }

    @Override
    public TypeCounts add(CommerceEvent event, TypeCounts accumulator) {
      AGGREGATE.add(accumulator, event);
      return accumulator;
    }

    @Override
    public TypeCounts getResult(TypeCounts accumulator) {
      return accumulator;
    }

    @Override
    public TypeCounts merge(TypeCounts a, TypeCounts b) {
      throw new UnsupportedOperationException("tumbling windows never merge");
    }
  }

  /** Turns each fired window into a row and adds it to the totals. */
  private static final class WindowRows extends ProcessWindowFunction<TypeCounts, WindowRow, String, TimeWindow> {

    private static final long serialVersionUID = 1L;
    private transient TotalsAccumulator totals;

    @Override
    public void open(OpenContext context) {
      totals = new TotalsAccumulator();
      getRuntimeContext().addAccumulator(TOTALS, totals);
    }

    @Override
    public void process(String store, Context context, Iterable<TypeCounts> results, Collector<WindowRow> out) {
      TypeCounts result = results.iterator().next();
      totals.add(result);
      BigDecimal revenue = BigDecimal.ZERO;
      for (BigDecimal sum : result.revenue.toMap().values()) {
        revenue = revenue.add(sum);
      }
      out.collect(new WindowRow(store, context.window().getStart(), result.counts.clone(), revenue));
    }
  }

  /** {@link JobTotals} as a Flink accumulator. */
  private static final class TotalsAccumulator implements Accumulator<TypeCounts, JobTotals> {

    private static final long serialVersionUID = 1L;
    private JobTotals totals = new JobTotals();

    @Override
    public void add(TypeCounts window) {
      totals.add(window);
    }

    @Override
    public JobTotals getLocalValue() {
      return totals;
    }

    @Override
    public void resetLocal() {
      totals = new JobTotals();
    }

    @Override
    public void merge(Accumulator<TypeCounts, JobTotals> other) {
      totals.add(other.getLocalValue());
    }

    @Override
    public TotalsAccumulator clone() {
      TotalsAccumulator copy = new TotalsAccumulator();
      copy.totals.add(totals);
      return copy;
    }
  }
}
