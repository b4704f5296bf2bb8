package io.storepulse.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The published event schema says what {@link EventValidator} does, wherever a schema can. */
class EventSchemaAgreementTest {

  private static final String SHIPPED = "/schema/event.schema.json";
  private static final Path PUBLISHED = Path.of("docs", "schema", "event.schema.json");
  private static final Path RESPONSE = Path.of("docs", "schema", "ingest-response.schema.json");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
  private static final String TIME = "2026-11-21T09:59:00Z";

  private static JsonObject eventSchemaJson;
  private static Validator eventSchema;

  private final EventValidator validator = new EventValidator(IngestLimits.DEFAULTS, CLOCK);

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream in = EventSchemaAgreementTest.class.getResourceAsStream(SHIPPED)) {
      eventSchemaJson = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    eventSchema = schemaValidator(eventSchemaJson);
  }

  private static Validator schemaValidator(JsonObject schema) {
    return Validator.create(JsonSchema.of(schema),
        new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://storepulse.io/"));
  }

  /** An event written with ' for " and $T for a time within the limits. */
  private static String json(String event) {
    return event.replace('\'', '"').replace("$T", TIME);
  }

  private static boolean schemaAccepts(String event) {
    return eventSchema.validate(Json.decodeValue(json(event))).getValid();
  }

  private boolean validatorAccepts(String event) throws JsonProcessingException {
    RawEvent raw = new RawEvent(0, EventJson.MAPPER.readTree(json(event)), null);
    return validator.validate(raw, "demo") instanceof Validation.Accepted;
  }

  static Stream<Arguments> corpus() {
    return Stream.of(
        valid("{'id':'e1','type':'page_viewed','time':'$T','visitorId':'v1'}"),
        valid("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':59.9,"
            + "'currency':'EUR'}"),
        valid("{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','userId':'u1','sessionId':'s1',"
            + "'sku':'S','quantity':2,'price':'59.90','currency':'EUR','properties':{'color':'red'}}"),
        valid("{'id':'e1','type':'product_removed','time':'$T','visitorId':'v1','sku':'S'}"),
        valid("{'id':'e1','type':'checkout_started','time':'$T','visitorId':'v1','total':119.8,'currency':'EUR'}"),
        valid("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','currency':'EUR','total':'119.80',"
            + "'items':[{'sku':'S','quantity':2,'price':59.9},{'sku':'T','gift':true}]}"),
        valid("{'id':'e1','type':'order_cancelled','time':'$T','orderId':'o1','restock':true}"),
        valid("{'id':'e1','type':'order_refunded','time':'$T','orderId':'o1','amount':'10.00','currency':'USD',"
            + "'items':[{'sku':'S','restock':false}]}"),
        valid("{'id':'e1','type':'payment_failed','time':'$T','reason':'card declined'}"),
        valid("{'id':'e1','type':'inventory_restocked','time':'$T','sku':'S','quantity':40}"),
        valid("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S','set':0}"),
        valid("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S','delta':-3}"),
        valid("{'id':'e1','type':'custom','time':'$T','name':'signup','storeId':'demo','price':1E+2,"
            + "'currency':'JPY'}"),
        valid("{'id':'e1','type':'custom','time':'2026-11-21t11:59:00.123456+02:00'}"),
        valid("{'id':'" + "😀".repeat(128) + "','type':'custom','time':'$T'}"),
        invalid("{'type':'custom','time':'$T'}"),
        invalid("{'id':'','type':'custom','time':'$T'}"),
        invalid("{'id':'" + "x".repeat(129) + "','type':'custom','time':'$T'}"),
        invalid("{'id':'e1','type':'page_view','time':'$T'}"),
        invalid("{'id':'e1','type':'custom','time':'2026-11-21T09:59:00'}"),
        invalid("{'id':'e1','type':'custom','time':'2026-11-21 09:59:00Z'}"),
        invalid("{'id':'e1','type':'custom','time':'2026-11-21T09:59:00+0200'}"),
        invalid("{'id':'e1','type':'custom','time':'2026-11-21T23:59:60Z'}"),
        invalid("{'id':'e1','type':'custom','time':'2026-02-30T09:59:00Z'}"),
        invalid("{'id':'e1','type':'custom','time':1795341540000}"),
        invalid("{'id':'e1','type':'custom','time':'$T','storeId':5}"),
        invalid("{'id':'e1','type':'page_viewed','time':'$T'}"),
        invalid("{'id':'e1','type':'page_viewed','time':'$T','visitorId':'v1','userId':5}"),
        invalid("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1'}"),
        invalid("{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S','quantity':0}"),
        invalid("{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S','quantity':'2'}"),
        invalid("{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S','quantity':2147483648}"),
        invalid("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':-1,"
            + "'currency':'EUR'}"),
        invalid("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':'19,99',"
            + "'currency':'EUR'}"),
        invalid("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':'1e3',"
            + "'currency':'EUR'}"),
        invalid("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S',"
            + "'price':1000000000000000,'currency':'EUR'}"),
        invalid("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S',"
            + "'price':'0.12345678901','currency':'EUR'}"),
        invalid("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':19.99}"),
        invalid("{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':1,"
            + "'currency':'eur'}"),
        invalid("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1'}"),
        invalid("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','items':[]}"),
        invalid("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','items':[{'quantity':1}]}"),
        invalid("{'id':'e1','type':'order_completed','time':'$T','orderId':'o1','items':[{'sku':'S','price':5}]}"),
        invalid("{'id':'e1','type':'order_completed','time':'$T','items':[{'sku':'S'}]}"),
        invalid("{'id':'e1','type':'order_cancelled','time':'$T'}"),
        invalid("{'id':'e1','type':'order_cancelled','time':'$T','orderId':'o1','restock':'yes'}"),
        invalid("{'id':'e1','type':'order_refunded','time':'$T','orderId':'o1','total':5}"),
        invalid("{'id':'e1','type':'inventory_restocked','time':'$T','sku':'S'}"),
        invalid("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S'}"),
        invalid("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S','set':3,'delta':1}"),
        invalid("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S','set':-1}"),
        invalid("{'id':'e1','type':'inventory_adjusted','time':'$T','sku':'S','delta':0}"),
        invalid("{'id':'e1','type':'custom','time':'$T','properties':['x']}"),
        invalid("['e1']"),
        invalid("'e1'"));
  }

  private static Arguments valid(String event) {
    return Arguments.of(true, event);
  }

  private static Arguments invalid(String event) {
    return Arguments.of(false, event);
  }

  @ParameterizedTest(name = "valid={0}: {1}")
  @MethodSource("corpus")
  void schemaAndValidatorAgree(boolean valid, String event) throws JsonProcessingException {
    assertEquals(valid, schemaAccepts(event), "schema");
    assertEquals(valid, validatorAccepts(event), "validator");
  }

  /** Each of these breaks a rule that the schema's description names as one only the server applies. */
  @ParameterizedTest
  @ValueSource(strings = {
      "{'id':'e1','type':'product_added','time':'$T','visitorId':'v1','sku':'S','quantity':2.0}",
      "{'id':'e1','type':'product_viewed','time':'$T','visitorId':'v1','sku':'S','price':0.12345678901,"
          + "'currency':'EUR'}",
      "{'id':'e1','type':'custom','time':'2026-11-21T10:06:00Z'}",
      "{'id':'e1','type':'custom','time':'$T','storeId':'another-store'}"
  })
  void schemaIsLooserOnlyWhereItsDescriptionSaysSo(String event) throws JsonProcessingException {
    assertTrue(schemaAccepts(event), "schema");
    assertFalse(validatorAccepts(event), "validator");
  }

  @Test
  void schemaListsEveryEventType() {
    JsonArray names = eventSchemaJson.getJsonObject("properties").getJsonObject("type").getJsonArray("enum");

    assertEquals(Arrays.stream(EventType.values()).map(EventType::wireName).toList(), names.getList());
  }

  @Test
  void publishedSchemaIsTheOneInTheJar() throws IOException {
    try (InputStream in = getClass().getResourceAsStream(SHIPPED)) {
      assertArrayEquals(in.readAllBytes(), Files.readAllBytes(PUBLISHED));
    }
  }

  @Test
  void ingestResponseSchemaDescribesTheAnswer() throws IOException {
    Validator response = schemaValidator(new JsonObject(Files.readString(RESPONSE)));
    String results = "{'index':0,'id':'e1','status':'accepted'},{'index':1,'id':'e2','status':'duplicate'},"
        + "{'index':2,'id':null,'status':'rejected','error':'\\'id\\' is required'}";

    assertTrue(response.validate(answer(1, 1, 1, results)).getValid());
    assertTrue(response.validate(answer(0, 0, 0, "")).getValid());
    assertFalse(response.validate(answer(0, 0, 1, "{'index':0,'id':'e1','status':'rejected'}")).getValid());
    assertFalse(response.validate(
        answer(1, 0, 0, "{'index':0,'id':'e1','status':'accepted','error':'no'}")).getValid());
    assertFalse(response.validate(answer(1, 0, 0, "{'index':0,'id':'e1','status':'ok'}")).getValid());
    assertFalse(response.validate(answer(1, 0, 0, "{'index':-1,'id':'e1','status':'accepted'}")).getValid());
    assertFalse(response.validate(new JsonObject(json("{'accepted':0,'rejected':0,'results':[]}"))).getValid());
  }

  private static JsonObject answer(int accepted, int duplicates, int rejected, String results) {
    return new JsonObject(json("{'accepted':" + accepted + ",'duplicates':" + duplicates + ",'rejected':"
        + rejected + ",'results':[" + results + "]}"));
  }
}
