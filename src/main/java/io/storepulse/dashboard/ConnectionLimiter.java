package io.storepulse.dashboard;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts a server's dashboard connections and refuses those beyond a limit. Thread-safe. */
public final class ConnectionLimiter {

  private final int limit;
  private final AtomicInteger open = new AtomicInteger();

  public ConnectionLimiter(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    this.limit = limit;
  }

  /** Takes a place for a new connection; false when all are taken. */
  public boolean tryAcquire() {
    while (true) {
      int current = open.get();
      if (current >= limit) {
        return false;
      }
      if (open.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Gives back the place of a closed connection. */
  public void release() {
    open.decrementAndGet();
  }

  /** Connections open now. */
  public int open() {
    return open.get();
  }
}
