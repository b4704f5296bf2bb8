package io.storepulse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storepulse.api.ClientFault;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventBatchParserTest {

  private static final IngestLimits LIMITS =
      new IngestLimits(32 * 1024, 4096, 3, Duration.ofDays(7), Duration.ofMinutes(5));

  private final EventBatchParser parser = new EventBatchParser(LIMITS);

  private List<RawEvent> parse(String body, BodyFormat format) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8), format);
  }

  private ClientFault fault(String body, BodyFormat format) {
    return assertThrows(ClientFault.class, () -> parse(body, format));
  }

  @Test
  void singleObjectIsOneEvent() {
    List<RawEvent> events = parse("{\"id\":\"a\",\"type\":\"custom\"}", BodyFormat.JSON);

    assertEquals(1, events.size());
    assertEquals(0, events.get(0).index());
    assertEquals("a", events.get(0).node().get("id").textValue());
    assertNull(events.get(0).error());
  }

  @Test
  void eventsMemberHoldsTheBatch() {
    List<RawEvent> events = parse("{\"events\":[{\"id\":\"a\"},{\"id\":\"b\"}]}", BodyFormat.JSON);

    assertEquals(List.of(0, 1), events.stream().map(RawEvent::index).toList());
    assertEquals("b", events.get(1).node().get("id").textValue());
  }

  @Test
  void topLevelArrayHoldsTheBatch() {
    List<RawEvent> events = parse(" [ {\"id\":\"a\"}, {\"id\":\"b\"}, {\"id\":\"c\"} ] \n", BodyFormat.JSON);

    assertEquals(List.of(0, 1, 2), events.stream().map(RawEvent::index).toList());
    assertEquals("c", events.get(2).node().get("id").textValue());
  }

  @Test
  void emptyBatchesHaveNoEvents() {
    assertEquals(List.of(), parse("[]", BodyFormat.JSON));
    assertEquals(List.of(), parse("{\"events\":[]}", BodyFormat.JSON));
  }

  @Test
  void elementsThatAreNotObjectsAreLeftToTheValidator() {
    List<RawEvent> events = parse("[1, \"x\", {\"id\":\"a\"}]", BodyFormat.JSON);

    assertEquals(3, events.size());
    assertTrue(events.get(0).node().isNumber());
    assertTrue(events.get(1).node().isTextual());
  }

  @Test
  void ndjsonGivesOneEventPerNonBlankLine() {
    String body = "{\"id\":\"a\"}\r\n\n   \n{\"id\":\"b\"}\n\t\n{\"id\":\"c\"}";

    List<RawEvent> events = parse(body, BodyFormat.NDJSON);

    assertEquals(List.of(0, 1, 2), events.stream().map(RawEvent::index).toList());
    assertEquals(List.of("a", "b", "c"),
        events.stream().map(event -> event.node().get("id").textValue()).toList());
  }

  @Test
  void ndjsonMalformedLineBecomesAnErrorAndTheOtherLinesStillCount() {
    String body = "{\"id\":\"a\"}\n\n{\"id\": nope}\n{\"id\":\"c\"}\n";

    List<RawEvent> events = parse(body, BodyFormat.NDJSON);

    assertEquals(3, events.size());
    assertEquals("a", events.get(0).node().get("id").textValue());
    RawEvent bad = events.get(1);
    assertEquals(1, bad.index());
    assertNull(bad.node());
    assertTrue(bad.error().startsWith("line 3 is not valid JSON: Unrecognized token 'nope'"), bad.error());
    assertTrue(bad.error().endsWith("(column 13)"), bad.error());
    assertEquals("c", events.get(2).node().get("id").textValue());
  }

  @Test
  void ndjsonLineWithTwoValuesIsAnError() {
    List<RawEvent> events = parse("{\"id\":\"a\"} {\"id\":\"b\"}", BodyFormat.NDJSON);

    assertEquals("line 1 is not valid JSON: it holds more than one JSON value", events.get(0).error());
  }

  @Test
  void ndjsonLineWithARepeatedKeyIsAnError() {
    List<RawEvent> events = parse("{\"id\":\"a\",\"id\":\"b\"}", BodyFormat.NDJSON);

    assertTrue(events.get(0).error().startsWith("line 1 is not valid JSON: Duplicate field 'id'"),
        events.get(0).error());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      " \r\n\t ",
      "{",
      "[{\"id\":\"a\"},",
      "{\"id\":\"a\"",
      "{\"id\":'a'}",
      "[1,]",
      "42",
      "\"event\"",
      "null",
      "true",
      "{\"events\":{}}",
      "{\"events\":\"a\"}",
      "{\"events\":[],\"id\":\"a\"}",
      "{\"id\":\"a\"} {\"id\":\"b\"}",
      "[] []",
      "[] x",
      "{\"id\":\"a\",\"id\":\"b\"}"
  })
  void malformedJsonBodyIsABadRequest(String body) {
    assertEquals(400, fault(body, BodyFormat.JSON).status());
  }

  @Test
  void invalidUtf8IsABadRequest() {
    byte[] body = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    ClientFault fault = assertThrows(ClientFault.class, () -> parser.parse(body, BodyFormat.JSON));

    assertEquals(400, fault.status());
  }

  @Test
  void badRequestsSayWhatIsWrongAndWhere() {
    assertEquals("request body is empty", fault("  ", BodyFormat.JSON).detail());
    assertEquals("request body must be a JSON object or array, not a number",
        fault("42", BodyFormat.JSON).detail());
    assertEquals("\"events\" must be an array of events, not an object",
        fault("{\"events\":{}}", BodyFormat.JSON).detail());
    assertEquals("a batch object carries only \"events\", but this one also has \"id\"",
        fault("{\"events\":[],\"id\":\"a\"}", BodyFormat.JSON).detail());
    assertTrue(fault("{\"id\":\"a\"}\n{\"id\":\"b\"}", BodyFormat.JSON).detail()
        .contains("more than one JSON value"));
    String detail = fault("{\n\"id\":\"a\",}", BodyFormat.JSON).detail();
    assertTrue(detail.startsWith("request body is not valid JSON: Unexpected character ('}'"), detail);
    assertTrue(detail.endsWith("(line 2, column 10)"), detail);
  }

  @Test
  void byteOrderMarkIsSkippedButIsNoEvent() {
    assertEquals(1, parse("\uFEFF{\"id\":\"a\"}", BodyFormat.JSON).size());
    assertEquals(400, fault("\uFEFF", BodyFormat.JSON).status());
    assertEquals("request body is empty", fault("\uFEFF ", BodyFormat.JSON).detail());
    assertEquals("line 2 is not valid JSON: it holds no JSON value",
        parse("{}\n\uFEFF \n", BodyFormat.NDJSON).get(1).error());
  }

  @Test
  void emptyNdjsonBodyIsABadRequest() {
    assertEquals("request body is empty", fault("\n\r\n \n", BodyFormat.NDJSON).detail());
  }

  @Test
  void asManyEventsAsTheLimitAreTaken() {
    assertEquals(3, parse("[{},{},{}]", BodyFormat.JSON).size());
    assertEquals(3, parse("{}\n{}\n{}\n", BodyFormat.NDJSON).size());
  }

  @Test
  void moreEventsThanTheLimitIsPayloadTooLargeWithCountAndLimit() {
    String expected = "request carries 5 events, more than the limit of 3";
    for (String body : List.of("[{},{},{},{},{}]", "{\"events\":[{},{},{},{},{}]}")) {
      ClientFault fault = fault(body, BodyFormat.JSON);
      assertEquals(413, fault.status());
      assertEquals(expected, fault.detail());
    }
    ClientFault fault = fault("{}\n{}\nnot json\n\n{}\n{}\n", BodyFormat.NDJSON);
    assertEquals(413, fault.status());
    assertEquals(expected, fault.detail());
  }

  @Test
  void bodyLargerThanTheRequestLimitIsPayloadTooLarge() {
    ClientFault fault = fault("[" + " ".repeat(4096) + "]", BodyFormat.JSON);

    assertEquals(413, fault.status());
    assertEquals("request body is 4098 bytes, more than the limit of 4096", fault.detail());
  }

  @Test
  void decimalsAreReadWithTheirExactText() {
    RawEvent event = parse("{\"price\":0.10,\"total\":19.99,\"big\":12345678901234567890.5}",
        BodyFormat.JSON).get(0);

    assertEquals("0.10", event.node().get("price").decimalValue().toString());
    assertEquals("19.99", event.node().get("total").decimalValue().toString());
    assertEquals("12345678901234567890.5", event.node().get("big").decimalValue().toPlainString());
  }
}
