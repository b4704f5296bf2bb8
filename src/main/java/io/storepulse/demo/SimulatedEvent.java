package io.storepulse.demo;

import io.storepulse.ingest.EventType;
import java.util.List;

/**
 * One event as the simulated storefront sends it.
 *
 * @param id the event's {@code id}, its idempotency key
 * @param type the catalog type
 * @param timeMillis the event's {@code time}, epoch milliseconds
 * @param json the event as JSON text, ready to go into a request body
 * @param resend whether this is a storefront's retry of an event already sent (same id and text)
 */
public record SimulatedEvent(String id, EventType type, long timeMillis, String json, boolean resend) {

  /** The same event, sent again. */
  SimulatedEvent asResend() {
    return new SimulatedEvent(id, type, timeMillis, json, true);
  }

  /** {@code {"events":[…]}}: the body of {@code POST /v1/events} for these events. */
  public static String batchBody(List<SimulatedEvent> events) {
    int length = 16;
    for (SimulatedEvent event : events) {
      length += event.json.length() + 1;
    }
    StringBuilder body = new StringBuilder(length).append("{\"events\":[");
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append(events.get(i).json);
    }
    return body.append("]}").toString();
  }
}
