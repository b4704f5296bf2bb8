package io.storepulse.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChannelKeyTest {

  @Test
  void wireNamesRoundTripAndUnknownNamesAreEmpty() {
    for (ChannelKind kind : ChannelKind.values()) {
      assertEquals(Optional.of(kind), ChannelKind.fromWire(kind.wireName()));
    }
    assertEquals(Optional.of(ChannelKind.METRICS), ChannelKind.fromWire("metrics"));
    assertEquals(Optional.empty(), ChannelKind.fromWire("Metrics"));
    assertEquals(Optional.empty(), ChannelKind.fromWire("orders"));
  }

  @Test
  void metricsAndTrendingAreOneChannelPerWindowKind() {
    assertNotEquals(ChannelKey.metrics("s1", "1m"), ChannelKey.metrics("s1", "1h"));
    assertNotEquals(ChannelKey.metrics("s1", "1m"), ChannelKey.trending("s1", "1m"));
    assertEquals(ChannelKey.metrics("s1", "1m"), new ChannelKey(ChannelKind.METRICS, "s1", "1m"));
    assertThrows(IllegalArgumentException.class, () -> new ChannelKey(ChannelKind.METRICS, "s1", null));
    assertThrows(IllegalArgumentException.class, () -> new ChannelKey(ChannelKind.TRENDING, "s1", " "));
  }

  @Test
  void onlyWindowedKindsTakeAWindowAndOnlyHealthHasNoStore() {
    assertThrows(IllegalArgumentException.class, () -> new ChannelKey(ChannelKind.INVENTORY, "s1", "1m"));
    assertThrows(IllegalArgumentException.class, () -> new ChannelKey(ChannelKind.ALERTS, null, null));
    assertThrows(IllegalArgumentException.class, () -> new ChannelKey(ChannelKind.HEALTH, "s1", null));
    assertThrows(IllegalArgumentException.class, () -> ChannelKey.inventory(""));
    assertEquals(ChannelKind.HEALTH, ChannelKey.health().kind());
  }
}
