package io.storepulse.bench;

import io.storepulse.analytics.CommerceEvent;
import io.storepulse.analytics.EngineSettings;
import io.storepulse.analytics.WindowEngine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second on one thread for the 1-minute tumbling job (count per type and revenue sum,
 * 5 s out-of-orderness), next to a plain HashMap that does the same counting without windows,
 * watermarks or emission, as the yardstick. The score is events/s: one operation is one event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TumblingJobBenchmark.EVENTS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TumblingJobBenchmark {

  static final int EVENTS = 1 << 19;
  private static final int STORES = 100;

  private CommerceEvent[] events;

  @Setup(Level.Trial)
  public void generate() {
    events = BenchEvents.generate(EVENTS, STORES, 5_000, 42);
    TumblingTypeCountJob check = new TumblingTypeCountJob();
    for (CommerceEvent event : events) {
      check.apply(event);
    }
    check.finish();
    if (check.lateEvents() != 0) {
      throw new IllegalStateException("disorder within the out-of-orderness must not make events late");
    }
  }

  @Benchmark
  public long tumblingOneMinuteJob() {
    TumblingTypeCountJob job = new TumblingTypeCountJob();
    for (CommerceEvent event : events) {
      job.apply(event);
    }
    return job.finish();
  }

  /**
   * The whole engine a partition runs (1 min, 1 h and 5 min-hopping windows with visitor sketches,
   * per-SKU counters, sessions, series), drained every {@value TumblingTypeCountJob#DRAIN_EVERY}
   * events: what the other analytics cost on top of the tumbling job.
   */
  @Benchmark
  public long fullWindowEngine() {
    WindowEngine engine = new WindowEngine(EngineSettings.defaults());
    long rows = 0;
    for (int i = 0; i < events.length; i++) {
      engine.apply(events[i]);
      if ((i + 1) % TumblingTypeCountJob.DRAIN_EVERY == 0) {
        rows += engine.drainChanges().windows().size();
      }
    }
    return rows + engine.drainChanges().windows().size();
  }

  /** The yardstick: {@link HashMapBaseline}. */
  @Benchmark
  public long hashMapBaseline() {
    return HashMapBaseline.count(events).size();
  }
}
