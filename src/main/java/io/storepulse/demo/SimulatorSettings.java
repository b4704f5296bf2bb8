package io.storepulse.demo;

import java.time.Duration;

/**
 * How a {@link StorefrontSimulator} behaves. Start from {@link #defaults()} and change what matters:
 * the demo keeps the defaults and sets a run id; a load test sets a rate, a flat rhythm and no
 * incidents.
 *
 * @param eventsPerSecond average rate of new events (distinct ids); resends come on top
 * @param runId prefix of every event, session, visitor and order id, so that runs never collide
 *     (a letter or digit, then letters, digits, '-' or '_', at most 32 characters)
 * @param seed the random source of the traffic
 * @param catalogSize products in the catalog, 1 to {@value Catalog#MAX_SIZE}
 * @param catalogSeed the random source of the catalog; keep it to keep the same products across runs
 * @param dayLength real time per simulated day
 * @param dayAmplitude how far the rate swings between night and day, in [0, 1); 0 is a flat rate
 * @param incidents whether checkout outages and refund spikes happen
 * @param firstIncidentAfter time from the start to the first incident; the server's anomaly
 *     detector alerts only after 30 one-minute windows of warm-up
 * @param maxDisorder events reach the server up to this long after their time, in shuffled order
 * @param resendShare share of events sent a second time with the same id, as retrying storefronts do
 * @param thinkTime mean time between two events of one visitor; sets how many sessions run at once
 */
public record SimulatorSettings(
    double eventsPerSecond,
    String runId,
    long seed,
    int catalogSize,
    long catalogSeed,
    Duration dayLength,
    double dayAmplitude,
    boolean incidents,
    Duration firstIncidentAfter,
    Duration maxDisorder,
    double resendShare,
    Duration thinkTime) {

  public SimulatorSettings {
    if (!(eventsPerSecond > 0 && eventsPerSecond <= 1_000_000)) {
      throw new IllegalArgumentException("eventsPerSecond must be in (0, 1000000], not " + eventsPerSecond);
    }
    if (runId == null || !runId.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException("runId must be 1 to 32 letters, digits, '-' or '_', not " + runId);
    }
    if (catalogSize < 1 || catalogSize > Catalog.MAX_SIZE) {
      throw new IllegalArgumentException("catalogSize must be 1 to " + Catalog.MAX_SIZE + ", not " + catalogSize);
    }
    if (!positive(dayLength) || !(dayAmplitude >= 0 && dayAmplitude < 1)) {
      throw new IllegalArgumentException("need a positive dayLength and a dayAmplitude in [0, 1)");
    }
    if (firstIncidentAfter == null || firstIncidentAfter.isNegative()) {
      throw new IllegalArgumentException("firstIncidentAfter must be 0 or more");
    }
    if (maxDisorder == null || maxDisorder.isNegative() || !(resendShare >= 0 && resendShare <= 0.5)) {
      throw new IllegalArgumentException("need a maxDisorder of 0 or more and a resendShare in [0, 0.5]");
    }
    if (!positive(thinkTime)) {
      throw new IllegalArgumentException("thinkTime must be positive");
    }
  }

  /**
   * 30 events/s on average, 300 products, one simulated day per 10 minutes (nights at 0.75×,
   * afternoons at 1.25× the average), incidents from minute 32, up to 3 s of disorder, 2 % resends.
   */
  public static SimulatorSettings defaults() {
    return new SimulatorSettings(30, "demo", 1, 300, 1, Duration.ofMinutes(10), 0.25, true, Duration.ofMinutes(32),
        Duration.ofSeconds(3), 0.02, Duration.ofSeconds(6));
  }

  public SimulatorSettings withRate(double eventsPerSecond) {
    return new SimulatorSettings(eventsPerSecond, runId, seed, catalogSize, catalogSeed, dayLength, dayAmplitude,
        incidents, firstIncidentAfter, maxDisorder, resendShare, thinkTime);
  }

  public SimulatorSettings withRunId(String runId) {
    return new SimulatorSettings(eventsPerSecond, runId, seed, catalogSize, catalogSeed, dayLength, dayAmplitude,
        incidents, firstIncidentAfter, maxDisorder, resendShare, thinkTime);
  }

  public SimulatorSettings withSeed(long seed) {
    return new SimulatorSettings(eventsPerSecond, runId, seed, catalogSize, catalogSeed, dayLength, dayAmplitude,
        incidents, firstIncidentAfter, maxDisorder, resendShare, thinkTime);
  }

  public SimulatorSettings withCatalog(int catalogSize, long catalogSeed) {
    return new SimulatorSettings(eventsPerSecond, runId, seed, catalogSize, catalogSeed, dayLength, dayAmplitude,
        incidents, firstIncidentAfter, maxDisorder, resendShare, thinkTime);
  }

  public SimulatorSettings withDay(Duration dayLength, double dayAmplitude) {
    return new SimulatorSettings(eventsPerSecond, runId, seed, catalogSize, catalogSeed, dayLength, dayAmplitude,
        incidents, firstIncidentAfter, maxDisorder, resendShare, thinkTime);
  }

  /** A constant rate: no day and night. */
  public SimulatorSettings withFlatRate() {
    return withDay(dayLength, 0);
  }

  public SimulatorSettings withIncidents(boolean incidents) {
    return new SimulatorSettings(eventsPerSecond, runId, seed, catalogSize, catalogSeed, dayLength, dayAmplitude,
        incidents, firstIncidentAfter, maxDisorder, resendShare, thinkTime);
  }

  public SimulatorSettings withFirstIncidentAfter(Duration firstIncidentAfter) {
    return new SimulatorSettings(eventsPerSecond, runId, seed, catalogSize, catalogSeed, dayLength, dayAmplitude,
        incidents, firstIncidentAfter, maxDisorder, resendShare, thinkTime);
  }

  public SimulatorSettings withDisorder(Duration maxDisorder, double resendShare) {
    return new SimulatorSettings(eventsPerSecond, runId, seed, catalogSize, catalogSeed, dayLength, dayAmplitude,
        incidents, firstIncidentAfter, maxDisorder, resendShare, thinkTime);
  }

  public SimulatorSettings withThinkTime(Duration thinkTime) {
    return new SimulatorSettings(eventsPerSecond, runId, seed, catalogSize, catalogSeed, dayLength, dayAmplitude,
        incidents, firstIncidentAfter, maxDisorder, resendShare, thinkTime);
  }

  private static boolean positive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }
}
