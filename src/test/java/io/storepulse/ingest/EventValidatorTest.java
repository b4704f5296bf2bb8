package io.storepulse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventValidatorTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String STORE = "demo";
  /** A minute before {@link #NOW}: well within the limits. */
  private static final String TIME = "2026-11-21T09:59:00Z";

  private static final String TYPE_NAMES = "page_viewed, product_viewed, product_added, product_removed,"
      + " checkout_started, order_completed, order_cancelled, order_refunded, payment_failed,"
      + " inventory_restocked, inventory_adjusted, custom";
  private static final String NOT_MONEY = "must be a decimal >= 0, as a number or a string like \"19.99\"";
  private static final String MONEY_DIGITS =
      "must have at most 15 digits before the decimal point and 10 after it";
  private static final String NOT_A_CURRENCY =
      "must be an ISO 4217 code of three capital letters, like \"EUR\"";
  private static final String TIME_FORMAT = "\"time\" must be an RFC 3339 date-time with an offset,"
      + " like \"2026-11-21T10:00:00.123Z\" or \"2026-11-21T11:00:00+01:00\"";

  private final EventValidator validator = new EventValidator(IngestLimits.DEFAULTS, CLOCK);

  /** Reads one event written with ' for " and $T for {@link #TIME}, as the parser would. */
  static RawEvent event(String json) {
    byte[] body = json.replace('\'', '"').replace("$T", TIME).getBytes(StandardCharsets.UTF_8);
    return new EventBatchParser(IngestLimits.DEFAULTS).parse(body, BodyFormat.JSON).get(0);
  }

  private LogEvent accepted(String json) {
    Validation validation = validator.validate(event(json), STORE);
    if (validation instanceof Validation.Rejected rejected) {
      throw new AssertionError("rejected: " + rejected.reason());
    }
    return ((Validation.Accepted) validation).event();
  }

  private Validation.Rejected rejected(EventValidator validator, String json) {
    return assertInstanceOf(Validation.Rejected.class, validator.validate(event(json), STORE));
  }

  private Validation.Rejected rejected(String json) {
    return rejected(validator, json);
  }

  static Stream<String> validEvents() {
    return Stream.of(
        "{'id':'e1','type':'page_viewed','time':'$T','visitorId':'v1'}",
        "{'id':'e1','type':'page_viewed','time':'$T','visitorId':'v1','userId':'u1','sessionId':'s1',"
            + "'properties':{'path':'/shoes','referrer':null}}",
        "{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'SHOE-1',"
            + "'price':59.90,'currency':'EUR'}",
        "{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'SHOE-1','quantity':2,"
            + "'price':'59.90','currency':'EUR'}",
        "{'id':'e1','type':'product_removed','time':'$T','visitorId':'v1','sku':'SHOE-1'}",
        "{'id':'e1','type':'checkout_started','time':'$T','visitorId':'v1','total':119.8,'currency':'EUR'}",
        "{'id':'e1','type':'order_completed','time':'$T','visitorId':'v1','orderId':'o1',"
            + "'items':[{'sku':'SHOE-1','quantity':2,'price':59.90},{'sku':'SOCK-3'}],"
            + "'total':119.80,'currency':'EUR'}",
        "{'id':'e1','type':'order_cancelled','time':'$T','orderId':'o1','restock':true}",
        "{'id':'e1','type':'order_refunded','time':'$T','orderId':'o1','amount':'10.00','currency':'USD',"
            + "'restock':false,'items':[{'sku':'SHOE-1','restock':true}]}",
        "{'id':'e1','type':'order_refunded','time':'$T','orderId':'o1','items':[]}",
        "{'id':'e1','type':'payment_failed','time':'$T'}",
        "{'id':'e1','type':'payment_failed','time':'$T','orderId':'o1','reason':'card declined'}",
        "{'id':'e1','type':'inventory_restocked','time':'$T','sku':'SHOE-1','quantity':40}",
        "{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'SHOE-1','set':0}",
        "{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'SHOE-1','delta':-3}",
        "{'id':'e1','type':'custom','time':'$T'}",
        "{'id':'e1','type':'custom','time':'$T','name':'newsletter_signup','flags':[1,2]}",
        "{'id':'e1','type':'custom','time':'$T','storeId':'demo'}",
        "{'id':'" + "x".repeat(128) + "','type':'custom','time':'$T'}",
        "{'id':'" + "😀".repeat(128) + "','type':'custom','time':'$T'}",
        "{'id':'e1','type':'custom','time':'2026-11-21T11:59:00.5+02:00'}",
        "{'id':'e1','type':'custom','time':'$T','price':0,'currency':'JPY'}",
        "{'id':'e1','type':'custom','time':'$T','price':999999999999999.9999999999,'currency':'EUR'}",
        "{'id':'e1','type':'custom','time':'$T','price':'999999999999999.9999999999','currency':'EUR'}",
        "{'id':'e1','type':'custom','time':'$T','price':1E+2,'currency':'EUR'}",
        "{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S','quantity':2147483647}");
  }

  @ParameterizedTest
  @MethodSource("validEvents")
  void validEventIsAccepted(String json) {
    accepted(json);
  }

  static Stream<Arguments> brokenRules() {
    return Stream.of(
        broken("{'type':'custom','time':'$T'}", "\"id\" is required"),
        broken("{'id':7,'type':'custom','time':'$T'}", "\"id\" must be a string"),
        broken("{'id':null,'type':'custom','time':'$T'}", "\"id\" must be a string"),
        broken("{'id':'','type':'custom','time':'$T'}", "\"id\" must be 1 to 128 characters"),
        broken("{'id':'" + "x".repeat(129) + "','type':'custom','time':'$T'}",
            "\"id\" must be 1 to 128 characters"),
        broken("{'id':'e1','time':'$T'}", "\"type\" is required"),
        broken("{'id':'e1','type':'page_view','time':'$T'}",
            "\"type\" \"page_view\" is not one of: " + TYPE_NAMES),
        broken("{'id':'e1','type':3,'time':'$T'}", "\"type\" must be a string, one of: " + TYPE_NAMES),
        broken("{'id':'e1','type':'custom'}", "\"time\" is required"),
        broken("{'id':'e1','type':'custom','time':'2026-11-21T09:59:00'}", TIME_FORMAT),
        broken("{'id':'e1','type':'custom','time':'2026-11-21 09:59:00Z'}", TIME_FORMAT),
        broken("{'id':'e1','type':'custom','time':'2026-11-21T09:59Z'}", TIME_FORMAT),
        broken("{'id':'e1','type':'custom','time':'2026-02-30T09:59:00Z'}", TIME_FORMAT),
        broken("{'id':'e1','type':'custom','time':1795341540000}", TIME_FORMAT),
        broken("{'id':'e1','type':'custom','time':'$T','storeId':5}", "\"storeId\" must be a string"),
        broken("{'id':'e1','type':'custom','time':'$T','storeId':'x'}",
            "\"storeId\" \"x\" does not match the write key's store \"demo\""),
        broken("{'id':'e1','type':'page_viewed','time':'$T'}",
            "\"visitorId\" is required for page_viewed events"),
        broken("{'id':'e1','type':'checkout_started','time':'$T'}",
            "\"visitorId\" is required for checkout_started events"),
        broken("{'id':'e1','type':'product_removed','time':'$T','sku':'S'}",
            "\"visitorId\" is required for product_removed events"),
        broken("{'id':'e1','type':'page_viewed','time':'$T','visitorId':''}",
            "\"visitorId\" must be 1 to 128 characters"),
        broken("{'id':'e1','type':'page_viewed','time':'$T','visitorId':'" + "v".repeat(129) + "'}",
            "\"visitorId\" must be 1 to 128 characters"),
        broken("{'id':'e1','type':'order_cancelled','time':'$T','orderId':'o1','visitorId':42}",
            "\"visitorId\" must be a string"),
        broken("{'id':'e1','type':'page_viewed','time':'$T','visitorId':'v1','userId':5}",
            "\"userId\" must be a string"),
        broken("{'id':'e1','type':'page_viewed','time':'$T','visitorId':'v1','sessionId':true}",
            "\"sessionId\" must be a string"),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1'}",
            "\"sku\" is required for product_viewed events"),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':''}",
            "\"sku\" must be 1 to 128 characters"),
        broken("{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S','quantity':0}",
            "\"quantity\" must be an integer >= 1"),
        broken("{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S','quantity':-2}",
            "\"quantity\" must be an integer >= 1"),
        broken("{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S','quantity':2.0}",
            "\"quantity\" must be an integer >= 1"),
        broken("{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S','quantity':'2'}",
            "\"quantity\" must be an integer >= 1"),
        broken("{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S',"
            + "'quantity':2147483648}", "\"quantity\" must be at most 2147483647"),
        broken("{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S',"
            + "'quantity':-99999999999999999999}", "\"quantity\" must be an integer >= 1"),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':-0.01,"
            + "'currency':'EUR'}", "\"price\" " + NOT_MONEY),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':'19,99',"
            + "'currency':'EUR'}", "\"price\" " + NOT_MONEY),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':'-1.00',"
            + "'currency':'EUR'}", "\"price\" " + NOT_MONEY),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':'1e3',"
            + "'currency':'EUR'}", "\"price\" " + NOT_MONEY),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':'1.',"
            + "'currency':'EUR'}", "\"price\" " + NOT_MONEY),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':'.5',"
            + "'currency':'EUR'}", "\"price\" " + NOT_MONEY),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':true,"
            + "'currency':'EUR'}", "\"price\" " + NOT_MONEY),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S',"
            + "'price':1000000000000000,'currency':'EUR'}", "\"price\" " + MONEY_DIGITS),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S',"
            + "'price':'1000000000000000','currency':'EUR'}", "\"price\" " + MONEY_DIGITS),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S',"
            + "'price':0.12345678901,'currency':'EUR'}", "\"price\" " + MONEY_DIGITS),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S',"
            + "'price':'0.12345678901','currency':'EUR'}", "\"price\" " + MONEY_DIGITS),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S',"
            + "'price':1E-999999999,'currency':'EUR'}", "\"price\" " + MONEY_DIGITS),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S',"
            + "'price':1E+999999999,'currency':'EUR'}", "\"price\" " + MONEY_DIGITS),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':19.99}",
            "\"currency\" is required when \"price\" is given"),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':1,"
            + "'currency':'eur'}", "\"currency\" " + NOT_A_CURRENCY),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':1,"
            + "'currency':'EURO'}", "\"currency\" " + NOT_A_CURRENCY),
        broken("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':1,"
            + "'currency':978}", "\"currency\" " + NOT_A_CURRENCY),
        broken("{'id':'e1','type':'order_completed','time':'$T','items':[{'sku':'S'}]}",
            "\"orderId\" is required for order_completed events"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1'}",
            "\"items\" is required for order_completed events"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','items':[]}",
            "\"items\" must not be empty in an order_completed event"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':7,'items':[{'sku':'S'}]}",
            "\"orderId\" must be a string"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','items':{'sku':'S'}}",
            "\"items\" must be an array, not an object"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','items':[5]}",
            "\"items[0]\" must be an object, not a number"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','items':[{'quantity':1}]}",
            "\"items[0].sku\" is required"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','items':[{'sku':3}]}",
            "\"items[0].sku\" must be a string"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1',"
            + "'items':[{'sku':'A'},{'sku':'B','quantity':0}]}", "\"items[1].quantity\" must be an integer >= 1"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1',"
            + "'items':[{'sku':'A','price':'x'}],'currency':'EUR'}", "\"items[0].price\" " + NOT_MONEY),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1',"
            + "'items':[{'sku':'A','restock':'yes'}]}", "\"items[0].restock\" must be true or false"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1',"
            + "'items':[{'sku':'A'},{'sku':'B','price':5}]}",
            "\"currency\" is required when \"items[1].price\" is given"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','items':[{'sku':'A'}],"
            + "'total':10}", "\"currency\" is required when \"total\" is given"),
        broken("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','items':[{'sku':'A'}],"
            + "'total':'ten','currency':'EUR'}", "\"total\" " + NOT_MONEY),
        broken("{'id':'e1','type':'order_cancelled','time':'$T'}",
            "\"orderId\" is required for order_cancelled events"),
        broken("{'id':'e1','type':'order_cancelled','time':'$T','orderId':'o1','restock':'true'}",
            "\"restock\" must be true or false"),
        broken("{'id':'e1','type':'order_refunded','time':'$T'}",
            "\"orderId\" is required for order_refunded events"),
        broken("{'id':'e1','type':'order_refunded','time':'$T','orderId':'o1','amount':-5,'currency':'EUR'}",
            "\"amount\" " + NOT_MONEY),
        broken("{'id':'e1','type':'order_refunded','time':'$T','orderId':'o1','amount':5}",
            "\"currency\" is required when \"amount\" is given"),
        broken("{'id':'e1','type':'payment_failed','time':'$T','reason':5}", "\"reason\" must be a string"),
        broken("{'id':'e1','type':'payment_failed','time':'$T','orderId':''}",
            "\"orderId\" must be 1 to 128 characters"),
        broken("{'id':'e1','type':'inventory_restocked','time':'$T','quantity':5}",
            "\"sku\" is required for inventory_restocked events"),
        broken("{'id':'e1','type':'inventory_restocked','time':'$T','sku':'S'}",
            "\"quantity\" is required for inventory_restocked events"),
        broken("{'id':'e1','type':'inventory_restocked','time':'$T','sku':'S','quantity':0}",
            "\"quantity\" must be an integer >= 1"),
        broken("{'id':'e1','type':'inventory_adjusted','time':'$T','set':3}",
            "\"sku\" is required for inventory_adjusted events"),
        broken("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S'}",
            "\"set\" or \"delta\" is required for inventory_adjusted events"),
        broken("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S','set':3,'delta':1}",
            "\"set\" and \"delta\" cannot both be given in an inventory_adjusted event"),
        broken("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S','set':-1}",
            "\"set\" must be an integer >= 0"),
        broken("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S','delta':0}",
            "\"delta\" must be a non-zero integer from -2147483648 to 2147483647"),
        broken("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S','delta':1.5}",
            "\"delta\" must be a non-zero integer from -2147483648 to 2147483647"),
        broken("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S','delta':-2147483649}",
            "\"delta\" must be a non-zero integer from -2147483648 to 2147483647"),
        broken("{'id':'e1','type':'custom','time':'$T','properties':[]}",
            "\"properties\" must be an object, not an array"),
        broken("{'id':'e1','type':'custom','time':'$T','properties':'x'}",
            "\"properties\" must be an object, not a string"),
        broken("{'id':'e1','type':'custom','time':'$T','sku':5}", "\"sku\" must be a string"));
  }

  private static Arguments broken(String json, String reason) {
    return Arguments.of(json, reason);
  }

  @ParameterizedTest
  @MethodSource("brokenRules")
  void eventBreakingARuleIsRejectedWithAReasonNamingTheField(String json, String reason) {
    Validation.Rejected rejected = rejected(json);

    assertEquals(reason, rejected.reason());
    JsonNode id = event(json).node().get("id");
    assertEquals(id != null && id.isTextual() ? id.textValue() : null, rejected.eventId());
    assertEquals(0, rejected.index());
  }

  @Test
  void acceptedEventCarriesTheKeysStoreIdTypeAndTime() {
    LogEvent event = accepted("{'id':'e1','type':'product_added','time':'2026-11-21T11:59:00.250+02:00',"
        + "'visitorId':'v1','sku':'S'}");

    assertEquals(STORE, event.storeId());
    assertEquals("e1", event.eventId());
    assertEquals(EventType.PRODUCT_ADDED, event.type());
    assertEquals(Instant.parse("2026-11-21T09:59:00.250Z"), event.eventTime());
  }

  @Test
  void payloadIsTheEventAsSentWithTheKeysStore() {
    String json = "{'id':'e1','type':'order_completed','time':'$T','orderId':'o1',"
        + "'items':[{'sku':'A','quantity':2,'price':19.99},{'sku':'B','price':'0.10','restock':false}],"
        + "'total':40.08,'currency':'EUR','coupon':{'code':'X','rate':0.100},'properties':{'n':[1,null]}}";

    LogEvent event = accepted(json);

    String expected = json.replace('\'', '"').replace("$T", TIME);
    assertEquals(expected.substring(0, expected.length() - 1) + ",\"storeId\":\"demo\"}", event.payload());
  }

  @Test
  void payloadKeepsDecimalsExactlyAsWritten() {
    LogEvent event = accepted("{'id':'e1','type':'custom','time':'$T','price':19.99,'total':0.10,"
        + "'amount':100.00,'currency':'EUR','properties':{'zero':0.00,'tiny':0.0000000001,"
        + "'big':123456789012345678901234567890.123456789}}");

    assertTrue(event.payload().contains("\"price\":19.99,\"total\":0.10,\"amount\":100.00,"), event.payload());
    assertTrue(event.payload().contains(
        "{\"zero\":0.00,\"tiny\":1E-10,\"big\":123456789012345678901234567890.123456789}"), event.payload());
  }

  @Test
  void givenStoreIdThatMatchesIsKeptOnce() {
    LogEvent event = accepted("{'storeId':'demo','id':'e1','type':'custom','time':'$T'}");

    assertEquals("{\"storeId\":\"demo\",\"id\":\"e1\",\"type\":\"custom\",\"time\":\"" + TIME + "\"}",
        event.payload());
  }

  @Test
  void validatingLeavesTheParsedEventAsItWas() {
    RawEvent raw = event("{'id':'e1','type':'custom','time':'$T'}");

    validator.validate(raw, STORE);

    assertFalse(raw.node().has("storeId"));
  }

  @Test
  void storeIdOfAnotherStoreIsRejected() {
    Validation.Rejected rejected = rejected("{'id':'e1','type':'custom','time':'$T','storeId':'shop-b'}");

    assertEquals("\"storeId\" \"shop-b\" does not match the write key's store \"demo\"", rejected.reason());
  }

  @Test
  void longValuesAreCutShortInReasons() {
    String type = "t".repeat(100);

    Validation.Rejected rejected = rejected("{'id':'e1','type':'" + type + "','time':'$T'}");

    assertTrue(rejected.reason().startsWith("\"type\" \"" + "t".repeat(64) + "...\" is not one of:"),
        rejected.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-21T10:05:00Z", "2026-11-21T12:05:00+02:00", "2026-11-14T10:00:00Z"})
  void timeAtTheEdgeOfTheLimitsIsAccepted(String time) {
    accepted("{'id':'e1','type':'custom','time':'" + time + "'}");
  }

  @Test
  void timeMoreThanTheSkewInTheFutureIsRejected() {
    Validation.Rejected rejected = rejected("{'id':'e1','type':'custom','time':'2026-11-21T10:05:00.001Z'}");

    assertEquals("\"time\" is more than 5 minutes in the future", rejected.reason());
    assertEquals("e1", rejected.eventId());
  }

  @Test
  void timeOlderThanTheMaximumAgeIsRejected() {
    Validation.Rejected rejected = rejected("{'id':'e1','type':'custom','time':'2026-11-14T09:59:59.999Z'}");

    assertEquals("\"time\" is more than 7 days in the past", rejected.reason());
  }

  @Test
  void timeLimitsAreStatedInTheirOwnUnits() {
    EventValidator validator = new EventValidator(
        new IngestLimits(32 * 1024, 1 << 20, 1000, Duration.ofHours(1), Duration.ofSeconds(90)), CLOCK);

    assertEquals("\"time\" is more than 90 seconds in the future",
        rejected(validator, "{'id':'e1','type':'custom','time':'2026-11-21T10:01:31Z'}").reason());
    assertEquals("\"time\" is more than 1 hour in the past",
        rejected(validator, "{'id':'e1','type':'custom','time':'2026-11-21T08:59:59Z'}").reason());
  }

  @Test
  void eventLargerThanTheLimitIsRejectedWithItsSize() {
    String json = "{'id':'big','type':'custom','time':'$T','properties':{'blob':'" + "é".repeat(200) + "'}}";
    int size = accepted(json).payload().getBytes(StandardCharsets.UTF_8).length;

    EventValidator atTheLimit = new EventValidator(limitingEventsTo(size), CLOCK);
    assertInstanceOf(Validation.Accepted.class, atTheLimit.validate(event(json), STORE));

    EventValidator belowIt = new EventValidator(limitingEventsTo(size - 1), CLOCK);
    Validation.Rejected rejected = rejected(belowIt, json);
    assertEquals("event is " + size + " bytes of JSON, more than the limit of " + (size - 1), rejected.reason());
    assertEquals("big", rejected.eventId());
  }

  private static IngestLimits limitingEventsTo(int bytes) {
    IngestLimits defaults = IngestLimits.DEFAULTS;
    return new IngestLimits(bytes, defaults.maxRequestBytes(), defaults.maxEventsPerRequest(),
        defaults.maxEventAge(), defaults.maxFutureSkew());
  }

  @Test
  void sizeIsCountedInUtf8Bytes() {
    for (String text : new String[] {"", "plain", "é", "€uro", "😀 grin", "mixed é€😀"}) {
      assertEquals(text.getBytes(StandardCharsets.UTF_8).length, EventValidator.utf8Length(text), text);
    }
  }

  @Test
  void elementThatCouldNotBeReadIsRejectedWithItsError() {
    Validation.Rejected rejected = assertInstanceOf(Validation.Rejected.class,
        validator.validate(new RawEvent(4, null, "line 5 is not valid JSON: oops"), STORE));

    assertEquals(4, rejected.index());
    assertNull(rejected.eventId());
    assertEquals("line 5 is not valid JSON: oops", rejected.reason());
  }

  @Test
  void elementThatIsNotAnObjectIsRejected() {
    Validation.Rejected rejected = rejected("[['e1']]");

    assertEquals("an event must be a JSON object, not an array", rejected.reason());
    assertNull(rejected.eventId());
  }
}
