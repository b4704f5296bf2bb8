package io.storepulse.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MoneySumsTest {

  private final MoneySums sums = new MoneySums();

  @Test
  void tenCentsPlusTwentyCentsIsExactlyThirtyCents() {
    sums.add("EUR", new BigDecimal("0.10"));
    sums.add("EUR", new BigDecimal("0.20"));

    assertEquals(new BigDecimal("0.30"), sums.get("EUR"));
  }

  @Test
  void sumCarriesTheLargestScaleAddedLikeBigDecimalAdd() {
    sums.add("EUR", new BigDecimal("1"));
    sums.add("EUR", new BigDecimal("0.5"));

    assertEquals(new BigDecimal("1.5"), sums.get("EUR"));
  }

  @Test
  void unitPriceTimesQuantityIsExact() {
    sums.add("EUR", new BigDecimal("19.99"), 3);
    sums.add("EUR", new BigDecimal("-0.01"), 1);

    assertEquals(new BigDecimal("59.96"), sums.get("EUR"));
    assertEquals(2, sums.count("EUR"));
  }

  @Test
  void amountWithMoreDecimalsThanTheFastPathSwitchesToAnExactSum() {
    sums.add("BTC", new BigDecimal("0.1234"));
    sums.add("BTC", new BigDecimal("0.000001"));
    sums.add("BTC", new BigDecimal("1.1"));

    assertEquals(new BigDecimal("1.223401"), sums.get("BTC"));
  }

  @Test
  void sumThatWouldOverflowALongSwitchesToAnExactSum() {
    BigDecimal large = new BigDecimal("900000000000000.00");
    sums.add("JPY", large);
    sums.add("JPY", large);
    sums.add("JPY", new BigDecimal("0.01"));

    assertEquals(new BigDecimal("1800000000000000.01"), sums.get("JPY"));
  }

  @Test
  void currenciesAreSummedApartAndListedInOrder() {
    sums.add("USD", new BigDecimal("2.00"));
    sums.add("EUR", new BigDecimal("1.00"));
    sums.add("USD", new BigDecimal("3.00"));

    Map<String, BigDecimal> expected = new TreeMap<>(Map.of("EUR", new BigDecimal("1.00"), "USD", new BigDecimal("5.00")));
    assertEquals(expected, sums.toMap());
    assertNull(sums.get("GBP"));
  }

  @Test
  void snapshotRoundTripKeepsBothRepresentations() throws Exception {
    sums.add("EUR", new BigDecimal("0.10"));
    sums.add("BTC", new BigDecimal("0.000001"));
    SnapshotOutput out = new SnapshotOutput();
    sums.write(out);

    MoneySums restored = MoneySums.read(new SnapshotInput(out.toByteArray()));
    restored.add("EUR", new BigDecimal("0.20"));

    assertEquals(new BigDecimal("0.30"), restored.get("EUR"));
    assertEquals(new BigDecimal("0.000001"), restored.get("BTC"));
  }
}
