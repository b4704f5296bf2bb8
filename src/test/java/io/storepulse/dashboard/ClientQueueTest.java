package io.storepulse.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClientQueueTest {

  private static final ClientLimits LIMITS = new ClientLimits(4, Duration.ofSeconds(10));

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final AtomicInteger wakeups = new AtomicInteger();
  private final ClientQueue queue = new ClientQueue(LIMITS, nanos::get, wakeups::incrementAndGet);
  private final ChannelState channel = new ChannelState(ChannelKey.inventory("s1"), 16, 0);

  @Test
  void startIsSentFirstThenEachUpdateAsItComes() {
    channel.publish(Map.of("sku-1", "5"));

    assertEquals(SubscribeResult.SUBSCRIBED, queue.subscribe("c1", channel, OptionalLong.empty()));
    channel.publish(Map.of("sku-1", "4"));

    assertEquals(new Outbound.Started("c1", new Start.Snapshot(1, Map.of("sku-1", "5"))), queue.poll().orElseThrow());
    assertEquals(new Outbound.Delivered("c1", new Update(2, 2, Map.of("sku-1", "4"), Set.of())),
        queue.poll().orElseThrow());
    assertEquals(Optional.empty(), queue.poll());

    channel.publish(Map.of("sku-2", "9"));
    assertEquals(new Outbound.Delivered("c1", new Update(3, 3, Map.of("sku-2", "9"), Set.of())),
        queue.poll().orElseThrow());
  }

  @Test
  void clientThatKeepsUpGetsThePublishedUpdateItselfSharedWithEveryOtherSubscriber() {
    ClientQueue other = new ClientQueue(LIMITS, nanos::get, () -> { });
    queue.subscribe("c1", channel, OptionalLong.empty());
    other.subscribe("c1", channel, OptionalLong.empty());
    queue.poll();
    other.poll();

    channel.publish(Map.of("a", "1"));

    Update mine = assertInstanceOf(Outbound.Delivered.class, queue.poll().orElseThrow()).update();
    Update theirs = assertInstanceOf(Outbound.Delivered.class, other.poll().orElseThrow()).update();
    assertSame(mine, theirs);
  }

  @Test
  void slowClientGetsOneUpdateWithTheNewestValuePerKey() {
    channel.publish(Map.of("a", "0", "gone", "x"));
    queue.subscribe("c1", channel, OptionalLong.empty());
    queue.poll();

    queue.socketBlocked();
    channel.publish(Map.of("a", "1", "b", "1"));
    channel.publish(Map.of("a", "2"), Set.of("gone"));
    channel.publish(Map.of(), Set.of("b"));
    channel.publish(Map.of("a", "3", "c", "1"));

    Outbound.Delivered delivered = assertInstanceOf(Outbound.Delivered.class, queue.poll().orElseThrow());
    assertEquals(new Update(2, 5, Map.of("a", "3", "c", "1"), Set.of("gone", "b")), delivered.update());
    assertEquals(Optional.empty(), queue.poll());
  }

  @Test
  void keyRemovedThenAddedAgainWhileWaitingIsSentAsItsValue() {
    channel.publish(Map.of("a", "0"));
    queue.subscribe("c1", channel, OptionalLong.empty());
    queue.poll();

    channel.publish(Map.of(), Set.of("a"));
    channel.publish(Map.of("a", "1"));

    assertEquals(new Update(2, 3, Map.of("a", "1"), Set.of()),
        assertInstanceOf(Outbound.Delivered.class, queue.poll().orElseThrow()).update());
  }

  @Test
  void whatWaitsIsBoundedByTheChannelsKeysNotByHowLongTheClientLags() {
    queue.subscribe("c1", channel, OptionalLong.empty());
    queue.socketBlocked();
    for (int i = 0; i < 10_000; i++) {
      channel.publish(Map.of("sku-" + i % 50, Integer.toString(i)));
    }

    assertEquals(1, queue.pendingCount());
    Mirror mirror = new Mirror();
    mirror.onStart(assertInstanceOf(Outbound.Started.class, queue.poll().orElseThrow()).start());
    Update merged = assertInstanceOf(Outbound.Delivered.class, queue.poll().orElseThrow()).update();
    assertEquals(50, merged.values().size());
    assertEquals(new Update(1, 10_000, merged.values(), Set.of()), merged);
    mirror.onUpdate(merged);
    assertEquals(channel.snapshot().state(), mirror.state());
  }

  @Test
  void slowClientDoesNotHoldBackAnotherOnTheSameChannel() {
    ClientQueue slow = new ClientQueue(LIMITS, nanos::get, () -> { });
    slow.subscribe("c1", channel, OptionalLong.empty());
    slow.socketBlocked();
    queue.subscribe("c1", channel, OptionalLong.empty());
    queue.poll();

    for (int i = 1; i <= 100; i++) {
      channel.publish(Map.of("a", Integer.toString(i)));
      Update update = assertInstanceOf(Outbound.Delivered.class, queue.poll().orElseThrow()).update();
      assertEquals(new Update(i, i, Map.of("a", Integer.toString(i)), Set.of()), update);
    }
    assertEquals(1, slow.pendingCount());
  }

  @Test
  void clientUnwritableLongerThanAllowedIsClosedWithAReason() {
    queue.subscribe("c1", channel, OptionalLong.empty());
    queue.socketBlocked();
    channel.publish(Map.of("a", "1"));

    nanos.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
    assertEquals(Optional.empty(), queue.checkStuck());
    nanos.addAndGet(1);
    CloseReason reason = queue.checkStuck().orElseThrow();

    assertEquals(CloseReason.TRY_AGAIN_LATER, reason.code());
    assertTrue(reason.reason().startsWith("too slow"), reason.reason());
    assertEquals(Optional.of(reason), queue.checkStuck());
    assertEquals(0, channel.subscriberCount());
    assertEquals(Optional.empty(), queue.poll());
    assertEquals(SubscribeResult.CLOSED, queue.subscribe("c2", channel, OptionalLong.empty()));
  }

  @Test
  void socketThatDrainsInTimeRestartsTheStuckTimer() {
    queue.subscribe("c1", channel, OptionalLong.empty());
    queue.socketBlocked();
    nanos.addAndGet(Duration.ofSeconds(9).toNanos());
    queue.socketWritable();
    queue.socketBlocked();
    nanos.addAndGet(Duration.ofSeconds(9).toNanos());

    assertEquals(Optional.empty(), queue.checkStuck());
    assertEquals(1, channel.subscriberCount());
  }

  @Test
  void socketThatIsNeverBlockedIsNeverStuck() {
    nanos.addAndGet(Duration.ofDays(1).toNanos());

    assertEquals(Optional.empty(), queue.checkStuck());
  }

  @Test
  void unsubscribeDropsWhatWaitsAndStopsDelivery() {
    queue.subscribe("c1", channel, OptionalLong.empty());
    queue.subscribe("c2", channel, OptionalLong.empty());
    channel.publish(Map.of("a", "1"));

    assertTrue(queue.unsubscribe("c1"));
    channel.publish(Map.of("a", "2"));

    List<String> ids = drain().stream().map(Outbound::subscriptionId).toList();
    assertEquals(List.of("c2", "c2"), ids);
    assertEquals(1, channel.subscriberCount());
    assertFalse(queue.unsubscribe("c1"));
  }

  @Test
  void idMayBeReusedAfterUnsubscribe() {
    queue.subscribe("c1", channel, OptionalLong.empty());
    queue.unsubscribe("c1");
    channel.publish(Map.of("a", "1"));

    assertEquals(SubscribeResult.SUBSCRIBED, queue.subscribe("c1", channel, OptionalLong.of(0)));

    assertEquals(List.of(new Outbound.Started("c1",
        new Start.Replay(0, List.of(new Update(1, 1, Map.of("a", "1"), Set.of()))))), drain());
  }

  @Test
  void closingEndsEverySubscription() {
    ChannelState other = new ChannelState(ChannelKey.alerts("s1"), 16, 0);
    queue.subscribe("c1", channel, OptionalLong.empty());
    queue.subscribe("c2", other, OptionalLong.empty());

    queue.close();
    channel.publish(Map.of("a", "1"));

    assertEquals(0, channel.subscriberCount() + other.subscriberCount());
    assertEquals(Optional.empty(), queue.poll());
  }

  @Test
  void duplicateIdsAndSubscriptionsBeyondTheLimitAreRefused() {
    assertEquals(SubscribeResult.SUBSCRIBED, queue.subscribe("c1", channel, OptionalLong.empty()));
    assertEquals(SubscribeResult.DUPLICATE_ID, queue.subscribe("c1", channel, OptionalLong.empty()));
    for (int i = 2; i <= LIMITS.maxSubscriptions(); i++) {
      assertEquals(SubscribeResult.SUBSCRIBED, queue.subscribe("c" + i, channel, OptionalLong.empty()));
    }

    assertEquals(SubscribeResult.TOO_MANY_SUBSCRIPTIONS, queue.subscribe("one-more", channel, OptionalLong.empty()));
    assertEquals(LIMITS.maxSubscriptions(), channel.subscriberCount());
  }

  @Test
  void wakeupComesOnlyWhenTheQueueStopsBeingEmpty() {
    queue.subscribe("c1", channel, OptionalLong.empty());
    channel.publish(Map.of("a", "1"));
    channel.publish(Map.of("a", "2"));
    assertEquals(1, wakeups.get());

    drain();
    channel.publish(Map.of("a", "3"));
    assertEquals(2, wakeups.get());
  }

  private List<Outbound> drain() {
    List<Outbound> out = new ArrayList<>();
    for (Optional<Outbound> next = queue.poll(); next.isPresent(); next = queue.poll()) {
      out.add(next.get());
    }
    return out;
  }
}
