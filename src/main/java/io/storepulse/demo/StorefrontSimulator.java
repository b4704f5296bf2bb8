package io.storepulse.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated online store and its visitors, producing catalog events at a chosen rate: the pure
 * core of {@code --demo} and of the load tests. It holds no thread and reads no clock: the caller
 * asks for the events {@link #due} at a time of its choosing, and the same settings, origin and
 * sequence of calls give the same events.
 *
 * <p>Each new event is the next step of a visit (see {@link Session}) or a back-office action
 * (cancellation, refund, supplier restock); the rate of new events follows the {@link Rhythm} and
 * the number of visits under way is rate × think time, so the rate of new visits follows it too.
 * Incidents (see {@link IncidentSchedule}) stop orders or bring a wave of refunds. Events leave in
 * the order a storefront's network would deliver them (see {@link DeliveryQueue}).
 *
 * <pre>{@code
 * StorefrontSimulator shop = StorefrontSimulator.create(
 *     SimulatorSettings.defaults().withRate(20_000).withFlatRate().withIncidents(false).withRunId("bench-1"),
 *     System.currentTimeMillis());
 * // every few milliseconds:
 * List<SimulatedEvent> batch = shop.due(System.currentTimeMillis(), 500);
 * String body = SimulatedEvent.batchBody(batch);   // POST /v1/events
 * }</pre>
 *
 * <p>Not thread-safe: use one instance per thread (or per store).
 */
public final class StorefrontSimulator {

  /** Share of new events that are refunds while a refund spike lasts (normally about 0.05 %). */
  static final double SPIKE_REFUND_SHARE = 0.015;
  private static final long SPIKE_MIN_ORDER_AGE_EXTRA_MILLIS = 1_000;

  private final SimulatorSettings settings;
  private final Rhythm rhythm;
  private final Shop shop;
  private final IncidentSchedule incidents;
  private final DeliveryQueue delivery;
  private final SplittableRandom random;
  private final List<Session> sessions = new ArrayList<>();
  private final double thinkSeconds;
  private final long spikeMinOrderAgeMillis;
  private long generatedUntil;
  private long generated;

  private StorefrontSimulator(SimulatorSettings settings, long originMillis) {
    this.settings = settings;
    this.rhythm = Rhythm.of(originMillis, settings.dayLength(), settings.dayAmplitude(), 10);
    SplittableRandom root = new SplittableRandom(settings.seed());
    this.random = root.split();
    this.shop = new Shop(settings.runId(), root.split(), Catalog.generate(settings.catalogSize(), settings.catalogSeed()));
    this.incidents = new IncidentSchedule(settings.incidents(), originMillis, settings.firstIncidentAfter(), rhythm,
        root.split());
    this.delivery = new DeliveryQueue(settings.maxDisorder().toMillis(), settings.resendShare(), root.split());
    this.thinkSeconds = settings.thinkTime().toMillis() / 1000.0;
    this.spikeMinOrderAgeMillis = settings.maxDisorder().toMillis() + SPIKE_MIN_ORDER_AGE_EXTRA_MILLIS;
    this.generatedUntil = originMillis;
  }

  /**
   * A simulator whose traffic starts at {@code originMillis} (epoch milliseconds): the simulated
   * clock shows 10:00 then, and the first incident comes {@code firstIncidentAfter} later.
   */
  public static StorefrontSimulator create(SimulatorSettings settings, long originMillis) {
    return new StorefrontSimulator(settings, originMillis);
  }

  /**
   * The events that have reached the storefront's outbox by {@code nowMillis}, at most {@code max}
   * of them, in the order to send them; the rest wait for the next call. New events are made for
   * the time since the previous call (never for a time before it), so call it with non-decreasing
   * times, often (every 10 to 250 ms): the number of new events up to any time {@code t} is the
   * rate integrated from the origin to {@code t}, rounded down.
   */
  public List<SimulatedEvent> due(long nowMillis, int max) {
    generateUntil(nowMillis);
    return delivery.poll(nowMillis, max);
  }

  /** Up to {@code max} of the events made but not yet handed out, due or not: for a clean stop. */
  public List<SimulatedEvent> remaining(int max) {
    return delivery.drain(max);
  }

  public Catalog catalog() {
    return shop.catalog;
  }

  public SimulatorSettings settings() {
    return settings;
  }

  /** The incident under way or the next one planned, or {@code null} when incidents are off. */
  public Incident nextIncident() {
    return incidents.upcoming();
  }

  /** The simulated hour of day at {@code millis}, in [0, 24). */
  public double hourOfDay(long millis) {
    return rhythm.hourOfDay(millis);
  }

  /** Units of the product the simulated store counts on hand, by its own events so far. */
  public int onHand(String sku) {
    Product product = shop.catalog.bySku(sku);
    if (product == null) {
      throw new IllegalArgumentException("no product " + sku + " in the catalog");
    }
    return shop.stock.onHand(product.index());
  }

  /** New events made so far (distinct ids). */
  public long generated() {
    return generated;
  }

  /** Second copies of events made so far. */
  public long resends() {
    return delivery.resends();
  }

  /** Events made and not yet handed out. */
  public int pending() {
    return delivery.size();
  }

  /** Visits under way. */
  public int sessionsUnderWay() {
    return sessions.size();
  }

  private void generateUntil(long now) {
    if (now <= generatedUntil) {
      return;
    }
    long target = (long) Math.floor(settings.eventsPerSecond() * rhythm.integralMillis(now) / 1000.0);
    long count = target - generated;
    long from = generatedUntil;
    for (long i = 1; i <= count; i++) {
      generate(from + (now - from) * i / count);
    }
    generatedUntil = now;
  }

  private void generate(long time) {
    Incident incident = incidents.at(time);
    SimulatedEvent event = shop.backOffice.emitDue(time);
    if (event == null && incident != null && incident.kind() == Incident.Kind.REFUND_SPIKE
        && random.nextDouble() < SPIKE_REFUND_SHARE) {
      event = shop.backOffice.refundRecent(time, spikeMinOrderAgeMillis);
    }
    if (event == null) {
      event = visit(time, incident != null && incident.kind() == Incident.Kind.CHECKOUT_DOWN);
    }
    delivery.offer(event);
    generated++;
  }

  /** The next step of a visit: a new one while fewer run than the rate calls for, else one at random. */
  private SimulatedEvent visit(long time, boolean checkoutDown) {
    double underWay = settings.eventsPerSecond() * rhythm.factor(time) * thinkSeconds;
    int index;
    if (sessions.size() < Math.max(1, underWay)) {
      sessions.add(shop.newSession());
      index = sessions.size() - 1;
    } else {
      index = random.nextInt(sessions.size());
    }
    Session session = sessions.get(index);
    SimulatedEvent event = session.step(shop, time, checkoutDown);
    if (session.ended()) {
      Session last = sessions.remove(sessions.size() - 1);
      if (index < sessions.size()) {
        sessions.set(index, last);
      }
    }
    return event;
  }
}
