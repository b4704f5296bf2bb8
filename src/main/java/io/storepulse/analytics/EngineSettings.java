package io.storepulse.analytics;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything that shapes a {@link WindowEngine}; {@link #defaults()} follows design.md §5.
 *
 * @param shortTumbling the short tumbling windows; their final results also feed the moving
 *     averages and anomaly detection (default 1 min)
 * @param longTumbling the long tumbling windows (default 1 h)
 * @param hoppingSize the hopping windows' size (default 5 min)
 * @param hoppingAdvance the hopping windows' advance (default 1 min)
 * @param sessionGap the visitor inactivity gap that ends a session (default 30 min)
 * @param outOfOrderness how far behind the latest event time an event may be and still be in
 *     order (default 5 s)
 * @param allowedLateness how long after a window's end its result stays provisional (default 1 min)
 * @param corrections whether events for final windows are applied as corrections (default on)
 * @param correctionHorizon how long a final window is kept in memory for corrections; a late
 *     event beyond it goes to the late side output only (default 10 min)
 * @param idleGrace the margin below the wall clock that an idle partition's watermark keeps, see
 *     {@link WatermarkTracker} (default 10 s)
 * @param smaWindows the windows a simple moving average spans (default 5)
 * @param emaAlpha the exponential moving average's factor (default 0.3)
 * @param anomalyK standard deviations that make an anomaly (default 3)
 * @param anomalyWarmUp windows a metric is observed before it may alert (default 30)
 * @param anomalyAlpha the smoothing factor of the anomaly detector's mean and variance (default 0.1)
 * @param topK products in a window's top lists (default 10)
 * @param recommendationHalfLife the time after which a co-occurrence counts half (default 7 days)
 * @param recommendationsPerSku recommendations served per product at most (default 10)
 */
public record EngineSettings(
    Duration shortTumbling,
    Duration longTumbling,
    Duration hoppingSize,
    Duration hoppingAdvance,
    Duration sessionGap,
    Duration outOfOrderness,
    Duration allowedLateness,
    boolean corrections,
    Duration correctionHorizon,
    Duration idleGrace,
    int smaWindows,
    double emaAlpha,
    double anomalyK,
    int anomalyWarmUp,
    double anomalyAlpha,
    int topK,
    Duration recommendationHalfLife,
    int recommendationsPerSku) {

  public EngineSettings {
    for (Duration window : new Duration[] {shortTumbling, longTumbling, hoppingSize, hoppingAdvance, sessionGap}) {
      if (Objects.requireNonNull(window, "window durations are required").toMillis() <= 0) {
        throw new IllegalArgumentException("window durations must be at least 1 ms, got " + window);
      }
    }
    for (Duration margin : new Duration[] {outOfOrderness, allowedLateness, correctionHorizon, idleGrace}) {
      if (Objects.requireNonNull(margin, "margins are required").isNegative()) {
        throw new IllegalArgumentException("margins must not be negative, got " + margin);
      }
    }
    if (hoppingAdvance.compareTo(hoppingSize) > 0) {
      throw new IllegalArgumentException("the hopping advance must not exceed the hopping size");
    }
    String shortKind = kindOf(shortTumbling);
    String longKind = kindOf(longTumbling);
    String hoppingKind = kindOf(hoppingSize);
    if (shortKind.equals(longKind) || shortKind.equals(hoppingKind) || longKind.equals(hoppingKind)) {
      throw new IllegalArgumentException("window kinds must differ in size to be told apart: "
          + shortKind + ", " + longKind + ", " + hoppingKind);
    }
    if (smaWindows < 1 || topK < 1 || anomalyWarmUp < 1 || recommendationsPerSku < 1) {
      throw new IllegalArgumentException("counts in the settings must be at least 1");
    }
    if (!(emaAlpha > 0 && emaAlpha <= 1) || !(anomalyAlpha > 0 && anomalyAlpha <= 1) || !(anomalyK > 0)) {
      throw new IllegalArgumentException("smoothing factors must be in (0, 1] and k positive");
    }
    Objects.requireNonNull(recommendationHalfLife, "recommendationHalfLife");
  }

  public static EngineSettings defaults() {
    return new EngineSettings(
        Duration.ofMinutes(1),
        Duration.ofHours(1),
        Duration.ofMinutes(5),
        Duration.ofMinutes(1),
        Duration.ofMinutes(30),
        Duration.ofSeconds(5),
        Duration.ofMinutes(1),
        true,
        Duration.ofMinutes(10),
        Duration.ofSeconds(10),
        5,
        0.3,
        3.0,
        30,
        0.1,
        10,
        Duration.ofDays(7),
        10);
  }

  public EngineSettings withCorrections(boolean corrections) {
    return new EngineSettings(shortTumbling, longTumbling, hoppingSize, hoppingAdvance, sessionGap, outOfOrderness,
        allowedLateness, corrections, correctionHorizon, idleGrace, smaWindows, emaAlpha, anomalyK, anomalyWarmUp,
        anomalyAlpha, topK, recommendationHalfLife, recommendationsPerSku);
  }

  public EngineSettings withAnomaly(double k, int warmUp, double alpha) {
    return new EngineSettings(shortTumbling, longTumbling, hoppingSize, hoppingAdvance, sessionGap, outOfOrderness,
        allowedLateness, corrections, correctionHorizon, idleGrace, smaWindows, emaAlpha, k, warmUp, alpha, topK,
        recommendationHalfLife, recommendationsPerSku);
  }

  public EngineSettings withSessionGap(Duration gap) {
    return new EngineSettings(shortTumbling, longTumbling, hoppingSize, hoppingAdvance, gap, outOfOrderness,
        allowedLateness, corrections, correctionHorizon, idleGrace, smaWindows, emaAlpha, anomalyK, anomalyWarmUp,
        anomalyAlpha, topK, recommendationHalfLife, recommendationsPerSku);
  }

  /** The label of the short tumbling windows, e.g. {@code "1m"}. */
  public String shortKind() {
    return kindOf(shortTumbling);
  }

  /** The label of the long tumbling windows, e.g. {@code "1h"}. */
  public String longKind() {
    return kindOf(longTumbling);
  }

  /** The label of the hopping windows, by their size, e.g. {@code "5m"}. */
  public String hoppingKind() {
    return kindOf(hoppingSize);
  }

  /** Every window kind's label: short, long, hopping. */
  public List<String> windowKinds() {
    return List.of(shortKind(), longKind(), hoppingKind());
  }

  /** A window length as a label: the largest of d, h, m, s, ms that divides it. */
  static String kindOf(Duration size) {
    long millis = size.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] suffixes = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (millis % units[i] == 0) {
        return millis / units[i] + suffixes[i];
      }
    }
    return millis + "ms";
  }
}
