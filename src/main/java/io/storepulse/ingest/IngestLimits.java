package io.storepulse.ingest;

import java.time.Duration;

/**
 * What one ingest request may carry.
 *
 * @param maxEventBytes size of one event's JSON
 * @param maxRequestBytes size of a request body after decompression
 * @param maxEventsPerRequest events in one request
 * @param maxEventAge events whose time is older than this are rejected
 * @param maxFutureSkew events whose time is further ahead than this are rejected
 */
public record IngestLimits(
    int maxEventBytes,
    int maxRequestBytes,
    int maxEventsPerRequest,
    Duration maxEventAge,
    Duration maxFutureSkew) {

  public static final IngestLimits DEFAULTS =
      new IngestLimits(32 * 1024, 1024 * 1024, 1000, Duration.ofDays(7), Duration.ofMinutes(5));
}
