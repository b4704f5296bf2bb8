package io.storepulse.analytics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.storepulse.ingest.EventType;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link CommerceEvent} from the JSON payload of an {@code events} row.
 *
 * <p>The payload was validated at ingest, so a payload that cannot be decoded is a server fault:
 * it fails with an {@link IllegalArgumentException} naming the log position. A type that this
 * version does not know (a newer ingest may write one) decodes as {@link EventType#CUSTOM}, which
 * the windows count but do not interpret, rather than stopping the partition.
 *
 * <p>Decimals are read from the JSON text with their scale ({@code "0.10"} stays {@code 0.10}),
 * whether sent as numbers or strings; the streaming parser never goes through {@code double}.
 * Instances are immutable and thread-safe.
 */
public final class CommerceEventDecoder {

  private final JsonFactory json = new JsonFactory();

  /** Decodes one log row; the payload must carry {@code storeId} (ingest fills it in). */
  public CommerceEvent decode(long position, String payload) {
    try (JsonParser parser = json.createParser(payload)) {
      return read(position, parser);
    } catch (IOException | DateTimeParseException | NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "event at log position " + position + " is not a valid catalog event: " + e.getMessage(), e);
    }
  }

  private static CommerceEvent read(long position, JsonParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("payload is not a JSON object");
    }
    String storeId = null;
    String id = null;
    EventType type = null;
    Instant time = null;
    String visitorId = null;
    String userId = null;
    String sessionId = null;
    String sku = null;
    int quantity = 0;
    BigDecimal price = null;
    String currency = null;
    String orderId = null;
    List<LineItem> items = null;
    BigDecimal total = null;
    BigDecimal amount = null;
    Boolean restock = null;
    Integer set = null;
    Integer delta = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "storeId" -> storeId = text(parser);
        case "id" -> id = text(parser);
        case "type" -> type = type(text(parser));
        case "time" -> time = time(text(parser));
        case "visitorId" -> visitorId = text(parser);
        case "userId" -> userId = text(parser);
        case "sessionId" -> sessionId = text(parser);
        case "sku" -> sku = text(parser);
        case "quantity" -> quantity = integer(parser);
        case "price" -> price = decimal(parser);
        case "currency" -> currency = text(parser);
        case "orderId" -> orderId = text(parser);
        case "items" -> items = items(parser);
        case "total" -> total = decimal(parser);
        case "amount" -> amount = decimal(parser);
        case "restock" -> restock = bool(parser);
        case "set" -> set = optionalInteger(parser);
        case "delta" -> delta = optionalInteger(parser);
        default -> parser.skipChildren();
      }
    }
    if (type == EventType.ORDER_REFUNDED && amount != null) {
      total = amount; // the catalog's refunded amount; CommerceEvent keeps a refund's money in total
    }
    if (storeId == null || id == null || type == null || time == null) {
      throw new IOException("storeId, id, type and time are required");
    }
    return new CommerceEvent(position, storeId, id, type, time, visitorId, userId, sessionId, sku,
        quantity, price, currency, orderId, items, total, restock, set, delta);
  }

  private static List<LineItem> items(JsonParser parser) throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw new IOException("items is not an array");
    }
    List<LineItem> items = new ArrayList<>();
    while (parser.nextToken() == JsonToken.START_OBJECT) {
      String sku = null;
      int quantity = 1; // the catalog: 1 when absent
      BigDecimal price = null;
      Boolean restock = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        switch (field) {
          case "sku" -> sku = text(parser);
          case "quantity" -> quantity = integer(parser);
          case "price" -> price = decimal(parser);
          case "restock" -> restock = bool(parser);
          default -> parser.skipChildren();
        }
      }
      if (sku == null) {
        throw new IOException("an item has no sku");
      }
      items.add(new LineItem(sku, quantity, price, restock));
    }
    return items;
  }

  private static EventType type(String wireName) {
    EventType type = wireName == null ? null : EventType.fromWireName(wireName);
    return type == null ? EventType.CUSTOM : type;
  }

  private static Instant time(String text) {
    return text == null ? null : OffsetDateTime.parse(text).toInstant();
  }

  private static String text(JsonParser parser) throws IOException {
    return parser.currentToken() == JsonToken.VALUE_NULL ? null : parser.getText();
  }

  private static int integer(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case VALUE_NULL -> 0;
      case VALUE_STRING -> Integer.parseInt(parser.getText().trim());
      default -> parser.getIntValue();
    };
  }

  private static Integer optionalInteger(JsonParser parser) throws IOException {
    return parser.currentToken() == JsonToken.VALUE_NULL ? null : integer(parser);
  }

  private static Boolean bool(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case VALUE_NULL -> null;
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      default -> throw new IOException("expected a boolean, got " + parser.currentToken());
    };
  }

  private static BigDecimal decimal(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case VALUE_NULL -> null;
      case VALUE_STRING -> new BigDecimal(parser.getText().trim());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
      default -> throw new IOException("expected a decimal, got " + parser.currentToken());
    };
  }
}
