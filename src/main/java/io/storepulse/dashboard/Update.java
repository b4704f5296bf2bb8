package io.storepulse.dashboard;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A change to a channel's state: the keys that got a new value and the keys that went away.
 * Values are opaque JSON texts that the WebSocket layer embeds as they are.
 *
 * <p>A published update covers one seq ({@code fromSeq == seq}). Updates coalesced for a slow
 * client cover the run {@code fromSeq..seq} and carry, per key, only the newest value; applying
 * one has the same effect as applying the run in order. A client that has seen seq {@code s}
 * can therefore check that the next update starts at {@code s + 1}.
 *
 * <p>A value: equal when its seqs, values and removed keys are. One published update goes to
 * every subscriber of its channel as the same object, which lets the WebSocket layer encode its
 * changes once for all of them ({@link #encodedChanges}).
 */
public final class Update {

  private final long fromSeq;
  private final long seq;
  private final Map<String, String> values;
  private final Set<String> removed;
  private volatile Object encodedChanges;

  /**
   * @param fromSeq the first seq this update stands for
   * @param seq the channel seq after this update
   * @param values keys with their new value, in the order they changed
   * @param removed keys no longer in the state; never also in {@code values}
   */
  public Update(long fromSeq, long seq, Map<String, String> values, Set<String> removed) {
    if (fromSeq > seq) {
      throw new IllegalArgumentException("fromSeq " + fromSeq + " is after seq " + seq);
    }
    this.fromSeq = fromSeq;
    this.seq = seq;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.removed = Collections.unmodifiableSet(new LinkedHashSet<>(removed));
    this.values.forEach((key, value) -> Objects.requireNonNull(value, key));
    for (String key : this.removed) {
      if (this.values.containsKey(key)) {
        throw new IllegalArgumentException("key both changed and removed: " + key);
      }
    }
  }

  /** The first seq this update stands for. */
  public long fromSeq() {
    return fromSeq;
  }

  /** The channel seq after this update. */
  public long seq() {
    return seq;
  }

  /** Keys with their new value, in the order they changed. */
  public Map<String, String> values() {
    return values;
  }

  /** Keys no longer in the state; never also in {@link #values()}. */
  public Set<String> removed() {
    return removed;
  }

  /**
   * What {@code encoder} makes of this update's values and removed keys, computed on the first
   * call and kept: a thousand clients of a channel cost one encoding. The encoder must depend on
   * nothing but the update, and always be the same encoder; two threads may both run it once.
   */
  @SuppressWarnings("unchecked")
  public <T> T encodedChanges(Function<Update, T> encoder) {
    Object encoded = encodedChanges;
    if (encoded == null) {
      encoded = encoder.apply(this);
      encodedChanges = encoded;
    }
    return (T) encoded;
  }

  /** Applies this update to a copy of a channel's state, as a client does. */
  public void applyTo(Map<String, String> state) {
    state.putAll(values);
    state.keySet().removeAll(removed);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Update that && fromSeq == that.fromSeq && seq == that.seq && values.equals(that.values)
        && removed.equals(that.removed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fromSeq, seq, values, removed);
  }

  @Override
  public String toString() {
    return "Update[fromSeq=" + fromSeq + ", seq=" + seq + ", values=" + values + ", removed=" + removed + "]";
  }
}
