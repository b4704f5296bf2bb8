package io.storepulse.http;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.Events;
import io.storepulse.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * With a writer queue that holds one request, concurrent requests overflow it: those refused get
 * 503 with Retry-After and nothing of them is acknowledged; those accepted are all stored.
 */
class OverloadTest {

  private static final String STORE = "overload";
  private static final int EVENTS_PER_REQUEST = 100;
  private static final int REQUESTS_PER_WAVE = 60;
  private static final int MAX_WAVES = 10;

  static TestServer server;
  static String writeKey;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(
        "writer.queueCapacity", "100",
        "ingest.maxEventsPerRequest", Integer.toString(EVENTS_PER_REQUEST),
        "writer.connections", "1"));
    writeKey = server.writeKeyOfNewStore(STORE);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Sent(JsonArray events, HttpResponse<Buffer> response) {
  }

  @Test
  void overflowIsRefusedWith503AndEveryAcknowledgedEventIsStored() {
    List<Sent> sent = new ArrayList<>();
    List<Sent> refused = new ArrayList<>();
    for (int wave = 0; wave < MAX_WAVES && refused.isEmpty(); wave++) {
      for (Sent answered : sendWave(wave)) {
        sent.add(answered);
        if (answered.response().statusCode() == 503) {
          refused.add(answered);
        }
      }
    }
    assertFalse(refused.isEmpty(), "no request of " + sent.size() + " was refused; the writer queue never filled");

    for (Sent answered : sent) {
      HttpResponse<Buffer> response = answered.response();
      if (response.statusCode() == 503) {
        JsonObject problem = assertProblem(response, 503);
        assertTrue(problem.getString("type").endsWith("/overloaded"), problem.encode());
        String retryAfter = response.getHeader("Retry-After");
        assertNotNull(retryAfter, "503 without Retry-After");
        assertTrue(Integer.parseInt(retryAfter) >= 1, "Retry-After " + retryAfter);
      } else {
        JsonObject answer = assertIngestAnswer(response, EVENTS_PER_REQUEST);
        assertEquals(EVENTS_PER_REQUEST, answer.getInteger("accepted"), answer.encode());
        assertEquals(EVENTS_PER_REQUEST, storedOf(answered.events()), "every acknowledged event is stored");
      }
    }

    // nothing refused was half acknowledged: sent again, every event is accepted or a duplicate
    for (Sent answered : refused) {
      JsonObject answer = assertIngestAnswer(server.ingest(writeKey, answered.events()), EVENTS_PER_REQUEST);
      assertEquals(0, answer.getInteger("rejected"), answer.encode());
      assertEquals(EVENTS_PER_REQUEST, answer.getInteger("accepted") + answer.getInteger("duplicates"));
      assertEquals(EVENTS_PER_REQUEST, storedOf(answered.events()));
    }
    assertEquals((long) sent.size() * EVENTS_PER_REQUEST, server.eventRows("store_id = '" + STORE + "'"),
        "one row per distinct id sent");

    long refusedCount = refused.size();
    Deadline.await(Duration.ofSeconds(5), "/health to count the refused requests",
        () -> overloadedInHealth() >= refusedCount);
    assertEquals(refusedCount, overloadedInHealth());
  }

  private static List<Sent> sendWave(int wave) {
    List<JsonArray> bodies = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (int r = 0; r < REQUESTS_PER_WAVE; r++) {
      JsonArray events = Events.pageViews("w" + wave + "-r" + r, EVENTS_PER_REQUEST);
      bodies.add(events);
      answers.add(server.ingestAsync(writeKey, events));
    }
    List<Sent> sent = new ArrayList<>();
    for (int r = 0; r < REQUESTS_PER_WAVE; r++) {
      HttpResponse<Buffer> response = answers.get(r).await();
      if (response.statusCode() != 202 && response.statusCode() != 503) {
        fail("expected 202 or 503, got " + response.statusCode() + " " + response.bodyAsString());
      }
      sent.add(new Sent(bodies.get(r), response));
    }
    return sent;
  }

  private static long storedOf(JsonArray events) {
    return server.queryValue(Long.class, "SELECT count(*) FROM events WHERE store_id = ? AND event_id = ANY (?)",
        STORE, Events.ids(events).toArray(new String[0]));
  }

  private static long overloadedInHealth() {
    return server.get("/health").bodyAsJsonObject().getJsonObject("ingest").getLong("refusedOverloaded");
  }
}
