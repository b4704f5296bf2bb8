package io.storepulse.dashboard;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A change to a channel's state: the keys that got a new value and the keys that went away.
 * Values are opaque JSON texts that the WebSocket layer embeds as they are.
 *
 * <p>A published update covers one seq ({@code fromSeq == seq}). Updates coalesced for a slow
 * client cover the run {@code fromSeq..seq} and carry, per key, only the newest value; applying
 * one has the same effect as applying the run in order. A client that has seen seq {@code s}
 * can therefore check that the next update starts at {@code s + 1}.
 *
 * @param fromSeq the first seq this update stands for
 * @param seq the channel seq after this update
 * @param values keys with their new value, in the order they changed
 * @param removed keys no longer in the state; never also in {@code values}
 */
public record Update(long fromSeq, long seq, Map<String, String> values, Set<String> removed) {

  public Update {
    if (fromSeq > seq) {
      throw new IllegalArgumentException("fromSeq " + fromSeq + " is after seq " + seq);
    }
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    removed = Collections.unmodifiableSet(new LinkedHashSet<>(removed));
    values.forEach((key, value) -> Objects.requireNonNull(value, key));
    for (String key : removed) {
      if (values.containsKey(key)) {
        throw new IllegalArgumentException("key both changed and removed: " + key);
      }
    }
  }

  /** Applies this update to a copy of a channel's state, as a client does. */
  public void applyTo(Map<String, String> state) {
    state.putAll(values);
    state.keySet().removeAll(removed);
  }
}
