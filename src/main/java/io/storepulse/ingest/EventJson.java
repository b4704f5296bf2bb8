package io.storepulse.ingest;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the ingest core. */
final class EventJson {

  /**
   * Reads decimals into {@link java.math.BigDecimal} straight from the token text and keeps their
   * scale, so money written as {@code 0.10} is stored as {@code 0.10}. An object with the same key
   * twice is malformed: which of the two values counts would otherwise be a guess.
   */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private EventJson() {
  }

  /** What kind of JSON value {@code node} is, for messages: "an array", "a number", "null". */
  static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT, POJO -> "an object";
      case ARRAY -> "an array";
      case STRING, BINARY -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL, MISSING -> "null";
    };
  }
}
