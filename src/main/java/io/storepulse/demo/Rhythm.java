package io.storepulse.demo;

import java.time.Duration;

/**
 * The day and night of a shop, sped up: a simulated day lasts {@code dayLength} of real time, and
 * the traffic rate is multiplied by {@code 1 + amplitude × sin(…)}, lowest at 03:00 and highest at
 * 15:00 simulated time. Over a whole simulated day the factor averages exactly 1, so the configured
 * rate is the day's average. A flat rhythm (amplitude 0) keeps the rate constant, as load tests want.
 */
public final class Rhythm {

  private static final double PEAK_HOUR = 15;
  private static final double HOURS_PER_DAY = 24;

  private final long originMillis;
  private final double dayMillis;
  private final double amplitude;
  private final double startHour;

  private Rhythm(long originMillis, Duration dayLength, double amplitude, double startHour) {
    if (dayLength.isNegative() || dayLength.isZero()) {
      throw new IllegalArgumentException("a simulated day must last longer than 0");
    }
    if (!(amplitude >= 0 && amplitude < 1)) {
      throw new IllegalArgumentException("the day/night amplitude is in [0, 1), not " + amplitude);
    }
    this.originMillis = originMillis;
    this.dayMillis = dayLength.toMillis();
    this.amplitude = amplitude;
    this.startHour = startHour;
  }

  /**
   * @param originMillis wall-clock time at which the simulated clock shows {@code startHour}
   * @param dayLength real time per simulated day
   * @param amplitude how far the rate swings around its average, in [0, 1)
   * @param startHour simulated hour of day at the origin, in [0, 24)
   */
  public static Rhythm of(long originMillis, Duration dayLength, double amplitude, double startHour) {
    return new Rhythm(originMillis, dayLength, amplitude, startHour);
  }

  /** The simulated hour of day, in [0, 24). */
  public double hourOfDay(long millis) {
    double hours = startHour + HOURS_PER_DAY * (millis - originMillis) / dayMillis;
    return ((hours % HOURS_PER_DAY) + HOURS_PER_DAY) % HOURS_PER_DAY;
  }

  /** The rate multiplier at this time, in (0, 2). */
  public double factor(long millis) {
    return 1 + amplitude * Math.sin(phase(millis));
  }

  /** The integral of {@link #factor} from the origin to {@code millis}, in milliseconds. */
  public double integralMillis(long millis) {
    double linear = millis - originMillis;
    if (amplitude == 0) {
      return linear;
    }
    // the integral of sin(phase(t)) dt is -(day / 2π) cos(phase(t))
    return linear - amplitude * dayMillis / (2 * Math.PI) * (Math.cos(phase(millis)) - Math.cos(phase(originMillis)));
  }

  /** 0 at 09:00 simulated time, so that the sine peaks at 15:00. */
  private double phase(long millis) {
    double hours = startHour - (PEAK_HOUR - 6) + HOURS_PER_DAY * (millis - originMillis) / dayMillis;
    return 2 * Math.PI * hours / HOURS_PER_DAY;
  }
}
