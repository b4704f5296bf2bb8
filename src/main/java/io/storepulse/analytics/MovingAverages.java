package io.storepulse.analytics;

import java.io.IOException;

/**
 * Simple and exponential moving averages over one series of window values.
 *
 * <p>The simple average is the mean of the last {@code n} values (of fewer while the series is
 * shorter), summed afresh from a ring buffer on every read so that no rounding error accumulates
 * over a long-running series. The exponential average is {@code ema = α·x + (1 − α)·ema}, seeded
 * with the first value.
 */
public final class MovingAverages {

  private final double[] ring;
  private final double alpha;
  private int count;
  private int next;
  private double ema = Double.NaN;

  /**
   * @param windows the number of values the simple average spans
   * @param alpha the exponential smoothing factor, in (0, 1]
   */
  public MovingAverages(int windows, double alpha) {
    if (windows < 1) {
      throw new IllegalArgumentException("the simple average needs at least one window");
    }
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
    }
    this.ring = new double[windows];
    this.alpha = alpha;
  }

  public void add(double value) {
    ring[next] = value;
    next = (next + 1) % ring.length;
    if (count < ring.length) {
      count++;
    }
    ema = Double.isNaN(ema) ? value : alpha * value + (1 - alpha) * ema;
  }

  /** The mean of the last {@code n} values; NaN before the first. */
  public double simple() {
    if (count == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < count; i++) {
      sum += ring[(next - 1 - i + ring.length) % ring.length];
    }
    return sum / count;
  }

  /** The exponential moving average; NaN before the first value. */
  public double exponential() {
    return ema;
  }

  void write(SnapshotOutput out) throws IOException {
    out.writeVarLong(ring.length);
    out.writeVarLong(count);
    out.writeVarLong(next);
    out.writeDouble(ema);
    for (double value : ring) {
      out.writeDouble(value);
    }
  }

  void read(SnapshotInput in) throws IOException {
    int windows = in.readCount();
    if (windows != ring.length) {
      throw new IOException("snapshot averages span " + windows + " windows, settings say " + ring.length);
    }
    count = in.readCount();
    next = in.readCount();
    ema = in.readDouble();
    for (int i = 0; i < ring.length; i++) {
      ring[i] = in.readDouble();
    }
  }
}
