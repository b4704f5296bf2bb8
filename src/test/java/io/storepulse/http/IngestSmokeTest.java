package io.storepulse.http;

import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IngestSmokeTest {

  static TestServer server;
  static String writeKey;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    writeKey = server.writeKeyOfNewStore("smoke");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void acceptedEventIsInTheLogWhenTheAnswerArrives() {
    JsonObject event = new JsonObject().put("id", "e-1").put("type", "page_viewed")
        .put("time", Instant.now().toString()).put("visitorId", "v-1");
    HttpResponse<Buffer> response = server.client().post("/v1/events").bearerTokenAuthentication(writeKey)
        .sendJsonObject(event).await();
    assertEquals(202, response.statusCode(), response.bodyAsString());
    assertEquals(1, response.bodyAsJsonObject().getInteger("accepted"));
    assertEquals(1, server.eventRows("store_id = 'smoke' AND event_id = 'e-1'"));
  }
}
