package io.storepulse.loadtest;

import io.storepulse.demo.Catalog;
import io.storepulse.demo.SimulatedEvent;
import io.storepulse.demo.SimulatorSettings;
import io.storepulse.demo.StorefrontSimulator;
import java.time.Duration;
import java.util.List;

/**
 * One store's events for the load tests, from the generator behind {@code --demo}: the server's
 * {@link StorefrontSimulator} (sessions that browse, fill carts, check out and order with a
 * shop's drop-off, payment failures, cancellations, refunds, restocks), here at a flat rate,
 * without incidents and without resends, so that every event sent is a distinct one the
 * benchmarks can count. Events reach the generator up to {@link #MAX_DISORDER} after their time,
 * shuffled, as storefronts that batch and retry deliver them.
 *
 * <p>Not thread-safe: one instance per store, used from one thread.
 */
final class StoreTraffic {

  /** Every store sells this catalog ({@link #catalog()}): 500 products, the same for every run. */
  private static final int CATALOG_SIZE = 500;
  private static final long CATALOG_SEED = 1;
  private static final Duration MAX_DISORDER = Duration.ofSeconds(2);

  private final StorefrontSimulator simulator;

  /**
   * @param runId makes event and order ids unique to this run and store (at most 32 letters,
   *     digits, '-' or '_')
   * @param eventsPerSecond the store's share of the offered rate
   * @param startMillis when sending starts, and the traffic with it: for the first
   *     {@link #MAX_DISORDER} fewer events are due than are made, as their delivery delays fill
   */
  StoreTraffic(String runId, double eventsPerSecond, long seed, long startMillis) {
    SimulatorSettings settings = SimulatorSettings.defaults()
        .withRunId(runId)
        .withSeed(seed)
        .withRate(eventsPerSecond)
        .withCatalog(CATALOG_SIZE, CATALOG_SEED)
        .withFlatRate()
        .withIncidents(false)
        .withDisorder(MAX_DISORDER, 0);
    simulator = StorefrontSimulator.create(settings, startMillis);
  }

  /** The products every store's traffic sells. */
  static Catalog catalog() {
    return Catalog.generate(CATALOG_SIZE, CATALOG_SEED);
  }

  /**
   * Up to {@code max} of the events due by {@code nowMillis}, oldest delivery first; empty when
   * none is due.
   */
  List<SimulatedEvent> due(int max, long nowMillis) {
    return simulator.due(nowMillis, max);
  }
}
