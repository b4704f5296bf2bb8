package io.storepulse.http;

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

import java.util.ArrayList;
import java.util.List;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An event id is stored once per store, however often and however concurrently it is sent. */
class DuplicatesTest {

  private static final String STORE = "dups";
  private static final String OTHER_STORE = "dups-other";

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
  void sameIdTwiceInOneRequestIsAcceptedFirstAndDuplicateSecond() {
    JsonArray events = new JsonArray()
        .add(Events.pageView("twice-1").put("visitorId", "first"))
        .add(Events.pageView("twice-1").put("visitorId", "second"));
    JsonObject answer = assertIngestAnswer(server.ingest(writeKey, events), 2);

    assertEquals(1, answer.getInteger("accepted"));
    assertEquals(1, answer.getInteger("duplicates"));
    assertEquals("accepted", statusAt(answer, 0));
    assertEquals("duplicate", statusAt(answer, 1));
    assertEquals("twice-1", answer.getJsonArray("results").getJsonObject(1).getString("id"));
    assertEquals(1, rows(STORE, "twice-1"));
    assertEquals("first", storedVisitor(STORE, "twice-1"));
  }

  @Test
  void sameIdInALaterRequestIsADuplicateAndLeavesTheFirstUntouched() {
    JsonObject first = assertIngestAnswer(server.ingest(writeKey, Events.pageView("later-1").put("visitorId", "first")), 1);
    assertEquals("accepted", statusAt(first, 0));

    JsonArray retry = new JsonArray()
        .add(Events.pageView("later-2"))
        .add(Events.pageView("later-1").put("visitorId", "second"));
    JsonObject answer = assertIngestAnswer(server.ingest(writeKey, retry), 2);
    assertEquals("accepted", statusAt(answer, 0));
    assertEquals("duplicate", statusAt(answer, 1));
    assertEquals(1, answer.getInteger("duplicates"));

    assertEquals(1, rows(STORE, "later-1"));
    assertEquals("first", storedVisitor(STORE, "later-1"));
  }

  @Test
  void sameIdInTwentyConcurrentRequestsIsAcceptedExactlyOnce() {
    // a few rounds, so that the requests meet both in one group commit and in concurrent ones
    for (int round = 0; round < 5; round++) {
      raceOneId("race-" + round);
    }
  }

  private static void raceOneId(String prefix) {
    String shared = prefix + "-shared";
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      JsonArray events = new JsonArray()
          .add(Events.pageView(prefix + "-own-" + i))
          .add(Events.pageView(shared).put("visitorId", "sender-" + i));
      sent.add(server.ingestAsync(writeKey, events));
    }

    int accepted = 0;
    int duplicates = 0;
    String acceptedSender = null;
    for (int i = 0; i < sent.size(); i++) {
      JsonObject answer = assertIngestAnswer(sent.get(i).await(), 2);
      assertEquals("accepted", statusAt(answer, 0), "the request's own event");
      switch (statusAt(answer, 1)) {
        case "accepted" -> {
          accepted++;
          acceptedSender = "sender-" + i;
        }
        case "duplicate" -> duplicates++;
        default -> throw new AssertionError("unexpected status: " + answer.encode());
      }
    }
    assertEquals(1, accepted, "exactly one request has " + shared + " accepted");
    assertEquals(19, duplicates);
    assertEquals(1, rows(STORE, shared));
    assertEquals(acceptedSender, storedVisitor(STORE, shared), "the stored event is the one acknowledged as accepted");
  }

  @Test
  void sameIdInTwoStoresIsTwoEvents() {
    String otherKey = server.writeKeyOfNewStore(OTHER_STORE);
    assertEquals("accepted", statusAt(assertIngestAnswer(server.ingest(writeKey, Events.pageView("both-1")), 1), 0));
    assertEquals("accepted", statusAt(assertIngestAnswer(server.ingest(otherKey, Events.pageView("both-1")), 1), 0));
    assertEquals(1, rows(STORE, "both-1"));
    assertEquals(1, rows(OTHER_STORE, "both-1"));
  }

  private static String statusAt(JsonObject answer, int index) {
    return answer.getJsonArray("results").getJsonObject(index).getString("status");
  }

  private static long rows(String store, String eventId) {
    return server.eventRows("store_id = '" + store + "' AND event_id = '" + eventId + "'");
  }

  private static String storedVisitor(String store, String eventId) {
    return server.queryValue(String.class,
        "SELECT payload->>'visitorId' FROM events WHERE store_id = ? AND event_id = ?", store, eventId);
  }
}
