package io.storepulse.http;

import io.storepulse.testing.Events;
import io.storepulse.testing.RawHttp;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way {@code POST /v1/events} refuses a request or an event, and what it stores meanwhile. */
class IngestRejectionsTest {

  private static final String STORE = "rejections";
  private static final int MAX_REQUEST_BYTES = 8192;
  private static final int MAX_EVENT_BYTES = 1024;
  private static final int MAX_EVENTS = 10;

  static TestServer server;
  static JsonObject created;
  static String writeKey;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(
        "ingest.maxRequestBytes", Integer.toString(MAX_REQUEST_BYTES),
        "ingest.maxEventBytes", Integer.toString(MAX_EVENT_BYTES),
        "ingest.maxEventsPerRequest", Integer.toString(MAX_EVENTS)));
    created = server.createStore(STORE);
    writeKey = created.getJsonObject("writeKey").getString("key");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void requestWithoutKeyIs401() {
    HttpResponse<Buffer> response = server.client().post("/v1/events")
        .sendJsonObject(Events.pageView("no-key-1")).await();
    assertProblem(response, 401);
    assertNotStored("no-key-1");
  }

  @Test
  void unknownKeyIs401() {
    HttpResponse<Buffer> response = server.ingest("spw_not-a-key-anyone-was-given", Events.pageView("unknown-key-1"));
    assertProblem(response, 401);
    assertNotStored("unknown-key-1");
  }

  @Test
  void revokedKeyIs401() {
    JsonObject issued = server.client().post("/v1/admin/stores/" + STORE + "/keys")
        .bearerTokenAuthentication(TestServer.ADMIN_TOKEN).sendJsonObject(new JsonObject()).await().bodyAsJsonObject();
    String key = issued.getString("key");
    assertIngestAnswer(server.ingest(key, Events.pageView("before-revoke-1")), 1);

    int revoked = server.client().delete("/v1/admin/keys/" + issued.getString("id"))
        .bearerTokenAuthentication(TestServer.ADMIN_TOKEN).send().await().statusCode();
    assertEquals(204, revoked);

    assertProblem(server.ingest(key, Events.pageView("after-revoke-1")), 401);
    assertNotStored("after-revoke-1");
  }

  @Test
  void readTokenCannotWriteEvents403() {
    String readToken = created.getJsonObject("readToken").getString("key");
    assertProblem(server.ingest(readToken, Events.pageView("read-token-1")), 403);
    assertNotStored("read-token-1");
  }

  @Test
  void unsupportedContentTypeIs415() {
    assertProblem(send("application/xml", null, Events.pageView("xml-1").encode()), 415);
    assertProblem(send(null, null, Events.pageView("no-type-1").encode()), 415);
    assertNotStored("xml-1");
    assertNotStored("no-type-1");
  }

  @Test
  void unsupportedContentEncodingIs415() {
    // the bytes are not brotli at all; the encoding alone must be refused
    HttpResponse<Buffer> response = send("application/json", "br", Events.pageView("br-1").encode());
    JsonObject problem = assertProblem(response, 415);
    assertTrue(problem.getString("detail").contains("br"), problem.encode());
    assertNotStored("br-1");
  }

  @Test
  void deflateIsNotReadEvenThoughTheHttpStackCouldInflateIt() {
    HttpResponse<Buffer> response = send("application/json", "deflate", Events.pageView("deflate-1").encode());
    JsonObject problem = assertProblem(response, 415);
    assertTrue(problem.getString("detail").contains("deflate"), problem.encode());
    assertNotStored("deflate-1");
  }

  @Test
  void corruptGzipBodyIs400WithAReason() {
    byte[] compressed = Events.gzip(Events.pageView("corrupt-1").encode());
    compressed[compressed.length / 2] ^= 0x5A;
    HttpResponse<Buffer> response = server.client().post("/v1/events")
        .bearerTokenAuthentication(writeKey)
        .putHeader("Content-Type", "application/json")
        .putHeader("Content-Encoding", "gzip")
        .sendBuffer(Buffer.buffer(compressed)).await();
    JsonObject problem = assertProblem(response, 400);
    assertTrue(problem.getString("detail").contains("gzip"), problem.encode());
    assertNotStored("corrupt-1");
  }

  @Test
  void bodyOverTheRequestLimitIs413() {
    JsonArray events = Events.pageViews("big-body", 2);
    String body = events.encode() + " ".repeat(MAX_REQUEST_BYTES);
    assertProblem(send("application/json", null, body), 413);
    assertNotStored("big-body-0");
  }

  @Test
  void gzipBodyThatInflatesPastTheLimitIs413AndTheConnectionIsClosed() {
    String inflated = "[" + Events.pageView("bomb-1").encode() + " ".repeat(4 * 1024 * 1024) + "]";
    byte[] compressed = Events.gzip(inflated);
    assertTrue(compressed.length < MAX_REQUEST_BYTES, "only the inflated body is over the limit");

    // a plain socket: an HTTP client library would close on "Connection: close" by itself
    RawHttp.Answer answer = RawHttp.exchangeUntilClosed(server.port(), "POST", "/v1/events", Map.of(
            "Authorization", "Bearer " + writeKey,
            "Content-Type", "application/json",
            "Content-Encoding", "gzip"),
        compressed, Duration.ofSeconds(5));
    assertProblem(413, answer.status(), answer.headers().get("content-type"), answer.body());
    assertEquals("close", answer.headers().get("connection"));
    assertNotStored("bomb-1");
  }

  @Test
  void moreEventsThanTheLimitIs413InEveryForm() {
    JsonArray events = Events.pageViews("too-many", MAX_EVENTS + 1);
    assertProblem(send("application/json", null, events.encode()), 413);
    assertProblem(send("application/json", null, new JsonObject().put("events", events).encode()), 413);
    assertProblem(send("application/x-ndjson", null, Events.ndjson(events)), 413);
    assertEquals(0, server.eventRows("store_id = '" + STORE + "' AND event_id LIKE 'too-many-%'"));

    JsonArray atTheLimit = Events.pageViews("at-limit", MAX_EVENTS);
    assertEquals(MAX_EVENTS, assertIngestAnswer(server.ingest(writeKey, atTheLimit), MAX_EVENTS).getInteger("accepted"));
  }

  @Test
  void malformedJsonIs400() {
    JsonObject problem = assertProblem(send("application/json", null, "[{\"id\":\"broken-1\",\"type\":"), 400);
    assertTrue(problem.getString("detail").contains("JSON"), problem.encode());
    assertNotStored("broken-1");
  }

  @Test
  void requestWithNoValidEventIs400WithAReasonPerEvent() {
    JsonObject withoutVisitor = Events.pageView("none-valid-2");
    withoutVisitor.remove("visitorId");
    JsonArray events = new JsonArray()
        .add(Events.pageView("none-valid-0").put("type", "page_teleported"))
        .add(Events.pageView("none-valid-1").put("time", "yesterday"))
        .add(withoutVisitor);
    JsonObject problem = assertProblem(server.ingest(writeKey, events), 400);

    JsonArray results = problem.getJsonArray("results");
    assertEquals(3, results.size(), problem.encode());
    String[] namedField = {"type", "time", "visitorId"};
    for (int i = 0; i < 3; i++) {
      JsonObject result = results.getJsonObject(i);
      assertEquals(i, result.getInteger("index"));
      assertEquals("none-valid-" + i, result.getString("id"));
      assertEquals("rejected", result.getString("status"));
      assertTrue(result.getString("error").contains(namedField[i]), result.encode());
    }
    assertEquals(0, server.eventRows("store_id = '" + STORE + "' AND event_id LIKE 'none-valid-%'"));
  }

  @Test
  void mixedBatchStoresOnlyTheValidEventsAndSaysWhyTheOthersFailed() {
    JsonArray events = new JsonArray()
        .add(Events.pageView("mixed-0"))
        .add(new JsonObject().put("type", "page_viewed").put("time", Instant.now().toString()).put("visitorId", "v"))
        .add(Events.pageView("mixed-2"))
        .add("not an object")
        .add(Events.pageView("mixed-4").put("type", "product_viewed"));
    JsonObject answer = assertIngestAnswer(server.ingest(writeKey, events), 5);
    assertEquals(2, answer.getInteger("accepted"));
    assertEquals(3, answer.getInteger("rejected"));

    JsonArray results = answer.getJsonArray("results");
    assertEquals("accepted", results.getJsonObject(0).getString("status"));
    assertRejected(results.getJsonObject(1), null, "id");
    assertEquals("accepted", results.getJsonObject(2).getString("status"));
    assertRejected(results.getJsonObject(3), null, "object");
    assertRejected(results.getJsonObject(4), "mixed-4", "sku");

    assertEquals(1, server.eventRows("store_id = '" + STORE + "' AND event_id = 'mixed-0'"));
    assertEquals(1, server.eventRows("store_id = '" + STORE + "' AND event_id = 'mixed-2'"));
    assertNotStored("mixed-4");
  }

  @Test
  void eventForAnotherStoreThanTheKeysIsRejected() {
    JsonArray events = new JsonArray()
        .add(Events.pageView("own-store-1").put("storeId", STORE))
        .add(Events.pageView("other-store-1").put("storeId", "someone-else"));
    JsonArray results = assertIngestAnswer(server.ingest(writeKey, events), 2).getJsonArray("results");
    assertEquals("accepted", results.getJsonObject(0).getString("status"));
    assertRejected(results.getJsonObject(1), "other-store-1", "storeId");
    assertNotStored("other-store-1");
    assertEquals(0, server.eventRows("event_id = 'other-store-1'"));
  }

  @Test
  void eventMoreThanFiveMinutesInTheFutureIsRejected() {
    Instant now = Instant.now();
    JsonArray events = new JsonArray()
        .add(Events.pageView("soon-1").put("time", now.plusSeconds(4 * 60).toString()))
        .add(Events.pageView("too-soon-1").put("time", now.plusSeconds(10 * 60).toString()));
    JsonArray results = assertIngestAnswer(server.ingest(writeKey, events), 2).getJsonArray("results");
    assertEquals("accepted", results.getJsonObject(0).getString("status"));
    assertRejected(results.getJsonObject(1), "too-soon-1", "future");
    assertNotStored("too-soon-1");
  }

  @Test
  void oversizedEventIsRejectedByItsIndexWhileTheOthersAreStored() {
    JsonObject oversized = Events.pageView("oversized-1")
        .put("properties", new JsonObject().put("note", "x".repeat(MAX_EVENT_BYTES)));
    JsonArray events = new JsonArray()
        .add(Events.pageView("beside-oversized-0"))
        .add(oversized)
        .add(Events.pageView("beside-oversized-2"));
    JsonObject answer = assertIngestAnswer(server.ingest(writeKey, events), 3);
    assertEquals(2, answer.getInteger("accepted"));
    JsonObject result = answer.getJsonArray("results").getJsonObject(1);
    assertEquals(1, result.getInteger("index"));
    assertRejected(result, "oversized-1", Integer.toString(MAX_EVENT_BYTES));
    assertNotStored("oversized-1");
    assertEquals(2, server.eventRows("store_id = '" + STORE + "' AND event_id LIKE 'beside-oversized-%'"));
  }

  private static HttpResponse<Buffer> send(String contentType, String contentEncoding, String body) {
    HttpRequest<Buffer> request = server.client().post("/v1/events").bearerTokenAuthentication(writeKey);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    if (contentEncoding != null) {
      request.putHeader("Content-Encoding", contentEncoding);
    }
    return request.sendBuffer(Buffer.buffer(body)).await();
  }

  private static void assertRejected(JsonObject result, String id, String reasonMentions) {
    assertEquals("rejected", result.getString("status"), result.encode());
    if (id == null) {
      assertNull(result.getValue("id"), result.encode());
    } else {
      assertEquals(id, result.getString("id"), result.encode());
    }
    String error = result.getString("error", "");
    assertFalse(error.isBlank(), result.encode());
    assertTrue(error.contains(reasonMentions), "the reason mentions " + reasonMentions + ": " + result.encode());
  }

  private static void assertNotStored(String eventId) {
    assertEquals(0, server.eventRows("event_id = '" + eventId + "'"), eventId + " must not be stored");
  }
}
