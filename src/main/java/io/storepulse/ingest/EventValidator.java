package io.storepulse.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks events against the catalog (design.md §3) and turns the valid ones into {@link LogEvent}s.
 *
 * <p>A catalog field has the same format in every event type it appears in; the type decides which
 * fields are required. Fields outside the catalog are kept as they are. The static part of these
 * rules is published as {@code schema/event.schema.json}, which must stay in step with this class.
 */
public final class EventValidator {

  private static final String ID = "id";
  private static final String TYPE = "type";
  private static final String TIME = "time";
  private static final String STORE_ID = "storeId";
  private static final String VISITOR_ID = "visitorId";
  private static final String SKU = "sku";
  private static final String QUANTITY = "quantity";
  private static final String PRICE = "price";
  private static final String CURRENCY = "currency";
  private static final String ORDER_ID = "orderId";
  private static final String ITEMS = "items";
  private static final String TOTAL = "total";
  private static final String AMOUNT = "amount";
  private static final String RESTOCK = "restock";
  private static final String SET = "set";
  private static final String DELTA = "delta";

  private static final int MAX_NAME_CHARS = 128;
  private static final int MAX_QUOTED_CHARS = 64;
  /** Money is bounded so that sums stay cheap: {@code 1E-999999999} is a short token. */
  private static final int MONEY_INTEGER_DIGITS = 15;
  private static final int MONEY_FRACTION_DIGITS = 10;
  private static final long MONEY_LIMIT = 1_000_000_000_000_000L;
  private static final BigDecimal MONEY_LIMIT_DECIMAL = BigDecimal.valueOf(MONEY_LIMIT);

  private static final String NOT_A_STRING = "must be a string";
  private static final String NAME_LENGTH = "must be 1 to " + MAX_NAME_CHARS + " characters";
  private static final String NOT_MONEY = "must be a decimal >= 0, as a number or a string like \"19.99\"";
  private static final String MONEY_DIGITS = "must have at most " + MONEY_INTEGER_DIGITS
      + " digits before the decimal point and " + MONEY_FRACTION_DIGITS + " after it";
  private static final String NOT_A_CURRENCY = "must be an ISO 4217 code of three capital letters, like \"EUR\"";
  private static final String TIME_FORMAT = "\"time\" must be an RFC 3339 date-time with an offset,"
      + " like \"2026-11-21T10:00:00.123Z\" or \"2026-11-21T11:00:00+01:00\"";
  private static final String TYPE_NAMES = Arrays.stream(EventType.values())
      .map(EventType::wireName)
      .collect(Collectors.joining(", "));

  /** Formats of the catalog fields other than id, type, time, storeId and items. */
  private static final Map<String, Function<JsonNode, String>> FORMATS = Map.ofEntries(
      Map.entry(VISITOR_ID, EventValidator::name),
      Map.entry("userId", EventValidator::string),
      Map.entry("sessionId", EventValidator::string),
      Map.entry(SKU, EventValidator::name),
      Map.entry(QUANTITY, EventValidator::quantity),
      Map.entry(PRICE, EventValidator::money),
      Map.entry(CURRENCY, EventValidator::currency),
      Map.entry(ORDER_ID, EventValidator::name),
      Map.entry(TOTAL, EventValidator::money),
      Map.entry(AMOUNT, EventValidator::money),
      Map.entry(RESTOCK, EventValidator::bool),
      Map.entry("reason", EventValidator::string),
      Map.entry(SET, EventValidator::stockLevel),
      Map.entry(DELTA, EventValidator::delta),
      Map.entry("properties", EventValidator::object));

  private final IngestLimits limits;
  private final Clock clock;
  private final String tooFarAhead;
  private final String tooOld;

  public EventValidator(IngestLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
    this.tooFarAhead = "\"time\" is more than " + describe(limits.maxFutureSkew()) + " in the future";
    this.tooOld = "\"time\" is more than " + describe(limits.maxEventAge()) + " in the past";
  }

  /** Validates one event for the store that the write key belongs to. */
  public Validation validate(RawEvent raw, String storeId) {
    int index = raw.index();
    if (raw.error() != null) {
      return new Validation.Rejected(index, null, raw.error());
    }
    if (!raw.node().isObject()) {
      return new Validation.Rejected(index, null,
          "an event must be a JSON object, not " + EventJson.kind(raw.node()));
    }
    ObjectNode event = (ObjectNode) raw.node();
    JsonNode idNode = event.get(ID);
    String id = idNode != null && idNode.isTextual() ? idNode.textValue() : null;

    String payload = storedForm(event, storeId);
    int bytes = utf8Length(payload);
    if (bytes > limits.maxEventBytes()) {
      return new Validation.Rejected(index, id, "event is " + bytes
          + " bytes of JSON, more than the limit of " + limits.maxEventBytes());
    }
    if (idNode == null) {
      return new Validation.Rejected(index, null, "\"id\" is required");
    }
    String problem = name(idNode);
    if (problem != null) {
      return new Validation.Rejected(index, id, "\"id\" " + problem);
    }

    JsonNode typeNode = event.get(TYPE);
    EventType type = typeNode != null && typeNode.isTextual()
        ? EventType.fromWireName(typeNode.textValue())
        : null;
    if (type == null) {
      return new Validation.Rejected(index, id, typeProblem(typeNode));
    }

    JsonNode timeNode = event.get(TIME);
    Instant time = timeNode != null && timeNode.isTextual() ? Rfc3339.parse(timeNode.textValue()) : null;
    if (time == null) {
      return new Validation.Rejected(index, id, timeNode == null ? "\"time\" is required" : TIME_FORMAT);
    }

    problem = timeProblem(time);
    if (problem == null) {
      problem = storeProblem(event.get(STORE_ID), storeId);
    }
    if (problem == null) {
      problem = formatProblem(event);
    }
    if (problem == null) {
      problem = requirementProblem(event, type);
    }
    if (problem == null) {
      problem = currencyProblem(event);
    }
    if (problem != null) {
      return new Validation.Rejected(index, id, problem);
    }
    return new Validation.Accepted(index, new LogEvent(storeId, id, type, time, payload));
  }

  /** The event as sent, compact, with the write key's store. */
  private static String storedForm(ObjectNode event, String storeId) {
    ObjectNode stored = event.objectNode();
    stored.setAll(event);
    stored.put(STORE_ID, storeId);
    try {
      return EventJson.MAPPER.writeValueAsString(stored);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("an event read by Jackson could not be written back", e);
    }
  }

  private String timeProblem(Instant time) {
    Instant now = clock.instant();
    if (time.isAfter(now.plus(limits.maxFutureSkew()))) {
      return tooFarAhead;
    }
    if (time.isBefore(now.minus(limits.maxEventAge()))) {
      return tooOld;
    }
    return null;
  }

  private static String typeProblem(JsonNode typeNode) {
    if (typeNode == null) {
      return "\"type\" is required";
    }
    if (typeNode.isTextual()) {
      return "\"type\" " + quote(typeNode.textValue()) + " is not one of: " + TYPE_NAMES;
    }
    return "\"type\" must be a string, one of: " + TYPE_NAMES;
  }

  private static String storeProblem(JsonNode given, String storeId) {
    if (given == null) {
      return null;
    }
    if (!given.isTextual()) {
      return "\"storeId\" " + NOT_A_STRING;
    }
    if (!given.textValue().equals(storeId)) {
      return "\"storeId\" " + quote(given.textValue()) + " does not match the write key's store "
          + quote(storeId);
    }
    return null;
  }

  private static String formatProblem(ObjectNode event) {
    for (Map.Entry<String, JsonNode> field : event.properties()) {
      Function<JsonNode, String> format = FORMATS.get(field.getKey());
      if (format != null) {
        String problem = format.apply(field.getValue());
        if (problem != null) {
          return '"' + field.getKey() + "\" " + problem;
        }
      }
    }
    JsonNode items = event.get(ITEMS);
    return items == null ? null : itemsProblem(items);
  }

  private static String itemsProblem(JsonNode items) {
    if (!items.isArray()) {
      return "\"items\" must be an array, not " + EventJson.kind(items);
    }
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (!item.isObject()) {
        return "\"items[" + i + "]\" must be an object, not " + EventJson.kind(item);
      }
      JsonNode sku = item.get(SKU);
      if (sku == null) {
        return "\"items[" + i + "].sku\" is required";
      }
      String problem = name(sku);
      String field = SKU;
      if (problem == null) {
        field = QUANTITY;
        problem = optional(item.get(QUANTITY), EventValidator::quantity);
      }
      if (problem == null) {
        field = PRICE;
        problem = optional(item.get(PRICE), EventValidator::money);
      }
      if (problem == null) {
        field = RESTOCK;
        problem = optional(item.get(RESTOCK), EventValidator::bool);
      }
      if (problem != null) {
        return "\"items[" + i + "]." + field + "\" " + problem;
      }
    }
    return null;
  }

  private static String optional(JsonNode value, Function<JsonNode, String> format) {
    return value == null ? null : format.apply(value);
  }

  private static String requirementProblem(ObjectNode event, EventType type) {
    return switch (type) {
      case PAGE_VIEWED, CHECKOUT_STARTED -> required(event, type, VISITOR_ID);
      case PRODUCT_VIEWED, PRODUCT_ADDED, PRODUCT_REMOVED -> required(event, type, VISITOR_ID, SKU);
      case ORDER_COMPLETED -> {
        String problem = required(event, type, ORDER_ID, ITEMS);
        yield problem == null && event.get(ITEMS).isEmpty()
            ? "\"items\" must not be empty in an order_completed event"
            : problem;
      }
      case ORDER_CANCELLED, ORDER_REFUNDED -> required(event, type, ORDER_ID);
      case INVENTORY_RESTOCKED -> required(event, type, SKU, QUANTITY);
      case INVENTORY_ADJUSTED -> {
        String problem = required(event, type, SKU);
        if (problem == null && event.has(SET) == event.has(DELTA)) {
          problem = event.has(SET)
              ? "\"set\" and \"delta\" cannot both be given in an inventory_adjusted event"
              : "\"set\" or \"delta\" is required for inventory_adjusted events";
        }
        yield problem;
      }
      case PAYMENT_FAILED, CUSTOM -> null;
    };
  }

  private static String required(ObjectNode event, EventType type, String... fields) {
    for (String field : fields) {
      if (!event.has(field)) {
        return '"' + field + "\" is required for " + type.wireName() + " events";
      }
    }
    return null;
  }

  /** Money means nothing without its currency. */
  private static String currencyProblem(ObjectNode event) {
    if (event.has(CURRENCY)) {
      return null;
    }
    String money = event.has(PRICE) ? PRICE
        : event.has(TOTAL) ? TOTAL
        : event.has(AMOUNT) ? AMOUNT
        : pricedItem(event.get(ITEMS));
    return money == null ? null : "\"currency\" is required when \"" + money + "\" is given";
  }

  private static String pricedItem(JsonNode items) {
    if (items != null) {
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i).has(PRICE)) {
          return "items[" + i + "].price";
        }
      }
    }
    return null;
  }

  private static String name(JsonNode value) {
    if (!value.isTextual()) {
      return NOT_A_STRING;
    }
    String text = value.textValue();
    if (text.isEmpty()
        || text.length() > MAX_NAME_CHARS && text.codePointCount(0, text.length()) > MAX_NAME_CHARS) {
      return NAME_LENGTH;
    }
    return null;
  }

  private static String string(JsonNode value) {
    return value.isTextual() ? null : NOT_A_STRING;
  }

  private static String quantity(JsonNode value) {
    return integer(value, 1);
  }

  private static String stockLevel(JsonNode value) {
    return integer(value, 0);
  }

  /**
   * Integers are integer tokens: {@code 2.0} is refused although JSON Schema counts it as an
   * integer, so that readers of the log can rely on integral nodes.
   */
  private static String integer(JsonNode value, int min) {
    if (value.isIntegralNumber()) {
      if (value.canConvertToInt()) {
        if (value.intValue() >= min) {
          return null;
        }
      } else if (value.bigIntegerValue().signum() > 0) {
        return "must be at most " + Integer.MAX_VALUE;
      }
    }
    return "must be an integer >= " + min;
  }

  private static String delta(JsonNode value) {
    if (value.isIntegralNumber() && value.canConvertToInt() && value.intValue() != 0) {
      return null;
    }
    return "must be a non-zero integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
  }

  private static String money(JsonNode value) {
    if (value.isTextual()) {
      return decimalText(value.textValue());
    }
    if (!value.isNumber()) {
      return NOT_MONEY;
    }
    if (value.isInt() || value.isLong()) {
      long amount = value.longValue();
      return amount < 0 ? NOT_MONEY : amount < MONEY_LIMIT ? null : MONEY_DIGITS;
    }
    BigDecimal amount = value.decimalValue();
    if (amount.signum() < 0) {
      return NOT_MONEY;
    }
    if (amount.scale() > MONEY_FRACTION_DIGITS || amount.compareTo(MONEY_LIMIT_DECIMAL) >= 0) {
      return MONEY_DIGITS;
    }
    return null;
  }

  /** Digits with an optional fraction, the only decimal string form taken: no sign, no exponent. */
  private static String decimalText(String text) {
    int length = text.length();
    int pos = 0;
    while (pos < length && isDigit(text.charAt(pos))) {
      pos++;
    }
    int integerDigits = pos;
    int fractionDigits = 0;
    if (pos < length && text.charAt(pos) == '.') {
      int fractionStart = ++pos;
      while (pos < length && isDigit(text.charAt(pos))) {
        pos++;
      }
      fractionDigits = pos - fractionStart;
      if (fractionDigits == 0) {
        return NOT_MONEY;
      }
    }
    if (integerDigits == 0 || pos != length) {
      return NOT_MONEY;
    }
    if (integerDigits > MONEY_INTEGER_DIGITS || fractionDigits > MONEY_FRACTION_DIGITS) {
      return MONEY_DIGITS;
    }
    return null;
  }

  private static String currency(JsonNode value) {
    if (!value.isTextual() || value.textValue().length() != 3) {
      return NOT_A_CURRENCY;
    }
    String code = value.textValue();
    for (int i = 0; i < 3; i++) {
      char c = code.charAt(i);
      if (c < 'A' || c > 'Z') {
        return NOT_A_CURRENCY;
      }
    }
    return null;
  }

  private static String bool(JsonNode value) {
    return value.isBoolean() ? null : "must be true or false";
  }

  private static String object(JsonNode value) {
    return value.isObject() ? null : "must be an object, not " + EventJson.kind(value);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A client's value in a message, cut short so that a reason stays readable. */
  private static String quote(String value) {
    return '"' + (value.length() > MAX_QUOTED_CHARS ? value.substring(0, MAX_QUOTED_CHARS) + "..." : value) + '"';
  }

  /** Bytes of {@code text} in UTF-8, without encoding it. */
  static int utf8Length(String text) {
    int bytes = text.length();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
      }
    }
    return bytes;
  }

  /** "5 minutes", "7 days": a limit as a reason states it. */
  static String describe(Duration limit) {
    long seconds = limit.getSeconds();
    if (limit.getNano() != 0) {
      return limit.toMillis() + " ms";
    }
    if (seconds == 0) {
      return "0 seconds";
    }
    if (seconds % 86_400 == 0) {
      return count(seconds / 86_400, "day");
    }
    if (seconds % 3600 == 0) {
      return count(seconds / 3600, "hour");
    }
    if (seconds % 60 == 0) {
      return count(seconds / 60, "minute");
    }
    return count(seconds, "second");
  }

  private static String count(long amount, String unit) {
    return amount + " " + unit + (amount == 1 ? "" : "s");
  }
}
