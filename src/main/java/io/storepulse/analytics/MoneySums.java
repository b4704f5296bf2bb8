package io.storepulse.analytics;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Exact money sums per currency, with the number of amounts added to each.
 *
 * <p>Representation: while every amount of a currency has at most {@value #SCALE} decimals (true
 * of every ISO 4217 minor unit) and the running sum fits a {@code long}, the sum is kept as a long
 * in units of 10<sup>-{@value #SCALE}</sup>, which makes adding a price a multiply and an add
 * instead of a {@link BigDecimal} allocation. An amount with more decimals, or a sum that would
 * overflow, moves that currency to an exact {@code BigDecimal} for good. Either way the result is
 * exact and carries the largest scale added, as {@link BigDecimal#add} would: 0.10 + 0.20 is 0.30.
 *
 * <p>Currencies are few per store, so they sit in small parallel arrays searched linearly.
 */
public final class MoneySums {

  static final int SCALE = 4;
  private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L};
  private static final String[] NO_CURRENCIES = {};

  private String[] currencies = NO_CURRENCIES;
  private long[] scaled = new long[0];
  private int[] scales = new int[0];
  private long[] counts = new long[0];
  private BigDecimal[] exact = new BigDecimal[0];
  private int size;

  /** Adds one amount in {@code currency}. */
  public void add(String currency, BigDecimal amount) {
    add(currency, amount, 1);
  }

  /** Adds {@code unitPrice × quantity} as one amount in {@code currency}. */
  public void add(String currency, BigDecimal unitPrice, int quantity) {
    int i = indexOf(currency);
    counts[i]++;
    int scale = unitPrice.scale();
    if (scale > scales[i]) {
      scales[i] = scale;
    }
    if (exact[i] == null && scale >= 0 && scale <= SCALE && unitPrice.precision() <= 18) {
      // movePointRight keeps the compact long representation, so this allocates one small object
      long unscaled = scale == 0 ? unitPrice.longValue() : unitPrice.movePointRight(scale).longValue();
      try {
        long value = Math.multiplyExact(Math.multiplyExact(unscaled, POWERS_OF_TEN[SCALE - scale]), quantity);
        scaled[i] = Math.addExact(scaled[i], value);
        return;
      } catch (ArithmeticException overflow) {
        // falls through to the exact sum
      }
    }
    BigDecimal amount = quantity == 1 ? unitPrice : unitPrice.multiply(BigDecimal.valueOf(quantity));
    exact[i] = sum(i).add(amount);
  }

  /** The sum in {@code currency}, or {@code null} when nothing was added in it. */
  public BigDecimal get(String currency) {
    for (int i = 0; i < size; i++) {
      if (currencies[i].equals(currency)) {
        return sum(i);
      }
    }
    return null;
  }

  /** How many amounts were added in {@code currency}. */
  public long count(String currency) {
    for (int i = 0; i < size; i++) {
      if (currencies[i].equals(currency)) {
        return counts[i];
      }
    }
    return 0;
  }

  /** The sums by currency code, sorted. */
  public SortedMap<String, BigDecimal> toMap() {
    TreeMap<String, BigDecimal> map = new TreeMap<>();
    for (int i = 0; i < size; i++) {
      map.put(currencies[i], sum(i));
    }
    return Collections.unmodifiableSortedMap(map);
  }

  private BigDecimal sum(int i) {
    if (exact[i] != null) {
      return exact[i];
    }
    // exact: every amount added had at most scales[i] decimals, so the sum has no more
    return BigDecimal.valueOf(scaled[i], SCALE).setScale(scales[i]);
  }

  private int indexOf(String currency) {
    for (int i = 0; i < size; i++) {
      String known = currencies[i];
      if (known == currency || known.equals(currency)) {
        return i;
      }
    }
    if (currency == null) {
      throw new NullPointerException("currency");
    }
    if (size == currencies.length) {
      int capacity = Math.max(2, size * 2);
      currencies = Arrays.copyOf(currencies, capacity);
      scaled = Arrays.copyOf(scaled, capacity);
      scales = Arrays.copyOf(scales, capacity);
      counts = Arrays.copyOf(counts, capacity);
      exact = Arrays.copyOf(exact, capacity);
    }
    currencies[size] = currency;
    return size++;
  }

  public void write(SnapshotOutput out) throws IOException {
    out.writeVarLong(size);
    for (int i = 0; i < size; i++) {
      out.writeString(currencies[i]);
      out.writeVarLong(counts[i]);
      out.writeVarLong(scales[i]);
      out.writeBoolean(exact[i] != null);
      if (exact[i] != null) {
        out.writeBigDecimal(exact[i]);
      } else {
        out.writeSignedVarLong(scaled[i]);
      }
    }
  }

  public static MoneySums read(SnapshotInput in) throws IOException {
    MoneySums sums = new MoneySums();
    int size = in.readCount();
    for (int n = 0; n < size; n++) {
      int i = sums.indexOf(in.readString());
      sums.counts[i] = in.readVarLong();
      sums.scales[i] = in.readCount();
      if (in.readBoolean()) {
        sums.exact[i] = in.readBigDecimal();
      } else {
        sums.scaled[i] = in.readSignedVarLong();
      }
    }
    return sums;
  }
}
