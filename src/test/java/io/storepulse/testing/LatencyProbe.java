package io.storepulse.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures how long an event takes to reach a dashboard, over and over while a test does
 * something else: a thread posts one page view to a store, waits until a mirror of the store's
 * metrics channel counts it, and starts again. Each round trip covers the ingest acknowledgement,
 * the pipeline, the dashboard feed and the socket.
 */
public final class LatencyProbe implements AutoCloseable {

  private static final Duration GIVE_UP = Duration.ofSeconds(20);

  private final Thread thread;
  private final List<Duration> latencies = new CopyOnWriteArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stopping;

  private LatencyProbe(StoreKeys store, DashboardMirror metrics) {
    thread = new Thread(() -> {
      try {
        long base = ReadApiViews.total(metrics.catchUp().state(), "pageViews");
        for (int k = 1; !stopping; k++) {
          long expected = base + k;
          long sent = System.nanoTime();
          store.post(Events.pageView("probe-" + store.id() + "-" + k));
          metrics.await(GIVE_UP, "probe page view " + k,
              m -> ReadApiViews.total(m.state(), "pageViews") == expected);
          latencies.add(Duration.ofNanos(System.nanoTime() - sent));
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "latency-probe-" + store.id());
    thread.setDaemon(true);
  }

  /**
   * Starts probing.
   *
   * @param metrics a live mirror of the store's metrics channel, which the probe's thread owns from
   *     now until {@link #stop()}
   */
  public static LatencyProbe start(StoreKeys store, DashboardMirror metrics) {
    LatencyProbe probe = new LatencyProbe(store, metrics);
    probe.thread.start();
    return probe;
  }

  /** Round trips completed so far. */
  public int count() {
    return latencies.size();
  }

  /** Waits until {@code more} round trips beyond the present ones have completed. */
  public void awaitMore(int more) {
    int target = count() + more;
    Deadline.await(GIVE_UP, target + " probe round trips", () -> {
      checkHealthy();
      return count() >= target;
    });
  }

  /** Stops after the round trip in flight; returns every latency measured. */
  public List<Duration> stop() {
    stopping = true;
    try {
      thread.join(GIVE_UP.toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    checkHealthy();
    return List.copyOf(latencies);
  }

  @Override
  public void close() {
    stopping = true;
  }

  private void checkHealthy() {
    Throwable failed = failure.get();
    if (failed != null) {
      throw new AssertionError("the latency probe failed", failed);
    }
  }
}
