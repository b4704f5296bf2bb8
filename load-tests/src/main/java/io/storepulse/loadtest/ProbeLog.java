package io.storepulse.loadtest;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each latency probe was sent and acknowledged, and when each dashboard client first saw
 * its effect. Probe {@code k} (from 1) is the {@code k}-th {@code inventory_restocked} of one unit
 * of the probe SKU; probes go out one at a time, so the log holds them in order and a level of
 * {@code base + k} on hand means that probes 1 to {@code k} have been applied, and none after.
 *
 * <p>Each cell has one writer: the probe sender writes the send and ack times of a probe, a
 * client's event loop writes that client's arrivals. The send and ack times are read once the
 * sender has stopped, after a hand-over that orders the reads after the writes (a completed
 * future); arrivals may be read at any time.
 */
final class ProbeLog {

  private final int clients;
  private final int capacity;
  private final long[] sentNanos;
  private final long[] ackNanos;
  /** Per probe, per client: when the client received the first update showing it; 0 when never. */
  private final AtomicLongArray arrivals;

  ProbeLog(int clients, int capacity) {
    this.clients = clients;
    this.capacity = capacity;
    this.sentNanos = new long[capacity + 1];
    this.ackNanos = new long[capacity + 1];
    this.arrivals = new AtomicLongArray((capacity + 1) * clients);
  }

  /** The highest probe number there is room for. */
  int capacity() {
    return capacity;
  }

  void sent(int probe, long nanos) {
    sentNanos[probe] = nanos;
  }

  void acknowledged(int probe, long nanos) {
    ackNanos[probe] = nanos;
  }

  long sentNanos(int probe) {
    return sentNanos[probe];
  }

  long ackNanos(int probe) {
    return ackNanos[probe];
  }

  /**
   * A client received an update showing every probe up to {@code upTo}; it had seen those up to
   * {@code seen} before. Returns the new high mark.
   */
  int seen(int client, int seen, int upTo, long nanos) {
    int last = Math.min(upTo, capacity);
    for (int probe = Math.max(seen + 1, 1); probe <= last; probe++) {
      arrivals.set(probe * clients + client, nanos);
    }
    return Math.max(seen, upTo);
  }

  /** The arrival times of one probe, one per client, 0 for a client that has not seen it. */
  long[] arrivals(int probe) {
    long[] times = new long[clients];
    for (int client = 0; client < clients; client++) {
      times[client] = arrivals.get(probe * clients + client);
    }
    return times;
  }

  /** Whether every client has seen the probe. */
  boolean seenByAll(int probe) {
    for (int client = 0; client < clients; client++) {
      if (arrivals.get(probe * clients + client) == 0) {
        return false;
      }
    }
    return true;
  }
}
