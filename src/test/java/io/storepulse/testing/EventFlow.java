package io.storepulse.testing;

import io.vertx.core.json.JsonArray;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Events that keep flowing while a test does something else: a thread posts batch 0, 1, 2, ...
 * over real HTTP, each once the previous one was acknowledged, until stopped. Batch {@code n} is
 * whatever the test's function makes of {@code n}, so the test knows exactly what was posted from
 * the number of batches.
 */
public final class EventFlow implements AutoCloseable {

  private final Thread thread;
  private final AtomicInteger posted = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stopping;

  private EventFlow(StoreKeys store, IntFunction<JsonArray> batch, Duration pause) {
    thread = new Thread(() -> {
      try {
        while (!stopping) {
          store.post(batch.apply(posted.get()));
          posted.incrementAndGet();
          if (!pause.isZero()) {
            Thread.sleep(pause.toMillis()); // pacing the flow, not waiting for a result
          }
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "event-flow-" + store.id());
    thread.setDaemon(true);
  }

  /** Starts posting batches back to back, {@code pause} apart. */
  public static EventFlow start(StoreKeys store, Duration pause, IntFunction<JsonArray> batch) {
    EventFlow flow = new EventFlow(store, batch, pause);
    flow.thread.start();
    return flow;
  }

  /** Batches acknowledged so far. */
  public int posted() {
    checkHealthy();
    return posted.get();
  }

  /** Waits until at least {@code count} batches have been acknowledged. */
  public void awaitPosted(int count) {
    Deadline.await(Duration.ofSeconds(30), count + " batches posted", () -> posted() >= count);
  }

  /** Waits until {@code more} batches beyond the present ones have been acknowledged. */
  public void awaitMore(int more) {
    awaitPosted(posted() + more);
  }

  /**
   * Stops after the batch in flight and returns how many were acknowledged; every one of them is
   * in the log.
   */
  public int stop() {
    stopping = true;
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    checkHealthy();
    return posted.get();
  }

  @Override
  public void close() {
    stopping = true;
  }

  private void checkHealthy() {
    Throwable failed = failure.get();
    if (failed != null) {
      throw new AssertionError("posting events failed", failed);
    }
  }
}
