package io.storepulse.dashboard;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a new subscription receives before its first {@link Update}; the first update then has
 * {@code fromSeq == start.seq() + 1}.
 */
public sealed interface Start {

  /** The channel seq the subscriber is at once it has applied this start. */
  long seq();

  /**
   * The channel's whole state at {@code seq}.
   *
   * @param seq the seq of the last update the state contains
   * @param state every key with its value
   */
  record Snapshot(long seq, Map<String, String> state) implements Start {

    public Snapshot {
      state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
    }
  }

  /**
   * Exactly the updates a resuming subscriber missed, oldest first; empty when it missed none.
   *
   * @param since the seq the subscriber said it has seen
   * @param updates the updates after {@code since}, up to the channel's current seq
   */
  record Replay(long since, List<Update> updates) implements Start {

    public Replay {
      updates = List.copyOf(updates);
    }

    @Override
    public long seq() {
      return updates.isEmpty() ? since : updates.get(updates.size() - 1).seq();
    }
  }

  /**
   * The subscriber's {@code since} cannot be resumed (older than the replay buffer, or not a seq
   * this channel has had): it must drop its state and take the snapshot.
   */
  record Reset(Snapshot snapshot) implements Start {

    @Override
    public long seq() {
      return snapshot.seq();
    }
  }
}
