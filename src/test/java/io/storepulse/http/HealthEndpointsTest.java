package io.storepulse.http;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.Events;
import io.storepulse.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's endpoints after a known amount of traffic: 7 events accepted, 1 duplicate and 1
 * rejected, in 2 acknowledged requests.
 */
// the report's ack latency covers the last ten seconds, so the test that reads it runs first
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthEndpointsTest {

  private static final int ACCEPTED = 7;
  private static final int DUPLICATES = 1;
  private static final int REJECTED = 1;
  private static final int ACKNOWLEDGED_REQUESTS = 2;
  private static final int QUEUE_CAPACITY = 5000;

  static TestServer server;
  static long startedAtMillis;

  @BeforeAll
  static void startAndIngest() {
    startedAtMillis = System.currentTimeMillis();
    server = TestServer.start(Map.of("writer.queueCapacity", Integer.toString(QUEUE_CAPACITY)));
    String writeKey = server.writeKeyOfNewStore("health");

    assertIngestAnswer(server.ingest(writeKey, Events.pageViews("h", 5)), 5);
    JsonArray second = new JsonArray()
        .add(Events.pageView("h-5"))
        .add(Events.pageView("h-6"))
        .add(Events.pageView("h-0"))
        .add(Events.pageView("h-bad").put("type", "not_a_type"));
    JsonObject answer = assertIngestAnswer(server.ingest(writeKey, second), 4);
    assertEquals(2, answer.getInteger("accepted"));
    assertEquals(1, answer.getInteger("duplicates"));
    assertEquals(1, answer.getInteger("rejected"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @Order(1)
  void healthReportsIngestCountsAckLatencyWriterQueueUptimeAndVersion() {
    // the report is refreshed once a second
    AtomicReference<JsonObject> report = new AtomicReference<>();
    Deadline.await(Duration.ofSeconds(5), "/health to reflect the traffic", () -> {
      HttpResponse<Buffer> response = server.get("/health");
      report.set(response.bodyAsJsonObject());
      JsonObject ingest = report.get().getJsonObject("ingest");
      return ingest.getLong("accepted") == ACCEPTED
          && ingest.getJsonObject("ackLatencyMillis").getLong("count") == ACKNOWLEDGED_REQUESTS;
    });
    JsonObject health = report.get();
    String text = health.encodePrettily();

    assertEquals("UP", health.getString("status"), text);
    assertEquals("ready", health.getString("phase"), text);
    assertEquals(Boolean.TRUE, health.getJsonObject("database").getBoolean("up"), text);

    JsonObject ingest = health.getJsonObject("ingest");
    assertEquals(DUPLICATES, ingest.getLong("duplicates"), text);
    assertEquals(REJECTED, ingest.getLong("rejected"), text);
    assertEquals(0, ingest.getLong("refusedOverloaded"), text);
    assertEquals(0, ingest.getLong("refusedUnavailable"), text);
    assertTrue(ingest.getDouble("acceptedPerSecond") >= 0, text);
    JsonObject latency = ingest.getJsonObject("ackLatencyMillis");
    assertTrue(latency.getDouble("p50") > 0, text);
    assertTrue(latency.getDouble("p99") >= latency.getDouble("p50"), text);
    assertTrue(latency.getDouble("max") >= latency.getDouble("p99"), text);

    JsonObject writer = health.getJsonObject("writer");
    assertEquals(0, writer.getInteger("queueEvents"), text);
    assertEquals(QUEUE_CAPACITY, writer.getInteger("queueCapacity"), text);
    assertEquals(0, writer.getInteger("batchesInFlight"), text);
    assertTrue(writer.getLong("committedPosition") >= ACCEPTED, text);

    long uptime = health.getLong("uptimeSeconds");
    assertTrue(uptime >= 0 && uptime <= (System.currentTimeMillis() - startedAtMillis) / 1000 + 1, text);
    String version = health.getString("version");
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?"), "the build's version, not a placeholder: " + version);
  }

  @Test
  @Order(2)
  void liveAnswers200() {
    HttpResponse<Buffer> response = server.get("/health/live");
    assertEquals(200, response.statusCode());
    assertEquals("UP", response.bodyAsJsonObject().getString("status"));
  }

  @Test
  @Order(2)
  void readyAnswers200WhenReady() {
    HttpResponse<Buffer> response = server.get("/health/ready");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject ready = response.bodyAsJsonObject();
    assertEquals("UP", ready.getString("status"));
    assertEquals("ready", ready.getString("phase"));
    assertEquals(Boolean.TRUE, ready.getBoolean("database"));
    assertEquals("0/" + QUEUE_CAPACITY, ready.getString("writerQueue"));
  }

  @Test
  @Order(2)
  void streamDeliversServerSentReportsEverySecond() throws Exception {
    HttpClient http = server.newHttpClient();
    try {
      HttpClientRequest request = http.request(HttpMethod.GET, "/health/stream").await();
      long sentAt = System.nanoTime();
      Promise<List<String>> twoEvents = Promise.promise();
      StringBuilder received = new StringBuilder();
      Future<List<String>> events = request.send().compose(response -> {
        assertEquals(200, response.statusCode());
        assertTrue(String.valueOf(response.getHeader("Content-Type")).startsWith("text/event-stream"),
            "Content-Type " + response.getHeader("Content-Type"));
        response.handler(chunk -> {
          received.append(chunk.toString(StandardCharsets.UTF_8));
          List<String> complete = completeEvents(received.toString());
          if (complete.size() >= 2) {
            twoEvents.tryComplete(complete);
          }
        });
        return twoEvents.future();
      });
      List<String> data = events.await(3, TimeUnit.SECONDS);
      assertTrue(System.nanoTime() - sentAt < TimeUnit.SECONDS.toNanos(3));
      request.reset();
      for (String event : data.subList(0, 2)) {
        assertTrue(event.contains("event: health\n"), event);
        String json = event.lines().filter(line -> line.startsWith("data: ")).findFirst().orElseThrow().substring(6);
        JsonObject report = new JsonObject(json);
        assertEquals(ACCEPTED, report.getJsonObject("ingest").getLong("accepted"), json);
        assertNotNull(report.getJsonObject("writer"), json);
      }
    } finally {
      http.close().await();
    }
    // the server is none the worse for a client that went away mid-stream
    assertEquals(200, server.get("/health/live").statusCode());
  }

  @Test
  @Order(2)
  void metricsCountEventsByOutcomeAndTimeAcknowledgements() {
    HttpResponse<Buffer> response = server.get("/metrics");
    assertEquals(200, response.statusCode());
    String text = response.bodyAsString();
    Map<String, Double> samples = samples(text);

    assertEquals(ACCEPTED, samples.get("storepulse_events_total{outcome=\"accepted\"}"), text);
    assertEquals(DUPLICATES, samples.get("storepulse_events_total{outcome=\"duplicate\"}"), text);
    assertEquals(REJECTED, samples.get("storepulse_events_total{outcome=\"rejected\"}"), text);
    assertEquals(ACKNOWLEDGED_REQUESTS, samples.get("storepulse_ingest_ack_seconds_count"), text);
    assertTrue(samples.get("storepulse_ingest_ack_seconds_sum") > 0, text);
    assertTrue(samples.keySet().stream().anyMatch(name -> name.startsWith("storepulse_ingest_ack_seconds_bucket{")),
        "the ack time is a histogram: " + text);
  }

  /** Complete server-sent events (ended by a blank line) in what has arrived so far. */
  private static List<String> completeEvents(String stream) {
    List<String> events = new ArrayList<>();
    int start = 0;
    for (int end = stream.indexOf("\n\n"); end >= 0; end = stream.indexOf("\n\n", start)) {
      events.add(stream.substring(start, end + 1));
      start = end + 2;
    }
    return events;
  }

  /** Prometheus text format: sample name with its labels, to value. */
  private static Map<String, Double> samples(String exposition) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      assertFalse(space < 0, line);
      samples.put(line.substring(0, space), Double.valueOf(line.substring(space + 1)));
    }
    return samples;
  }
}
