package io.storepulse.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChannelStateTest {

  private final ChannelState channel = new ChannelState(ChannelKey.inventory("s1"), 3, 100);

  @Test
  void everyPublishedChangeTakesTheNextSeq() {
    assertEquals(100, channel.seq());
    assertEquals(101, channel.publish(Map.of("sku-1", "5")));
    assertEquals(102, channel.publish(Map.of("sku-2", "7")));
    assertEquals(103, channel.publish(Map.of(), Set.of("sku-1")));

    assertEquals(new Start.Snapshot(103, Map.of("sku-2", "7")), channel.snapshot());
  }

  @Test
  void publishingNothingNewLeavesTheSeqAlone() {
    channel.publish(Map.of("sku-1", "5"));
    Mirror mirror = new Mirror();
    channel.subscribe(OptionalLong.empty(), mirror);

    assertEquals(101, channel.publish(Map.of("sku-1", "5")));
    assertEquals(101, channel.publish(Map.of(), Set.of("sku-9")));
    assertEquals(List.of(), mirror.updates);
  }

  @Test
  void updatesCarryOnlyTheKeysThatChanged() {
    channel.publish(Map.of("sku-1", "5", "sku-2", "7"));
    Mirror mirror = new Mirror();
    channel.subscribe(OptionalLong.empty(), mirror);

    channel.publish(Map.of("sku-1", "5", "sku-2", "6"), Set.of("sku-3"));

    assertEquals(List.of(new Update(102, 102, Map.of("sku-2", "6"), Set.of())), mirror.updates);
  }

  @Test
  void aKeyCannotBeChangedAndRemovedAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> channel.publish(Map.of("a", "1"), Set.of("a")));
  }

  @Test
  void newSubscriberGetsTheSnapshotThenEachUpdateAfterIt() {
    channel.publish(Map.of("a", "1"));
    channel.publish(Map.of("b", "2"));
    Mirror mirror = new Mirror();

    Start start = channel.subscribe(OptionalLong.empty(), mirror);
    channel.publish(Map.of("a", "3"));
    channel.publish(Map.of(), Set.of("b"));

    assertEquals(new Start.Snapshot(102, Map.of("a", "1", "b", "2")), start);
    assertEquals(List.of(103L, 104L), mirror.updates.stream().map(Update::seq).toList());
    assertEquals(channel.snapshot().state(), mirror.state());
  }

  @Test
  void resumingSubscriberGetsExactlyTheUpdatesItMissed() {
    Mirror before = new Mirror();
    channel.subscribe(OptionalLong.empty(), before);
    channel.publish(Map.of("a", "1"));
    channel.unsubscribe(before);
    channel.publish(Map.of("a", "2"));
    channel.publish(Map.of("b", "1"));

    Mirror resumed = Mirror.at(before.seq(), before.state());
    Start start = channel.subscribe(OptionalLong.of(before.seq()), resumed);

    Start.Replay replay = assertInstanceOf(Start.Replay.class, start);
    assertEquals(List.of(102L, 103L), replay.updates().stream().map(Update::seq).toList());
    assertEquals(channel.snapshot().state(), resumed.state());
  }

  @Test
  void subscriberThatMissedNothingGetsAnEmptyReplay() {
    channel.publish(Map.of("a", "1"));

    Start start = channel.subscribe(OptionalLong.of(101), Mirror.at(101, Map.of("a", "1")));

    assertEquals(new Start.Replay(101, List.of()), start);
    assertEquals(101, start.seq());
  }

  @Test
  void replayReachesBackAsFarAsTheBufferHolds() {
    for (int i = 1; i <= 5; i++) {
      channel.publish(Map.of("a", Integer.toString(i)));
    }
    // seqs 103..105 are buffered: a client at 102 can resume, one at 101 cannot
    Start replay = channel.subscribe(OptionalLong.of(102), Mirror.at(102, Map.of()));
    Start reset = channel.subscribe(OptionalLong.of(101), new Mirror());

    assertEquals(List.of(103L, 104L, 105L),
        assertInstanceOf(Start.Replay.class, replay).updates().stream().map(Update::seq).toList());
    assertEquals(new Start.Reset(new Start.Snapshot(105, Map.of("a", "5"))), reset);
  }

  @Test
  void sinceAheadOfTheChannelIsReset() {
    channel.publish(Map.of("a", "1"));

    Start start = channel.subscribe(OptionalLong.of(500), new Mirror());

    assertEquals(new Start.Reset(new Start.Snapshot(101, Map.of("a", "1"))), start);
  }

  @Test
  void withoutAReplayBufferOnlyAnUpToDateClientResumes() {
    ChannelState unbuffered = new ChannelState(ChannelKey.alerts("s1"), 0, 0);
    unbuffered.publish(Map.of("alert-1", "{}"));
    unbuffered.publish(Map.of("alert-2", "{}"));

    assertInstanceOf(Start.Replay.class, unbuffered.subscribe(OptionalLong.of(2), Mirror.at(2, Map.of())));
    assertInstanceOf(Start.Reset.class, unbuffered.subscribe(OptionalLong.of(1), new Mirror()));
  }

  @Test
  void unsubscribedSubscriberGetsNoMoreUpdates() {
    Mirror mirror = new Mirror();
    channel.subscribe(OptionalLong.empty(), mirror);
    channel.publish(Map.of("a", "1"));

    assertTrue(channel.unsubscribe(mirror));
    channel.publish(Map.of("a", "2"));

    assertEquals(1, mirror.updates.size());
    assertEquals(0, channel.subscriberCount());
  }

  @Test
  void clientResumingFromAnEarlierServerRunIsReset() {
    DashboardHub previousRun = new DashboardHub(100, 1_000);
    ChannelKey key = ChannelKey.metrics("s1", "1m");
    previousRun.channel(key).publish(Map.of("w1", "1"));
    long seen = previousRun.channel(key).publish(Map.of("w1", "2"));

    DashboardHub nextRun = new DashboardHub(100, 2_000);
    for (int i = 0; i < 10; i++) {
      nextRun.channel(key).publish(Map.of("w1", "n" + i));
    }

    assertInstanceOf(Start.Reset.class, nextRun.channel(key).subscribe(OptionalLong.of(seen), new Mirror()));
  }

  @Test
  void hubHandsOutOneChannelPerKey() {
    DashboardHub hub = new DashboardHub(10, 0);

    assertTrue(hub.channel(ChannelKey.alerts("s1")) == hub.channel(ChannelKey.alerts("s1")));
    assertTrue(hub.channel(ChannelKey.alerts("s1")) != hub.channel(ChannelKey.alerts("s2")));
  }
}
