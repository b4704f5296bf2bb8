package io.storepulse.http;

import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.DashboardMirror;
import io.storepulse.testing.Events;
import io.storepulse.testing.StoreKeys;
import io.storepulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Resuming with {@code since} against a replay buffer of three updates: a client that missed at
 * most three gets exactly those, one that missed more gets a reset and a fresh snapshot, and so
 * does one whose {@code since} this channel never had (a seq of another server run). Each step
 * moves the inventory channel by exactly one seq (one restock, waited for), so the counts are exact.
 */
class DashboardResumeTest {

  private static final int REPLAY_BUFFER = 3;

  static TestServer server;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("dashboard.replayBuffer", Integer.toString(REPLAY_BUFFER)));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    server.close();
  }

  @Test
  void aResumeWithinTheBufferReplaysTheMissedUpdatesAndOneBeyondItGetsAResetAndASnapshot() {
    StoreKeys store = StoreKeys.create(server, "buffer");
    try (DashboardClient steady = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      steady.subscribe("i", "inventory", store.id());
      DashboardMirror channel = steady.mirror("i").awaitLive();
      Restocks restocks = new Restocks(store, channel);
      restocks.next(); // the channel has a value to resume from

      DashboardClient away = DashboardClient.connect(vertx, server.port(), store.readToken());
      away.subscribe("i", "inventory", store.id());
      DashboardMirror resumed = away.mirror("i").awaitLive();
      away.close();
      long leftAt = resumed.catchUp().seq();
      int seen = resumed.updateCount();

      for (int i = 0; i < REPLAY_BUFFER; i++) {
        restocks.next();
      }
      away = resume(store, resumed, leftAt);
      assertEquals("replay", last(resumed.starts()));
      resumed.await("the missed updates", m -> m.seq() == channel.seq());
      List<DashboardMirror.Applied> replayed = resumed.updatesSince(seen);
      assertEquals(channel.updatesSince(channel.updateCount() - REPLAY_BUFFER), replayed,
          "exactly the three missed updates, as the steady client got them");
      assertEquals(channel.state(), resumed.state());
      away.close();

      long leftAgainAt = resumed.catchUp().seq();
      for (int i = 0; i <= REPLAY_BUFFER; i++) {
        restocks.next();
      }
      away = resume(store, resumed, leftAgainAt);
      assertEquals("reset", last(resumed.starts()));
      assertEquals(channel.seq(), last(resumed.snapshotSeqs()), "a snapshot at the channel's seq");
      assertEquals(channel.state(), resumed.state());
      List<JsonObject> messages = away.messages("i");
      assertEquals(List.of("subscribed", "reset", "snapshot"),
          messages.stream().map(m -> m.getString("type")).toList());
      assertFalse(messages.get(1).getString("reason", "").isBlank(), messages.get(1).encode());

      // and it follows on from the snapshot
      restocks.next();
      resumed.await("the update after the snapshot", m -> m.seq() == channel.seq());
      assertEquals(channel.state(), resumed.state());
      away.close();
    }
  }

  @Test
  void aSinceThisChannelNeverHadGetsAResetAndASnapshot() {
    StoreKeys store = StoreKeys.create(server, "foreign-since");
    try (DashboardClient steady = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      steady.subscribe("i", "inventory", store.id());
      DashboardMirror channel = steady.mirror("i").awaitLive();
      new Restocks(store, channel).next();

      // a later server run starts its seqs later: ahead of this channel; an earlier one: below them
      for (long since : new long[] {channel.seq() + 3_600_000, channel.snapshotSeqs().get(0) - 3_600_000}) {
        try (DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken())) {
          client.subscribe("i", "inventory", new JsonObject().put("store", store.id()).put("since", since));
          DashboardMirror mirror = client.mirror("i").awaitLive();
          assertEquals(List.of("reset"), mirror.starts(), "since " + since);
          assertEquals(List.of("subscribed", "reset", "snapshot"),
              client.messages("i").stream().map(m -> m.getString("type")).toList());
          assertEquals(channel.catchUp().seq(), mirror.seq());
          assertEquals(channel.state(), mirror.state());
        }
      }
    }
  }

  private static DashboardClient resume(StoreKeys store, DashboardMirror mirror, long since) {
    DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken());
    mirror.follow(client);
    client.subscribe(mirror.id(), "inventory", new JsonObject().put("store", store.id()).put("since", since));
    mirror.awaitLive();
    return client;
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  /** Moves an inventory channel by one seq at a time: one restock, waited for on a steady client. */
  private static final class Restocks {

    private final StoreKeys store;
    private final DashboardMirror channel;
    private int count;

    Restocks(StoreKeys store, DashboardMirror channel) {
      this.store = store;
      this.channel = channel;
    }

    void next() {
      long before = channel.catchUp().seq();
      count++;
      store.post(Events.restocked(store.id() + "-r" + count, "sku-" + (count % 2), count));
      channel.await("restock " + count, m -> m.seq() > before);
      assertEquals(before + 1, channel.seq(), "one restock moves the channel by one seq");
    }
  }
}
