package io.storepulse.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The outbound side of one dashboard connection: its subscriptions and what is waiting to be
 * written to its socket.
 *
 * <p>Channels push into the queue from whatever thread publishes; the connection polls it while
 * its socket is writable. What waits for one subscription is at most its start and one update:
 * a new update is merged into the waiting one, newest value per key. While the socket keeps up
 * the queue is emptied after every push and nothing merges; once the socket backs up, a slow
 * client costs per subscription at most its start (a snapshot, or a replay no longer than the
 * channel's buffer) and one update no larger than the channel's key set, however long it lags,
 * and pushing to it stays as cheap as pushing to a fast one.
 *
 * <p>The connection reports when its socket stops and starts being writable; a socket that stays
 * unwritable longer than {@link ClientLimits#stuckAfter()} makes {@link #checkStuck()} close the
 * queue and return the close frame to send.
 *
 * <p>Thread-safe. The queue never calls a channel while holding its own lock, since channels
 * call the queue while holding theirs.
 */
public final class ClientQueue {

  private final ClientLimits limits;
  private final LongSupplier nanoClock;
  private final Runnable wakeup;
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  /** Subscriptions with something to send, oldest first. */
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
  private boolean blocked;
  private long blockedSince;
  private CloseReason closeReason;
  private boolean closed;

  /**
   * @param nanoClock a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests
   * @param wakeup called when the queue goes from empty to not empty, possibly on a publisher's
   *     thread and under a channel's lock: it should only schedule a drain on the connection's
   *     own thread
   */
  public ClientQueue(ClientLimits limits, LongSupplier nanoClock, Runnable wakeup) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.wakeup = Objects.requireNonNull(wakeup, "wakeup");
  }

  /**
   * Subscribes to a channel under the client's id for the subscription. On success the start is
   * already queued, ahead of every update that follows it.
   *
   * @param since the last seq the client has seen of this channel, when it resumes
   */
  public SubscribeResult subscribe(String id, ChannelState channel, OptionalLong since) {
    Subscription subscription;
    synchronized (this) {
      if (closed) {
        return SubscribeResult.CLOSED;
      }
      if (subscriptions.containsKey(id)) {
        return SubscribeResult.DUPLICATE_ID;
      }
      if (subscriptions.size() >= limits.maxSubscriptions()) {
        return SubscribeResult.TOO_MANY_SUBSCRIPTIONS;
      }
      subscription = new Subscription(id, channel);
      subscriptions.put(id, subscription);
    }
    channel.subscribe(since, subscription);
    // an unsubscribe or close between the two steps found nothing to remove from the channel yet
    if (subscription.cancelled) {
      channel.unsubscribe(subscription);
    }
    return SubscribeResult.SUBSCRIBED;
  }

  /**
   * Ends a subscription; nothing more is sent for it, including what was waiting.
   *
   * @return false when the client has no subscription with this id
   */
  public boolean unsubscribe(String id) {
    Subscription subscription;
    synchronized (this) {
      subscription = subscriptions.remove(id);
      if (subscription == null) {
        return false;
      }
      subscription.cancelled = true;
      pending.remove(id);
    }
    subscription.channel.unsubscribe(subscription);
    return true;
  }

  /** The next message to write, oldest subscription first; empty when nothing waits. */
  public synchronized Optional<Outbound> poll() {
    Iterator<Map.Entry<String, Pending>> entries = pending.entrySet().iterator();
    if (!entries.hasNext()) {
      return Optional.empty();
    }
    Map.Entry<String, Pending> entry = entries.next();
    Pending next = entry.getValue();
    if (next.start != null) {
      Start start = next.start;
      next.start = null;
      if (!next.hasUpdate()) {
        entries.remove();
      }
      return Optional.of(new Outbound.Started(entry.getKey(), start));
    }
    entries.remove();
    return Optional.of(new Outbound.Delivered(entry.getKey(), next.takeUpdate()));
  }

  /** How many subscriptions have something waiting. */
  public synchronized int pendingCount() {
    return pending.size();
  }

  /** The socket's write queue is full; from now on pushes wait and merge. */
  public synchronized void socketBlocked() {
    if (!blocked) {
      blocked = true;
      blockedSince = nanoClock.getAsLong();
    }
  }

  /** The socket drained; the stuck timer starts over at the next {@link #socketBlocked()}. */
  public synchronized void socketWritable() {
    blocked = false;
  }

  /**
   * Whether the socket has been unwritable for longer than allowed. The first time it has, the
   * queue closes (see {@link #close()}) and the reason to close the socket with is returned, then
   * again on every later call.
   */
  public Optional<CloseReason> checkStuck() {
    synchronized (this) {
      if (closeReason != null || !blocked) {
        return Optional.ofNullable(closeReason);
      }
      Duration stuckFor = Duration.ofNanos(nanoClock.getAsLong() - blockedSince);
      if (stuckFor.compareTo(limits.stuckAfter()) < 0) {
        return Optional.empty();
      }
      closeReason = new CloseReason(CloseReason.TRY_AGAIN_LATER,
          "too slow: not writable for " + stuckFor.toMillis() + " ms, reconnect and resume");
    }
    close();
    return Optional.of(closeReason);
  }

  /** Ends every subscription and drops what waits; call when the connection closes. */
  public void close() {
    List<Subscription> ended;
    synchronized (this) {
      closed = true;
      ended = new ArrayList<>(subscriptions.values());
      ended.forEach(subscription -> subscription.cancelled = true);
      subscriptions.clear();
      pending.clear();
    }
    ended.forEach(subscription -> subscription.channel.unsubscribe(subscription));
  }

  private void push(Subscription subscription, Start start, Update update) {
    boolean wasEmpty;
    synchronized (this) {
      if (subscription.cancelled) {
        return;
      }
      wasEmpty = pending.isEmpty();
      Pending waiting = pending.computeIfAbsent(subscription.id, id -> new Pending());
      if (start != null) {
        waiting.start = start;
      } else {
        waiting.merge(update);
      }
    }
    if (wasEmpty) {
      wakeup.run();
    }
  }

  private final class Subscription implements ChannelSubscriber {

    final String id;
    final ChannelState channel;
    /** Set under the queue's lock; read without it only to undo a subscribe that lost a race. */
    volatile boolean cancelled;

    Subscription(String id, ChannelState channel) {
      this.id = id;
      this.channel = channel;
    }

    @Override
    public void onStart(Start start) {
      push(this, start, null);
    }

    @Override
    public void onUpdate(Update update) {
      push(this, null, update);
    }
  }

  /**
   * What waits for one subscription: its start, then the updates after it merged into one. A
   * lone update waits as the channel published it, the same object for every subscriber; only a
   * second one makes the merged copy.
   */
  private static final class Pending {

    private Start start;
    /** The only update waiting, while no other has come to merge with it. */
    private Update single;
    private long fromSeq;
    private long seq;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> removed = new LinkedHashSet<>();

    boolean hasUpdate() {
      return single != null || !values.isEmpty() || !removed.isEmpty();
    }

    void merge(Update update) {
      if (!hasUpdate()) {
        single = update;
        return;
      }
      if (single != null) {
        fromSeq = single.fromSeq();
        fold(single);
        single = null;
      }
      fold(update);
    }

    private void fold(Update update) {
      seq = update.seq();
      update.values().forEach((key, value) -> {
        values.put(key, value);
        removed.remove(key);
      });
      // the client may hold the key from before this run of updates, so removals always stay
      for (String key : update.removed()) {
        values.remove(key);
        removed.add(key);
      }
    }

    Update takeUpdate() {
      if (single != null) {
        Update update = single;
        single = null;
        return update;
      }
      Update update = new Update(fromSeq, seq, values, removed);
      values.clear();
      removed.clear();
      return update;
    }
  }
}
