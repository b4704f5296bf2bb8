package io.storepulse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {

  @ParameterizedTest
  @CsvSource({
      "2026-11-21T10:00:00Z,              2026-11-21T10:00:00Z",
      "2026-11-21t10:00:00z,              2026-11-21T10:00:00Z",
      "2026-11-21T10:00:00.123Z,          2026-11-21T10:00:00.123Z",
      "2026-11-21T10:00:00.5Z,            2026-11-21T10:00:00.500Z",
      "2026-11-21T10:00:00.123456789Z,    2026-11-21T10:00:00.123456789Z",
      "2026-11-21T10:00:00.1234567891234Z, 2026-11-21T10:00:00.123456789Z",
      "2026-11-21T12:00:00+02:00,         2026-11-21T10:00:00Z",
      "2026-11-21T04:30:00-05:30,         2026-11-21T10:00:00Z",
      "2026-11-21T10:00:00-00:00,         2026-11-21T10:00:00Z",
      "2026-11-22T00:30:00+14:30,         2026-11-21T10:00:00Z",
      "2024-02-29T23:59:59Z,              2024-02-29T23:59:59Z",
      "2000-02-29T00:00:00Z,              2000-02-29T00:00:00Z",
      "1970-01-01T00:00:00Z,              1970-01-01T00:00:00Z",
      "0001-01-01T00:00:00Z,              0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999Z,          9999-12-31T23:59:59.999Z"
  })
  void readsRfc3339DateTimes(String text, String expected) {
    assertEquals(Instant.parse(expected), Rfc3339.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "2026-11-21",
      "2026-11-21T10:00:00",
      "2026-11-21T10:00Z",
      "2026-11-21 10:00:00Z",
      "2026-11-21T10:00:00+0200",
      "2026-11-21T10:00:00+02",
      "2026-11-21T10:00:00+24:00",
      "2026-11-21T10:00:00+02:60",
      "2026-11-21T10:00:00.Z",
      "2026-11-21T10:00:00.123",
      "2026-11-21T10:00:00ZZ",
      "2026-11-21T10:00:00Z ",
      " 2026-11-21T10:00:00Z",
      "2026-13-01T10:00:00Z",
      "2026-00-01T10:00:00Z",
      "2026-11-00T10:00:00Z",
      "2026-11-31T10:00:00Z",
      "2026-02-29T10:00:00Z",
      "1900-02-29T10:00:00Z",
      "2026-11-21T24:00:00Z",
      "2026-11-21T10:60:00Z",
      "2026-12-31T23:59:60Z",
      "+2026-11-21T10:00:00Z",
      "2026-1-21T10:00:00Z0",
      "2026/11/21T10:00:00Z",
      "２０２６-11-21T10:00:00Z"
  })
  void refusesWhatIsNotAnRfc3339DateTimeWithOffset(String text) {
    assertNull(Rfc3339.parse(text));
  }
}
