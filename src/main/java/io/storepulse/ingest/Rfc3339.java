package io.storepulse.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * Reads RFC 3339 date-times ({@code 2026-11-21T10:00:00.123Z}, {@code 2026-11-21T12:00:00+02:00}).
 * Hand-written because it runs for every event, and because {@code ISO_OFFSET_DATE_TIME} is looser
 * than RFC 3339 (it takes {@code 10:00} without seconds) and reports failure by throwing.
 */
final class Rfc3339 {

  private static final int SECONDS_PER_DAY = 86_400;

  private Rfc3339() {
  }

  /**
   * The instant {@code text} denotes, or {@code null} when it is not an RFC 3339 date-time with an
   * offset. Fractions finer than a nanosecond are truncated; leap seconds ({@code :60}) are refused
   * because {@link Instant} cannot hold them.
   */
  static Instant parse(String text) {
    int length = text.length();
    if (length < 20) {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 59
        || text.charAt(4) != '-' || text.charAt(7) != '-' || !isT(text.charAt(10))
        || text.charAt(13) != ':' || text.charAt(16) != ':'
        || day > Month.of(month).length(Year.isLeap(year))) {
      return null;
    }
    int pos = 19;
    int nanos = 0;
    if (text.charAt(pos) == '.') {
      int start = ++pos;
      int unit = 100_000_000;
      while (pos < length && isDigit(text.charAt(pos))) {
        nanos += (text.charAt(pos) - '0') * unit;
        unit /= 10;
        pos++;
      }
      if (pos == start || pos == length) {
        return null;
      }
    }
    int offsetSeconds;
    char zone = text.charAt(pos);
    if (zone == 'Z' || zone == 'z') {
      if (pos + 1 != length) {
        return null;
      }
      offsetSeconds = 0;
    } else if (zone == '+' || zone == '-') {
      if (pos + 6 != length || text.charAt(pos + 3) != ':') {
        return null;
      }
      int offsetHours = digits(text, pos + 1, 2);
      int offsetMinutes = digits(text, pos + 4, 2);
      if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) {
        return null;
      }
      offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (zone == '-' ? -1 : 1);
    } else {
      return null;
    }
    long epochSecond = LocalDate.of(year, month, day).toEpochDay() * SECONDS_PER_DAY
        + hour * 3600L + minute * 60L + second - offsetSeconds;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  /** The number written by {@code count} ASCII digits at {@code from}, or -1 if they are not all digits. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isT(char c) {
    return c == 'T' || c == 't';
  }
}
