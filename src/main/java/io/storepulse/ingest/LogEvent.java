package io.storepulse.ingest;

import java.time.Instant;

/**
 * A validated event, ready for the event log.
 *
 * @param payload the event as canonical JSON, with {@code storeId} filled in from the write key
 */
public record LogEvent(String storeId, String eventId, EventType type, Instant eventTime, String payload) {
}
