package io.storepulse.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MovingAveragesTest {

  @Test
  void simpleAverageSpansTheLastNWindowsAndFewerAtTheStart() {
    MovingAverages averages = new MovingAverages(3, 0.5);
    assertTrue(Double.isNaN(averages.simple()));

    averages.add(1);
    averages.add(2);
    assertEquals(1.5, averages.simple(), 1e-12);

    averages.add(3);
    averages.add(4);
    assertEquals(3.0, averages.simple(), 1e-12);

    averages.add(10);
    assertEquals(17.0 / 3, averages.simple(), 1e-12);
  }

  @Test
  void exponentialAverageSeedsWithTheFirstValueThenWeighsByAlpha() {
    MovingAverages averages = new MovingAverages(3, 0.5);

    averages.add(10);
    assertEquals(10.0, averages.exponential(), 1e-12);
    averages.add(20);
    assertEquals(15.0, averages.exponential(), 1e-12);
    averages.add(0);
    assertEquals(7.5, averages.exponential(), 1e-12);
  }
}
