package io.storepulse.http;

import io.storepulse.testing.Events;
import io.storepulse.testing.TestPostgres;
import io.storepulse.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A 202 means the events are committed: another connection sees them the moment the answer arrives. */
class DurableAckTest {

  private static final String STORE = "durable";
  private static final int REQUESTS = 200;
  private static final int EVENTS_PER_REQUEST = 10;
  private static final int CHECK_CONNECTIONS = 4;

  static TestServer server;
  static String writeKey;
  static BlockingQueue<Connection> checkConnections = new ArrayBlockingQueue<>(CHECK_CONNECTIONS);

  @BeforeAll
  static void start() throws SQLException {
    server = TestServer.start();
    writeKey = server.writeKeyOfNewStore(STORE);
    for (int i = 0; i < CHECK_CONNECTIONS; i++) {
      checkConnections.add(TestPostgres.connect(server.database()));
    }
  }

  @AfterAll
  static void stop() throws SQLException {
    for (Connection connection : checkConnections) {
      connection.close();
    }
    server.close();
  }

  /** What one answer acknowledged, and how much of it another connection saw when the answer arrived. */
  private record Check(int request, String answer, List<String> acceptedIds, long visibleOnArrival) {
  }

  @Test
  void acceptedEventsAreVisibleToAnotherConnectionWhenEachAnswerArrives() {
    List<Future<Check>> checks = new ArrayList<>();
    for (int r = 0; r < REQUESTS; r++) {
      int request = r;
      JsonArray events = Events.pageViews("req" + r, EVENTS_PER_REQUEST);
      // checked in the response callback itself, before the client does anything else with it
      checks.add(server.ingestAsync(writeKey, events).map(response -> checkOnArrival(request, response)));
    }

    long totalAccepted = 0;
    for (Future<Check> pending : checks) {
      Check check = pending.await();
      assertEquals(EVENTS_PER_REQUEST, check.acceptedIds().size(),
          "every event of a fresh request is accepted: " + check.answer());
      assertEquals(check.acceptedIds().size(), check.visibleOnArrival(),
          "request " + check.request() + ": accepted events visible when its 202 arrived");
      totalAccepted += check.acceptedIds().size();
    }
    assertEquals((long) REQUESTS * EVENTS_PER_REQUEST, totalAccepted);
    assertEquals(totalAccepted, server.eventRows("store_id = '" + STORE + "'"));
  }

  /** Runs on a client event loop; blocking it for one indexed query is fine in a test client. */
  private static Check checkOnArrival(int request, HttpResponse<Buffer> response) {
    if (response.statusCode() != 202) {
      throw new AssertionError("request " + request + ": " + response.statusCode() + " " + response.bodyAsString());
    }
    JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      if ("accepted".equals(result.getString("status"))) {
        accepted.add(result.getString("id"));
      }
    }
    return new Check(request, response.bodyAsString(), accepted, visibleRows(accepted));
  }

  private static long visibleRows(List<String> eventIds) {
    Connection connection = null;
    try {
      connection = checkConnections.poll(10, TimeUnit.SECONDS);
      if (connection == null) {
        throw new AssertionError("no check connection free");
      }
      try (PreparedStatement count = connection.prepareStatement(
          "SELECT count(*) FROM events WHERE store_id = ? AND event_id = ANY (?)")) {
        count.setString(1, STORE);
        count.setArray(2, connection.createArrayOf("text", eventIds.toArray()));
        try (ResultSet rows = count.executeQuery()) {
          rows.next();
          return rows.getLong(1);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    } finally {
      if (connection != null) {
        checkConnections.add(connection);
      }
    }
  }
}
