package io.storepulse.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One element of a request body: a parsed JSON value, or why it could not be read. Exactly one of
 * {@code node} and {@code error} is non-null.
 *
 * @param index the element's position among the events of the request, from 0
 * @param node the element as parsed, not necessarily an object
 * @param error why the element could not be read, e.g. {@code line 3 is not valid JSON: ...}
 */
public record RawEvent(int index, JsonNode node, String error) {

  public RawEvent {
    if ((node == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of node and error must be given");
    }
  }
}
