package io.storepulse.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A store created on a {@link TestServer} through the admin API, with its write key and read token. */
public record StoreKeys(TestServer server, String id, String writeKey, String readToken) {

  public static StoreKeys create(TestServer server, String id) {
    JsonObject created = server.createStore(id);
    return new StoreKeys(server, id, created.getJsonObject("writeKey").getString("key"),
        created.getJsonObject("readToken").getString("key"));
  }

  /** Posts events and asserts every one was accepted. */
  public void post(JsonArray events) {
    JsonObject answer = assertIngestAnswer(server.ingest(writeKey, new JsonObject().put("events", events)), events.size());
    assertEquals(events.size(), answer.getInteger("accepted"), answer.encode());
  }

  public void post(JsonObject... events) {
    post(new JsonArray(List.of((Object[]) events)));
  }
}
