package io.storepulse.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The live state of one dashboard channel: the latest value per key, a seq that grows by one per
 * published change, the last {@code replayCapacity} updates for resuming clients, and the
 * subscriptions to tell.
 *
 * <p>Thread-safe. Publishing, subscribing and unsubscribing are serialised on the channel, and
 * subscribers are called from inside that critical section: a subscription's start is computed
 * and delivered in the same step that registers it, so its first update is always the one right
 * after the start — none lost, none twice.
 *
 * <p>The publisher removes keys that should no longer be shown (windows that scrolled out,
 * resolved alerts); the state holds whatever it has not removed.
 */
public final class ChannelState {

  private final ChannelKey key;
  private final int replayCapacity;
  private final Map<String, String> state = new LinkedHashMap<>();
  private final ArrayDeque<Update> replay;
  private final Set<ChannelSubscriber> subscribers = new LinkedHashSet<>();
  private long seq;

  /**
   * @param initialSeq the seq of the empty state. Start each server run above the seqs of the
   *     previous one (say, from the start time) and a client resuming across a restart gets a
   *     reset instead of a replay of some other run's updates.
   */
  public ChannelState(ChannelKey key, int replayCapacity, long initialSeq) {
    if (replayCapacity < 0) {
      throw new IllegalArgumentException("replay capacity must not be negative");
    }
    this.key = Objects.requireNonNull(key, "key");
    this.replayCapacity = replayCapacity;
    this.replay = new ArrayDeque<>(replayCapacity);
    this.seq = initialSeq;
  }

  public ChannelKey key() {
    return key;
  }

  /**
   * Applies a change and tells every subscriber. Values equal to the current ones and removals of
   * absent keys are left out; if nothing is left the seq does not move.
   *
   * @param values keys with their new JSON value
   * @param removed keys to drop; must not also be in {@code values}
   * @return the channel's seq after the change
   */
  public synchronized long publish(Map<String, String> values, Set<String> removed) {
    Map<String, String> changed = new LinkedHashMap<>();
    values.forEach((k, value) -> {
      if (!Objects.requireNonNull(value, k).equals(state.get(k))) {
        changed.put(k, value);
      }
    });
    Set<String> gone = new LinkedHashSet<>();
    for (String k : removed) {
      if (values.containsKey(k)) {
        throw new IllegalArgumentException("key both changed and removed: " + k);
      }
      if (state.containsKey(k)) {
        gone.add(k);
      }
    }
    if (changed.isEmpty() && gone.isEmpty()) {
      return seq;
    }
    seq++;
    Update update = new Update(seq, seq, changed, gone);
    update.applyTo(state);
    if (replayCapacity > 0) {
      if (replay.size() == replayCapacity) {
        replay.removeFirst();
      }
      replay.addLast(update);
    }
    for (ChannelSubscriber subscriber : subscribers) {
      subscriber.onUpdate(update);
    }
    return seq;
  }

  /** Publishes new values only. */
  public long publish(Map<String, String> values) {
    return publish(values, Set.of());
  }

  /**
   * Registers a subscriber and hands it its start before any later update: a snapshot without
   * {@code since}; a replay when every update after {@code since} is still buffered; otherwise
   * (too old, or ahead of this channel) a reset with a snapshot.
   *
   * @param since the last seq the subscriber has seen, when it resumes
   * @return the start, as also given to {@link ChannelSubscriber#onStart}
   */
  public synchronized Start subscribe(OptionalLong since, ChannelSubscriber subscriber) {
    if (!subscribers.add(Objects.requireNonNull(subscriber, "subscriber"))) {
      throw new IllegalStateException("already subscribed");
    }
    Start start = startFor(since);
    subscriber.onStart(start);
    return start;
  }

  /** Stops updates to a subscriber; false when it was not subscribed. */
  public synchronized boolean unsubscribe(ChannelSubscriber subscriber) {
    return subscribers.remove(subscriber);
  }

  public synchronized long seq() {
    return seq;
  }

  /** The current state with its seq. */
  public synchronized Start.Snapshot snapshot() {
    return new Start.Snapshot(seq, state);
  }

  public synchronized int subscriberCount() {
    return subscribers.size();
  }

  private Start startFor(OptionalLong since) {
    if (since.isEmpty()) {
      return snapshot();
    }
    long seen = since.getAsLong();
    // the buffer holds seqs seq - size + 1 .. seq, so it can bring any seen seq from seq - size on
    if (seen > seq || seen < seq - replay.size()) {
      return new Start.Reset(snapshot());
    }
    int missed = (int) (seq - seen);
    List<Update> updates = new ArrayList<>(missed);
    replay.stream().skip(replay.size() - missed).forEach(updates::add);
    return new Start.Replay(seen, updates);
  }
}
