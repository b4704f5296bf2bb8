package io.storepulse.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client's copy of a channel, built only from what it receives. It fails on the first gap or
 * duplicate: every update must start right after the seq the mirror is at.
 */
final class Mirror implements ChannelSubscriber {

  final Map<String, String> state = new LinkedHashMap<>();
  final List<Start> starts = new ArrayList<>();
  final List<Update> updates = new ArrayList<>();
  private long seq = Long.MIN_VALUE;

  /** A mirror of a client that has already seen the channel up to {@code seq}. */
  static Mirror at(long seq, Map<String, String> state) {
    Mirror mirror = new Mirror();
    mirror.seq = seq;
    mirror.state.putAll(state);
    return mirror;
  }

  @Override
  public synchronized void onStart(Start start) {
    starts.add(start);
    if (start instanceof Start.Snapshot snapshot) {
      replaceWith(snapshot);
    } else if (start instanceof Start.Reset reset) {
      replaceWith(reset.snapshot());
    } else if (start instanceof Start.Replay replay) {
      assertEquals(seq, replay.since(), "replay from the seq the client has");
      replay.updates().forEach(this::apply);
    }
    assertEquals(start.seq(), seq);
  }

  @Override
  public synchronized void onUpdate(Update update) {
    updates.add(update);
    apply(update);
  }

  synchronized long seq() {
    return seq;
  }

  synchronized Map<String, String> state() {
    return new LinkedHashMap<>(state);
  }

  private void replaceWith(Start.Snapshot snapshot) {
    state.clear();
    state.putAll(snapshot.state());
    seq = snapshot.seq();
  }

  private void apply(Update update) {
    assertEquals(seq + 1, update.fromSeq(), "update right after the last seen seq");
    assertTrue(update.seq() >= update.fromSeq());
    update.applyTo(state);
    seq = update.seq();
  }
}
