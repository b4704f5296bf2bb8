package io.storepulse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The benchmark's workloads timed in thread CPU time rather than wall time: on a shared machine
 * JMH's wall-clock throughput also measures the other tenants, while CPU time counts only the
 * cycles this thread got. Runs each workload after a JIT warm-up and prints events per CPU second.
 *
 * <p>{@code java -cp load-tests/engine-bench/target/benchmarks.jar io.storepulse.bench.EventsPerCpuSecond}
 */
public final class EventsPerCpuSecond {

  private static final int WARM_UP_ROUNDS = 10;
  private static final int ROUNDS = 10;

  /** Where results go, so that the JIT cannot drop the work. */
  private static volatile long sink;

  private EventsPerCpuSecond() {
  }

  public static void main(String[] args) {
    TumblingJobBenchmark benchmark = new TumblingJobBenchmark();
    benchmark.generate();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double job = best(threads, benchmark::tumblingOneMinuteJob);
    double baseline = best(threads, benchmark::hashMapBaseline);
    System.out.printf(Locale.ROOT, "1-minute tumbling job: %,.0f events per CPU second%n", job);
    System.out.printf(Locale.ROOT, "HashMap yardstick:     %,.0f events per CPU second%n", baseline);
    System.out.printf(Locale.ROOT, "job / yardstick:       %.2f%n", job / baseline);
  }

  /** The best round: interference only ever slows a round down. */
  private static double best(ThreadMXBean threads, LongSupplier workload) {
    for (int i = 0; i < WARM_UP_ROUNDS; i++) {
      sink += workload.getAsLong();
    }
    long fastest = Long.MAX_VALUE;
    for (int i = 0; i < ROUNDS; i++) {
      long start = threads.getCurrentThreadCpuTime();
      sink += workload.getAsLong();
      fastest = Math.min(fastest, threads.getCurrentThreadCpuTime() - start);
    }
    return TumblingJobBenchmark.EVENTS / (fastest / 1e9);
  }
}
