package io.storepulse.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * How a storefront's events reach the server: each one up to {@code maxDisorder} after its time,
 * so that they arrive a little out of order, and a share of them a second time (a retry with the
 * same id and text), also within {@code maxDisorder} of the event's time and never before the
 * first copy. An event that arrives after an event with a later time therefore trails it by at
 * most {@code maxDisorder}.
 */
final class DeliveryQueue {

  private record Pending(long deliverAt, long sequence, SimulatedEvent event) {
  }

  private final long maxDisorderMillis;
  private final double resendShare;
  private final SplittableRandom random;
  private final PriorityQueue<Pending> queue =
      new PriorityQueue<>(Comparator.comparingLong(Pending::deliverAt).thenComparingLong(Pending::sequence));
  private long sequence;
  private long resends;

  DeliveryQueue(long maxDisorderMillis, double resendShare, SplittableRandom random) {
    this.maxDisorderMillis = maxDisorderMillis;
    this.resendShare = resendShare;
    this.random = random;
  }

  void offer(SimulatedEvent event) {
    long latest = event.timeMillis() + maxDisorderMillis;
    long deliverAt = event.timeMillis() + random.nextLong(maxDisorderMillis + 1);
    queue.add(new Pending(deliverAt, sequence++, event));
    if (random.nextDouble() < resendShare) {
      queue.add(new Pending(deliverAt + random.nextLong(latest - deliverAt + 1), sequence++, event.asResend()));
      resends++;
    }
  }

  /** Up to {@code max} events due by {@code now}, in the order they arrive. */
  List<SimulatedEvent> poll(long now, int max) {
    List<SimulatedEvent> due = new ArrayList<>(Math.min(max, queue.size()));
    while (due.size() < max && !queue.isEmpty() && queue.peek().deliverAt() <= now) {
      due.add(queue.poll().event());
    }
    return due;
  }

  /** Up to {@code max} events, due or not, in the order they would arrive. */
  List<SimulatedEvent> drain(int max) {
    List<SimulatedEvent> rest = new ArrayList<>(Math.min(max, queue.size()));
    while (rest.size() < max && !queue.isEmpty()) {
      rest.add(queue.poll().event());
    }
    return rest;
  }

  int size() {
    return queue.size();
  }

  long resends() {
    return resends;
  }
}
