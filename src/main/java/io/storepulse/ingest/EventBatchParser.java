package io.storepulse.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.storepulse.api.ClientFault;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Splits a request body into events, before any of them is validated. */
public final class EventBatchParser {

  private static final String EVENTS = "events";

  private final IngestLimits limits;

  public EventBatchParser(IngestLimits limits) {
    this.limits = limits;
  }

  /**
   * Splits a (decompressed) body into events.
   *
   * <ul>
   *   <li>{@link BodyFormat#JSON}: a single event object, {@code {"events":[...]}} (an object with
   *       no other member), or a top-level array. Elements that are not objects are returned as
   *       they are, for the validator to reject one by one.
   *   <li>{@link BodyFormat#NDJSON}: one JSON value per non-blank line; a malformed line becomes a
   *       {@link RawEvent} with an error ({@code line 3 is not valid JSON: ...}) and the other lines
   *       still count.
   * </ul>
   *
   * @throws ClientFault 400 when the body is empty, or a JSON body as a whole is malformed or of the
   *     wrong shape; 413 when the body is larger than {@link IngestLimits#maxRequestBytes()} or
   *     carries more than {@link IngestLimits#maxEventsPerRequest()} events
   */
  public List<RawEvent> parse(byte[] body, BodyFormat format) {
    if (body.length > limits.maxRequestBytes()) {
      throw ClientFault.payloadTooLarge("request body is " + body.length
          + " bytes, more than the limit of " + limits.maxRequestBytes());
    }
    if (isBlank(body, 0, body.length)) {
      throw ClientFault.badRequest("request body is empty");
    }
    return format == BodyFormat.NDJSON ? parseLines(body) : parseDocument(body);
  }

  private List<RawEvent> parseDocument(byte[] body) {
    try (JsonParser parser = EventJson.MAPPER.createParser(body)) {
      JsonToken first = parser.nextToken();
      List<RawEvent> events;
      if (first == null) {
        throw ClientFault.badRequest("request body is empty");
      } else if (first == JsonToken.START_ARRAY) {
        events = readArray(parser);
      } else if (first == JsonToken.START_OBJECT) {
        events = readObject(EventJson.MAPPER.readTree(parser));
      } else {
        throw ClientFault.badRequest(
            "request body must be a JSON object or array, not " + describe(first));
      }
      if (parser.nextToken() != null) {
        throw ClientFault.badRequest("request body holds more than one JSON value"
            + " (send one value per line as application/x-ndjson)");
      }
      return events;
    } catch (IOException e) {
      throw ClientFault.badRequest("request body is not valid JSON: " + explain(e, true));
    }
  }

  /** Builds trees for the events the request may carry, and only counts the ones beyond. */
  private List<RawEvent> readArray(JsonParser parser) throws IOException {
    int max = limits.maxEventsPerRequest();
    List<RawEvent> events = new ArrayList<>();
    int count = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (count < max) {
        events.add(new RawEvent(count, EventJson.MAPPER.readTree(parser), null));
      } else {
        parser.skipChildren();
      }
      count++;
    }
    checkCount(count);
    return events;
  }

  private List<RawEvent> readObject(JsonNode object) {
    JsonNode batch = object.get(EVENTS);
    if (batch == null) {
      return List.of(new RawEvent(0, object, null));
    }
    if (!batch.isArray()) {
      throw ClientFault.badRequest("\"events\" must be an array of events, not " + EventJson.kind(batch));
    }
    if (object.size() > 1) {
      throw ClientFault.badRequest("a batch object carries only \"events\", but this one also has \""
          + otherMember(object) + "\"");
    }
    checkCount(batch.size());
    List<RawEvent> events = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      events.add(new RawEvent(i, batch.get(i), null));
    }
    return events;
  }

  private List<RawEvent> parseLines(byte[] body) {
    int max = limits.maxEventsPerRequest();
    List<RawEvent> events = new ArrayList<>();
    int count = 0;
    int line = 0;
    int start = 0;
    while (start <= body.length) {
      int end = indexOfNewline(body, start);
      line++;
      if (!isBlank(body, start, end)) {
        if (count < max) {
          events.add(parseLine(body, start, end, count, line));
        }
        count++;
      }
      start = end + 1;
    }
    checkCount(count);
    return events;
  }

  private static RawEvent parseLine(byte[] body, int start, int end, int index, int line) {
    try (JsonParser parser = EventJson.MAPPER.createParser(body, start, end - start)) {
      if (parser.nextToken() == null) {
        return new RawEvent(index, null, "line " + line + " is not valid JSON: it holds no JSON value");
      }
      JsonNode node = EventJson.MAPPER.readTree(parser);
      if (parser.nextToken() != null) {
        return new RawEvent(index, null,
            "line " + line + " is not valid JSON: it holds more than one JSON value");
      }
      return new RawEvent(index, node, null);
    } catch (IOException e) {
      return new RawEvent(index, null, "line " + line + " is not valid JSON: " + explain(e, false));
    }
  }

  private void checkCount(int count) {
    if (count > limits.maxEventsPerRequest()) {
      throw ClientFault.payloadTooLarge("request carries " + count
          + " events, more than the limit of " + limits.maxEventsPerRequest());
    }
  }

  private static int indexOfNewline(byte[] body, int from) {
    for (int i = from; i < body.length; i++) {
      if (body[i] == '\n') {
        return i;
      }
    }
    return body.length;
  }

  private static boolean isBlank(byte[] body, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = body[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  private static String otherMember(JsonNode object) {
    Iterator<String> names = object.fieldNames();
    String name = names.next();
    return EVENTS.equals(name) ? names.next() : name;
  }

  /** Jackson's message without its source excerpt, and where the problem is. */
  private static String explain(IOException e, boolean withLine) {
    if (!(e instanceof JsonProcessingException jsonError)) {
      return e.getMessage();
    }
    JsonLocation at = jsonError.getLocation();
    if (at == null) {
      return jsonError.getOriginalMessage();
    }
    return jsonError.getOriginalMessage()
        + (withLine ? " (line " + at.getLineNr() + ", column " : " (column ")
        + at.getColumnNr() + ")";
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      default -> "null";
    };
  }
}
