package io.storepulse.eventlog;

import io.storepulse.ingest.LogEvent;

import java.util.List;

/** Events of one ingest request, to be made durable together. */
public record AppendRequest(List<LogEvent> events) {
}
