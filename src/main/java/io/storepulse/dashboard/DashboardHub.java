package io.storepulse.dashboard;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Every dashboard channel of a server, created on first use with the same replay capacity and
 * initial seq. Thread-safe.
 */
public final class DashboardHub {

  private final int replayCapacity;
  private final long initialSeq;
  private final ConcurrentMap<ChannelKey, ChannelState> channels = new ConcurrentHashMap<>();

  /**
   * @param replayCapacity how many recent updates each channel keeps for resuming clients
   * @param initialSeq the seq of every channel's empty state; see {@link ChannelState}
   */
  public DashboardHub(int replayCapacity, long initialSeq) {
    if (replayCapacity < 0) {
      throw new IllegalArgumentException("replay capacity must not be negative");
    }
    this.replayCapacity = replayCapacity;
    this.initialSeq = initialSeq;
  }

  /** The channel for a key, created empty when it does not exist yet. */
  public ChannelState channel(ChannelKey key) {
    return channels.computeIfAbsent(key, k -> new ChannelState(k, replayCapacity, initialSeq));
  }
}
