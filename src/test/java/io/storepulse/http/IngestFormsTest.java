package io.storepulse.http;

import io.storepulse.testing.Events;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoField;
import java.util.List;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every body form and every credential form of {@code POST /v1/events} gets events stored. */
class IngestFormsTest {

  private static final String STORE = "forms";

  static TestServer server;
  static String writeKey;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    writeKey = server.writeKeyOfNewStore(STORE);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void singleEventObjectIsStored() {
    JsonObject event = Events.pageView("single-1");
    HttpResponse<Buffer> response = send("application/json", null, event.encode());
    assertAllAccepted(response, List.of("single-1"));
  }

  @Test
  void eventsEnvelopeIsStored() {
    JsonArray events = Events.pageViews("envelope", 3);
    HttpResponse<Buffer> response = send("application/json", null, new JsonObject().put("events", events).encode());
    assertAllAccepted(response, Events.ids(events));
  }

  @Test
  void jsonArrayIsStored() {
    JsonArray events = Events.pageViews("array", 3);
    HttpResponse<Buffer> response = send("application/json", null, events.encode());
    assertAllAccepted(response, Events.ids(events));
  }

  @Test
  void ndjsonLinesAreStoredAndBlankLinesDoNotCount() {
    JsonArray events = Events.pageViews("ndjson", 3);
    String body = events.getJsonObject(0).encode() + "\n\n"
        + events.getJsonObject(1).encode() + "\r\n  \n"
        + events.getJsonObject(2).encode();
    HttpResponse<Buffer> response = send("application/x-ndjson", null, body);
    assertAllAccepted(response, Events.ids(events));
  }

  @Test
  void gzippedJsonIsStored() {
    JsonArray events = Events.pageViews("gzip-json", 3);
    HttpResponse<Buffer> response = send("application/json", "gzip", Events.gzip(events.encode()));
    assertAllAccepted(response, Events.ids(events));
  }

  @Test
  void gzippedNdjsonIsStored() {
    JsonArray events = Events.pageViews("gzip-ndjson", 3);
    HttpResponse<Buffer> response = send("application/x-ndjson", "gzip", Events.gzip(Events.ndjson(events)));
    assertAllAccepted(response, Events.ids(events));
  }

  @Test
  void textPlainAsSendBeaconPostsItIsStored() {
    JsonArray events = Events.pageViews("beacon", 2);
    HttpResponse<Buffer> response = send("text/plain;charset=UTF-8", null, events.encode());
    assertAllAccepted(response, Events.ids(events));
  }

  @Test
  void writeKeyAsBearerTokenIsAccepted() {
    HttpResponse<Buffer> response = server.client().post("/v1/events")
        .putHeader("Authorization", "Bearer " + writeKey)
        .sendJsonObject(Events.pageView("bearer-1")).await();
    assertAllAccepted(response, List.of("bearer-1"));
  }

  @Test
  void writeKeyAsBasicUserNameWithEmptyPasswordIsAccepted() {
    HttpResponse<Buffer> response = server.client().post("/v1/events")
        .basicAuthentication(writeKey, "")
        .sendJsonObject(Events.pageView("basic-1")).await();
    assertAllAccepted(response, List.of("basic-1"));
  }

  @Test
  void writeKeyInXWriteKeyHeaderIsAccepted() {
    HttpResponse<Buffer> response = server.client().post("/v1/events")
        .putHeader("X-Write-Key", writeKey)
        .sendJsonObject(Events.pageView("header-1")).await();
    assertAllAccepted(response, List.of("header-1"));
  }

  @Test
  void storedEventBelongsToTheKeysStoreAndKeepsDecimalsExact() {
    // written by hand: a JsonObject would read 0.10 as a double and send 0.1
    String body = """
        [{"id":"money-1","type":"product_added","time":"%1$s","visitorId":"v1","sku":"SKU-1","quantity":2,
          "price":"19.99","currency":"EUR"},
         {"id":"money-2","type":"product_viewed","time":"%1$s","visitorId":"v1","sku":"SKU-2","price":0.10,
          "currency":"EUR","storeId":"forms","properties":{"discount":0.10,"tags":["a","b"]}}]
        """.formatted(Instant.now());
    HttpResponse<Buffer> response = send("application/json", null, body);
    assertAllAccepted(response, List.of("money-1", "money-2"));

    assertEquals(STORE, payloadText("money-1", "store_id"));
    assertEquals(STORE, payloadText("money-1", "payload->>'storeId'"));
    assertEquals("19.99", payloadText("money-1", "payload->>'price'"));
    assertEquals("product_added", payloadText("money-1", "type"));
    assertEquals("2", payloadText("money-1", "payload->>'quantity'"));
    assertEquals(STORE, payloadText("money-2", "payload->>'storeId'"));
    assertEquals("0.10", payloadText("money-2", "payload->>'price'"));
    assertEquals("0.10", payloadText("money-2", "payload->'properties'->>'discount'"));
    assertEquals("[\"a\",\"b\"]", payloadText("money-2", "payload->'properties'->>'tags'"));
  }

  @Test
  void eventTimeIsStoredAsTheInstantItNames() {
    Instant time = Instant.now().minusSeconds(90).with(ChronoField.NANO_OF_SECOND, 250_000_000);
    // the same instant written with a +02:00 offset
    String local = time.atOffset(ZoneOffset.ofHours(2)).toString();
    JsonObject event = Events.pageView("time-1").put("time", local);
    assertAllAccepted(send("application/json", null, event.encode()), List.of("time-1"));
    assertEquals(time.toEpochMilli(), server.queryValue(Long.class,
        "SELECT (extract(epoch FROM event_time) * 1000)::bigint FROM events WHERE store_id = ? AND event_id = ?",
        STORE, "time-1"));
  }

  private static HttpResponse<Buffer> send(String contentType, String contentEncoding, String body) {
    return send(contentType, contentEncoding, body.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<Buffer> send(String contentType, String contentEncoding, byte[] body) {
    HttpRequest<Buffer> request = server.client().post("/v1/events")
        .bearerTokenAuthentication(writeKey)
        .putHeader("Content-Type", contentType);
    if (contentEncoding != null) {
      request.putHeader("Content-Encoding", contentEncoding);
    }
    return request.sendBuffer(Buffer.buffer(body)).await();
  }

  /** The answer lists every id as accepted, in order, and each is one row of the key's store. */
  private static void assertAllAccepted(HttpResponse<Buffer> response, List<String> ids) {
    JsonObject answer = assertIngestAnswer(response, ids.size());
    JsonArray results = new JsonArray();
    for (int i = 0; i < ids.size(); i++) {
      results.add(new JsonObject().put("index", i).put("id", ids.get(i)).put("status", "accepted"));
    }
    JsonObject expected = new JsonObject()
        .put("accepted", ids.size()).put("duplicates", 0).put("rejected", 0).put("results", results);
    assertEquals(expected, answer);
    for (String id : ids) {
      assertEquals(1, server.eventRows("store_id = '" + STORE + "' AND event_id = '" + id + "'"), id);
    }
  }

  private static String payloadText(String eventId, String expression) {
    return server.queryValue(String.class,
        "SELECT (" + expression + ")::text FROM events WHERE store_id = ? AND event_id = ?", STORE, eventId);
  }
}
