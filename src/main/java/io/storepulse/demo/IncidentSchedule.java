package io.storepulse.demo;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * When incidents happen: the first {@code firstAfter} after the origin, then one every 12 to 25
 * minutes, alternating checkout outages and refund spikes. An incident starts on a whole minute
 * and in simulated daytime (where the rhythm is at least average), so that it fills whole
 * 1-minute windows at a time of normal trade — what the server's anomaly detector compares a
 * window with. A checkout outage lasts two minutes, a refund spike 90 seconds.
 *
 * <p>Not thread-safe; {@link #at} must be asked about non-decreasing times.
 */
final class IncidentSchedule {

  static final Duration CHECKOUT_DOWN = Duration.ofMinutes(2);
  static final Duration REFUND_SPIKE = Duration.ofSeconds(90);
  private static final long MIN_GAP_MILLIS = Duration.ofMinutes(12).toMillis();
  private static final long MAX_GAP_MILLIS = Duration.ofMinutes(25).toMillis();
  private static final long MINUTE_MILLIS = 60_000;
  private static final long MAX_DAYTIME_SEARCH_MINUTES = 24 * 60;

  private final boolean enabled;
  private final Rhythm rhythm;
  private final SplittableRandom random;
  private Incident next;

  IncidentSchedule(boolean enabled, long originMillis, Duration firstAfter, Rhythm rhythm, SplittableRandom random) {
    this.enabled = enabled;
    this.rhythm = rhythm;
    this.random = random;
    if (enabled) {
      next = schedule(Incident.Kind.CHECKOUT_DOWN, originMillis + firstAfter.toMillis());
    }
  }

  /** The incident under way at {@code millis}, or {@code null}. */
  Incident at(long millis) {
    if (!enabled) {
      return null;
    }
    while (next.endMillis() <= millis) {
      Incident.Kind kind = next.kind() == Incident.Kind.CHECKOUT_DOWN
          ? Incident.Kind.REFUND_SPIKE
          : Incident.Kind.CHECKOUT_DOWN;
      next = schedule(kind, next.endMillis() + MIN_GAP_MILLIS + random.nextLong(MAX_GAP_MILLIS - MIN_GAP_MILLIS + 1));
    }
    return next.covers(millis) ? next : null;
  }

  /** The incident under way or the next one to come, or {@code null} when incidents are off. */
  Incident upcoming() {
    return next;
  }

  private Incident schedule(Incident.Kind kind, long notBefore) {
    long start = Math.floorDiv(notBefore + MINUTE_MILLIS - 1, MINUTE_MILLIS) * MINUTE_MILLIS;
    for (int minutes = 0; minutes < MAX_DAYTIME_SEARCH_MINUTES && rhythm.factor(start) < 1; minutes++) {
      start += MINUTE_MILLIS;
    }
    Duration length = kind == Incident.Kind.CHECKOUT_DOWN ? CHECKOUT_DOWN : REFUND_SPIKE;
    return new Incident(kind, start, start + length.toMillis());
  }
}
