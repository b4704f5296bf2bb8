package io.storepulse.demo;

import java.time.LocalDate;

/**
 * Appends JSON text without a JSON library: the simulator's strings (ids, SKUs, names, paths) are
 * made of characters that need no escaping, so an event is one {@link StringBuilder} pass.
 *
 * <p>An instance formats RFC 3339 times with milliseconds, caching the date part; it is not
 * thread-safe.
 */
final class JsonText {

  private static final long MILLIS_PER_DAY = 86_400_000L;

  private long cachedDay = Long.MIN_VALUE;
  private String cachedDate;

  /** {@code ,"name":"value"}. */
  static StringBuilder field(StringBuilder json, String name, String value) {
    return json.append(",\"").append(name).append("\":\"").append(value).append('"');
  }

  /** {@code ,"name":value} for a whole number. */
  static StringBuilder number(StringBuilder json, String name, long value) {
    return json.append(",\"").append(name).append("\":").append(value);
  }

  /** {@code ,"name":"12.34"}: money as a decimal string, never a floating-point number. */
  static StringBuilder moneyField(StringBuilder json, String name, long cents) {
    json.append(",\"").append(name).append("\":\"");
    return money(json, cents).append('"');
  }

  /** {@code 12.34} for 1234 cents. */
  static StringBuilder money(StringBuilder json, long cents) {
    long fraction = cents % 100;
    json.append(cents / 100).append('.');
    if (fraction < 10) {
      json.append('0');
    }
    return json.append(fraction);
  }

  /** {@code ,"time":"2026-11-21T10:00:00.123Z"}. */
  StringBuilder timeField(StringBuilder json, long epochMillis) {
    json.append(",\"time\":\"");
    return time(json, epochMillis).append('"');
  }

  /** RFC 3339 in UTC with milliseconds: {@code 2026-11-21T10:00:00.123Z}. */
  StringBuilder time(StringBuilder json, long epochMillis) {
    long day = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
    if (day != cachedDay) {
      cachedDay = day;
      cachedDate = LocalDate.ofEpochDay(day) + "T";
    }
    int millisOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
    int seconds = millisOfDay / 1000;
    json.append(cachedDate);
    twoDigits(json, seconds / 3600).append(':');
    twoDigits(json, seconds / 60 % 60).append(':');
    twoDigits(json, seconds % 60).append('.');
    int millis = millisOfDay % 1000;
    if (millis < 100) {
      json.append('0');
    }
    if (millis < 10) {
      json.append('0');
    }
    return json.append(millis).append('Z');
  }

  private static StringBuilder twoDigits(StringBuilder json, int value) {
    if (value < 10) {
      json.append('0');
    }
    return json.append(value);
  }
}
