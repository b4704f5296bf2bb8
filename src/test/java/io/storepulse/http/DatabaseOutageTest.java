package io.storepulse.http;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.Events;
import io.storepulse.testing.FreePort;
import io.storepulse.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database goes away under a running server and comes back on the same port with the same
 * data: ingest answers 503 quickly meanwhile, never hangs, and recovers without a restart.
 */
class DatabaseOutageTest {

  private static final String STORE = "outage";
  /** Every answer, during the outage too, must come within this. */
  private static final Duration ANSWER_LIMIT = Duration.ofSeconds(3);

  @TempDir
  static Path dataDirectory;
  static int port;
  static EmbeddedPostgres postgres;
  static TestServer server;
  static String writeKey;

  @BeforeAll
  static void start() throws IOException {
    port = FreePort.next();
    postgres = startPostgres();
    server = TestServer.start(Map.of("db.url", "postgresql://postgres@127.0.0.1:" + port + "/postgres"));
    writeKey = server.writeKeyOfNewStore(STORE);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  private static EmbeddedPostgres startPostgres() throws IOException {
    return EmbeddedPostgres.builder()
        .setPort(port)
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .start();
  }

  @Test
  void ingestAnswers503QuicklyDuringAnOutageAndRecoversByItself() throws IOException {
    JsonArray before = Events.pageViews("before", 20);
    assertEquals(20, assertIngestAnswer(timedIngest(before), 20).getInteger("accepted"));

    postgres.close();
    postgres = null;

    List<JsonArray> refused = new ArrayList<>();
    int[] attempt = {0};
    Deadline.await(ANSWER_LIMIT, "ingest to answer 503 once the database is down", () -> {
      JsonArray events = Events.pageViews("during-" + attempt[0]++, 5);
      HttpResponse<Buffer> response = timedIngest(events);
      assertTrue(response.statusCode() != 202, "acknowledged with the database down: " + response.bodyAsString());
      if (response.statusCode() == 503) {
        assertRetryableUnavailable(response);
        refused.add(events);
        return true;
      }
      return false;
    });
    // several at once, too: each is refused in time, none hangs
    List<JsonArray> concurrent = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      JsonArray events = Events.pageViews("during-concurrent-" + i, 5);
      concurrent.add(events);
      answers.add(server.ingestAsync(writeKey, events));
    }
    long sentAt = System.nanoTime();
    for (int i = 0; i < answers.size(); i++) {
      assertRetryableUnavailable(awaitWithin(answers.get(i), sentAt));
      refused.add(concurrent.get(i));
    }

    Deadline.await(ANSWER_LIMIT, "/health/ready to report the database down",
        () -> server.get("/health/ready").statusCode() == 503);
    JsonObject notReady = server.get("/health/ready").bodyAsJsonObject();
    assertEquals("DOWN", notReady.getString("status"), notReady.encode());
    assertEquals(Boolean.FALSE, notReady.getBoolean("database"), notReady.encode());

    postgres = startPostgres();

    int[] retry = {0};
    Deadline.await(Duration.ofSeconds(20), "ingest to accept events again without a restart", () -> {
      HttpResponse<Buffer> response = timedIngest(Events.pageViews("after-" + retry[0]++, 5));
      return response.statusCode() == 202;
    });
    Deadline.await(Duration.ofSeconds(5), "/health/ready to report ready again",
        () -> server.get("/health/ready").statusCode() == 200);
    JsonObject ready = server.get("/health/ready").bodyAsJsonObject();
    assertEquals(Boolean.TRUE, ready.getBoolean("database"), ready.encode());

    assertEquals(20, server.eventRows("store_id = '" + STORE + "' AND event_id LIKE 'before-%'"),
        "every event acknowledged before the outage is still there");
    for (JsonArray events : refused) {
      JsonObject answer = assertIngestAnswer(timedIngest(events), events.size());
      assertEquals(events.size(), answer.getInteger("accepted") + answer.getInteger("duplicates"), answer.encode());
    }
  }

  private static HttpResponse<Buffer> timedIngest(JsonArray events) {
    return awaitWithin(server.ingestAsync(writeKey, events), System.nanoTime());
  }

  /** The answer, which must arrive within {@link #ANSWER_LIMIT} of {@code sentAt}. */
  private static HttpResponse<Buffer> awaitWithin(Future<HttpResponse<Buffer>> answer, long sentAt) {
    HttpResponse<Buffer> response;
    try {
      response = answer.await(ANSWER_LIMIT.toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + ANSWER_LIMIT.plusSeconds(2) + ": the request hangs");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - sentAt);
    assertTrue(took.compareTo(ANSWER_LIMIT) < 0, "answered " + response.statusCode() + " after " + took);
    return response;
  }

  private static void assertRetryableUnavailable(HttpResponse<Buffer> response) {
    JsonObject problem = assertProblem(response, 503);
    assertFalse(problem.getString("type").endsWith("/overloaded"), "an outage is not overload: " + problem.encode());
    String retryAfter = response.getHeader("Retry-After");
    assertNotNull(retryAfter, "503 without Retry-After");
    assertTrue(Integer.parseInt(retryAfter) >= 1, "Retry-After " + retryAfter);
  }
}
