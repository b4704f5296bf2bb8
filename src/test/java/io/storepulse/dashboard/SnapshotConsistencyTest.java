package io.storepulse.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Whatever the interleaving of publishes, subscribes, resumes, slow sockets and disconnects, a
 * client's start followed by the updates it receives rebuilds the channel's state exactly, with
 * no seq skipped or seen twice ({@link Mirror} checks the seqs on every message).
 */
class SnapshotConsistencyTest {

  private static final ClientLimits LIMITS = new ClientLimits(4, Duration.ofMinutes(1));
  private static final int KEYS = 12;

  /** One simulated dashboard tab: its copy of the channel outlives its connections. */
  private static final class Tab {
    Mirror mirror;
    ClientQueue connection;
    boolean blocked;

    void receive(Outbound message) {
      if (message instanceof Outbound.Started started) {
        mirror.onStart(started.start());
      } else {
        mirror.onUpdate(((Outbound.Delivered) message).update());
      }
    }

    void drain() {
      for (Optional<Outbound> next = connection.poll(); next.isPresent(); next = connection.poll()) {
        receive(next.get());
      }
    }
  }

  @Test
  void startPlusReceivedUpdatesEqualsTheChannelAfterAnyInterleaving() {
    int resets = 0;
    int replays = 0;
    for (long seed = 1; seed <= 40; seed++) {
      Random random = new Random(seed);
      ChannelState channel = new ChannelState(ChannelKey.metrics("s1", "1m"), 8, seed * 1_000_000);
      List<Tab> tabs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        tabs.add(new Tab());
      }
      for (int step = 0; step < 1_500; step++) {
        Tab tab = tabs.get(random.nextInt(tabs.size()));
        int action = random.nextInt(10);
        if (action < 5) {
          publishRandomChange(channel, random);
        } else if (action == 5 && tab.connection == null) {
          Start start = connect(tab, channel, random);
          resets += start instanceof Start.Reset ? 1 : 0;
          replays += start instanceof Start.Replay ? 1 : 0;
        } else if (action == 6 && tab.connection != null) {
          tab.connection.close();
          tab.connection = null;
        } else if (action == 7 && tab.connection != null) {
          tab.blocked = !tab.blocked;
          if (tab.blocked) {
            tab.connection.socketBlocked();
          } else {
            tab.connection.socketWritable();
          }
        } else if (tab.connection != null && !tab.blocked) {
          tab.connection.poll().ifPresent(tab::receive);
        }
        if (random.nextInt(50) == 0) {
          for (Tab each : tabs) {
            if (each.connection != null) {
              each.drain();
              assertEquals(channel.seq(), each.mirror.seq(), "seed " + seed);
              assertEquals(channel.snapshot().state(), each.mirror.state(), "seed " + seed);
            }
          }
        }
      }
    }
    assertTrue(resets > 0 && replays > 0, "both resume paths taken: " + resets + " resets, " + replays + " replays");
  }

  @Test
  void subscribersJoiningWhilePublishesKeepComingMissAndRepeatNothing() throws InterruptedException {
    ChannelState channel = new ChannelState(ChannelKey.inventory("s1"), 64, 0);
    int publishes = 20_000;
    List<Tab> tabs = new ArrayList<>();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean publishing = new AtomicBoolean(true);
    // the publisher keeps going until every tab has joined, however the two threads are scheduled
    AtomicBoolean allTabsJoined = new AtomicBoolean(false);

    Thread publisher = new Thread(() -> {
      Random random = new Random(7);
      try {
        for (int i = 0; i < publishes || !allTabsJoined.get(); i++) {
          publishRandomChange(channel, random);
        }
      } catch (Throwable e) {
        failures.add(e);
      } finally {
        publishing.set(false);
      }
    });
    publisher.start();
    while (channel.seq() == 0 && publishing.get()) {
      Thread.onSpinWait(); // tabs join a channel that is already moving
    }
    Random random = new Random(11);
    try {
      while (publishing.get()) {
        if (tabs.size() >= 100) {
          allTabsJoined.set(true);
          tabs.get(random.nextInt(tabs.size())).drain();
          continue;
        }
        Tab tab = new Tab();
        if (!tabs.isEmpty() && random.nextBoolean()) {
          // resume where an earlier tab is, as a reconnecting browser would
          Mirror earlier = tabs.get(random.nextInt(tabs.size())).mirror;
          tab.mirror = Mirror.at(earlier.seq(), earlier.state());
          tab.connection = new ClientQueue(LIMITS, System::nanoTime, () -> { });
          tab.connection.subscribe("c", channel, OptionalLong.of(earlier.seq()));
        } else {
          tab.mirror = new Mirror();
          tab.connection = new ClientQueue(LIMITS, System::nanoTime, () -> { });
          tab.connection.subscribe("c", channel, OptionalLong.empty());
        }
        tabs.add(tab);
        tabs.get(random.nextInt(tabs.size())).drain();
      }
    } finally {
      publisher.join();
    }

    assertEquals(List.of(), List.copyOf(failures));
    for (Tab tab : tabs) {
      tab.drain();
      assertEquals(channel.seq(), tab.mirror.seq());
      assertEquals(channel.snapshot().state(), tab.mirror.state());
    }
    long lastSeq = channel.seq();
    assertTrue(tabs.stream().map(tab -> tab.mirror.starts.get(0).seq()).anyMatch(seq -> seq > 0 && seq < lastSeq),
        "some tabs subscribed while publishes were coming");
  }

  private static Start connect(Tab tab, ChannelState channel, Random random) {
    tab.connection = new ClientQueue(LIMITS, System::nanoTime, () -> { });
    tab.blocked = false;
    OptionalLong since;
    if (tab.mirror == null || random.nextInt(4) == 0) {
      tab.mirror = new Mirror();
      since = OptionalLong.empty();
    } else if (random.nextInt(10) == 0) {
      since = OptionalLong.of(channel.seq() + 1 + random.nextInt(100));
    } else {
      since = OptionalLong.of(tab.mirror.seq());
    }
    tab.connection.subscribe("c1", channel, since);
    // the start is always the first message of a subscription
    Outbound.Started started = (Outbound.Started) tab.connection.poll().orElseThrow();
    tab.receive(started);
    return started.start();
  }

  private static void publishRandomChange(ChannelState channel, Random random) {
    Map<String, String> values = new HashMap<>();
    Set<String> removed = new HashSet<>();
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      String key = "k" + random.nextInt(KEYS);
      if (random.nextInt(5) == 0) {
        if (!values.containsKey(key)) {
          removed.add(key);
        }
      } else if (!removed.contains(key)) {
        values.put(key, Integer.toString(random.nextInt(1_000)));
      }
    }
    channel.publish(values, removed);
  }
}
