package io.storepulse.bench;

import io.storepulse.analytics.CommerceEvent;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.util.EnvironmentInformation;

/**
 * The 1-minute tumbling job (count per type and revenue sum per store, 5 s out-of-orderness) over
 * the same pre-generated events, side by side in one JVM: the engine ({@link TumblingTypeCountJob}),
 * Apache Flink on an in-process MiniCluster at parallelism 1 ({@link FlinkTumblingJob}), and the
 * single-thread {@link HashMapBaseline}. Prints events per second of wall time and of process CPU
 * time for each, the ratios against the targets, and whether all three add up to the same totals.
 *
 * <p>Rounds alternate the three systems, so that a busy neighbour slows them alike, and the first
 * round warms the JIT; each figure is the best round, as interference only ever slows one down.
 * Process CPU time counts every thread (Flink's source and window tasks, the garbage collector,
 * the compiler) and none of another tenant's, so it is the figure to trust on a shared machine.
 *
 * <p>{@code load-tests/engine-vs-flink.sh}, or
 * {@code java -Xms6g -Xmx6g -cp benchmarks.jar io.storepulse.bench.EngineVsFlink [events] [rounds]}
 */
public final class EngineVsFlink {

  private static final int STORES = 100;
  private static final long MAX_DISORDER_MILLIS = 5_000;
  private static final long SEED = 42;
  private static final double TARGET_VS_FLINK = 5.0;
  private static final double TARGET_VS_BASELINE = 0.5;

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private EngineVsFlink() {
  }

  /** One round of one system. */
  private record Run(long wallNanos, long cpuNanos, JobTotals totals) {
  }

  /** One of the three systems: its rounds and best figures. */
  private static final class Contender {
    final String name;
    final List<Run> runs = new ArrayList<>();

    Contender(String name) {
      this.name = name;
    }

    long bestWall() {
      return runs.stream().mapToLong(Run::wallNanos).min().orElseThrow();
    }

    long bestCpu() {
      return runs.stream().mapToLong(Run::cpuNanos).min().orElseThrow();
    }
  }

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 10_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf(Locale.ROOT, "events %,d, %d stores, up to %d ms disorder, seed %d; %d rounds; %d cores;"
        + " load average %.2f; Java %s; Flink %s%n", count, STORES, MAX_DISORDER_MILLIS, SEED, rounds,
        Runtime.getRuntime().availableProcessors(), OS.getSystemLoadAverage(), Runtime.version(),
        EnvironmentInformation.getVersion());

    long generating = System.nanoTime();
    CommerceEvent[] events = BenchEvents.generate(count, STORES, MAX_DISORDER_MILLIS, SEED);
    System.out.printf(Locale.ROOT, "generated in %.1f s%n", (System.nanoTime() - generating) / 1e9);

    Contender engine = new Contender("engine");
    Contender flink = new Contender("flink");
    Contender baseline = new Contender("hashmap");
    try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(clusterConfiguration())
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(1)
        .build())) {
      cluster.start();
      for (int round = 1; round <= rounds; round++) {
        measure(round, engine, () -> engine(events));
        // the job graph is built outside the measurement: only its execution is timed
        JobGraph job = FlinkTumblingJob.over(events);
        measure(round, flink, () -> cluster.executeJobBlocking(job).getAccumulatorResult(FlinkTumblingJob.TOTALS));
        measure(round, baseline, () -> JobTotals.of(HashMapBaseline.count(events)));
      }
    }
    // a missed target is a finding; totals that differ make the comparison void
    System.exit(report(count, engine, flink, baseline) ? 0 : 1);
  }

  /** Everything on the loopback interface with ephemeral ports, as every load test here. */
  private static Configuration clusterConfiguration() {
    Configuration configuration = new Configuration();
    configuration.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    configuration.set(RestOptions.ADDRESS, "127.0.0.1");
    configuration.set(RestOptions.PORT, 0);
    configuration.set(JobManagerOptions.ADDRESS, "127.0.0.1");
    configuration.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    configuration.set(TaskManagerOptions.HOST, "127.0.0.1");
    configuration.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    return configuration;
  }

  private static JobTotals engine(CommerceEvent[] events) {
    JobTotals totals = new JobTotals();
    TumblingTypeCountJob job = new TumblingTypeCountJob(window -> totals.add(window.accumulator()));
    for (CommerceEvent event : events) {
      job.apply(event);
    }
    job.finish();
    if (job.lateEvents() != 0) {
      throw new IllegalStateException(job.lateEvents() + " late events: disorder must stay within 5 s");
    }
    return totals;
  }

  private static void measure(int round, Contender contender, Callable<JobTotals> workload) throws Exception {
    // each round starts from a collected heap, so that one system does not pay for another's garbage
    System.gc();
    long cpu = OS.getProcessCpuTime();
    long wall = System.nanoTime();
    JobTotals totals = workload.call();
    Run run = new Run(System.nanoTime() - wall, OS.getProcessCpuTime() - cpu, totals);
    contender.runs.add(run);
    System.out.printf(Locale.ROOT, "round %d %-8s wall %6.3f s  cpu %6.3f s  load %.2f%n", round, contender.name,
        run.wallNanos / 1e9, run.cpuNanos / 1e9, OS.getSystemLoadAverage());
  }

  /** Prints the table, the ratios and the totals; false when the totals differ. */
  private static boolean report(int count, Contender engine, Contender flink, Contender baseline) {
    System.out.println();
    System.out.printf(Locale.ROOT, "%-8s %10s %14s %10s %16s %9s%n", "system", "wall s", "events/s", "cpu s",
        "events/cpu-s", "cpu/wall");
    for (Contender contender : List.of(engine, flink, baseline)) {
      System.out.printf(Locale.ROOT, "%-8s %10.3f %,14.0f %10.3f %,16.0f %9.2f%n", contender.name,
          contender.bestWall() / 1e9, count / (contender.bestWall() / 1e9), contender.bestCpu() / 1e9,
          count / (contender.bestCpu() / 1e9), (double) contender.bestCpu() / contender.bestWall());
    }
    System.out.println();
    ratio("engine / flink", engine, flink, TARGET_VS_FLINK);
    ratio("engine / hashmap", engine, baseline, TARGET_VS_BASELINE);

    System.out.println();
    JobTotals expected = baseline.runs.get(0).totals();
    boolean identical = expected.eventCount() == count;
    for (Contender contender : List.of(engine, flink, baseline)) {
      for (Run run : contender.runs) {
        identical &= run.totals().sameAs(expected);
      }
      System.out.printf(Locale.ROOT, "totals %-8s %s%n", contender.name, contender.runs.get(0).totals());
    }
    System.out.println("totals " + (identical ? "identical across the three systems and every round"
        : "DIFFER"));
    return identical;
  }

  /** How many times faster {@code contender} is than {@code other}; the target holds on both clocks. */
  private static void ratio(String label, Contender contender, Contender other, double target) {
    double wall = (double) other.bestWall() / contender.bestWall();
    double cpu = (double) other.bestCpu() / contender.bestCpu();
    boolean met = wall >= target && cpu >= target;
    System.out.printf(Locale.ROOT, "%-17s %6.2f x wall  %6.2f x cpu   target >= %.1f x: %s%n", label, wall, cpu,
        target, met ? "met" : "MISSED");
  }
}
