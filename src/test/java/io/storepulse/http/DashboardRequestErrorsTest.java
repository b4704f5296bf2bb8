package io.storepulse.http;

import io.storepulse.testing.DashboardClient;
import io.storepulse.testing.DashboardMirror;
import io.storepulse.testing.Events;
import io.storepulse.testing.ReadApiViews;
import io.storepulse.testing.StoreKeys;
import io.storepulse.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the dashboard socket answers to requests it cannot act on: an {@code error} with a code
 * (and the request's id when it had one), never a closed socket and never a subscription. Also
 * who may see which store.
 */
class DashboardRequestErrorsTest {

  private static final String STORE = "errors-a";
  private static final String OTHER_STORE = "errors-b";
  private static final int MAX_SUBSCRIPTIONS = 3;

  static TestServer server;
  static Vertx vertx;
  static StoreKeys store;
  static StoreKeys otherStore;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("dashboard.maxSubscriptions", Integer.toString(MAX_SUBSCRIPTIONS)));
    vertx = Vertx.vertx();
    store = StoreKeys.create(server, STORE);
    otherStore = StoreKeys.create(server, OTHER_STORE);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    server.close();
  }

  @Test
  void aReadTokenSubscribingToAnotherStoreIsForbiddenAndTheSocketStaysUsable() {
    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      client.subscribe("x", "metrics", OTHER_STORE);
      JsonObject error = client.awaitError(1);
      assertEquals("forbidden", error.getString("code"), error.encode());
      assertEquals("x", error.getString("id"));
      assertTrue(error.getString("message").contains(OTHER_STORE), error.encode());

      // the refused id was never taken: it names a subscription of the token's own store now
      client.subscribe("x", "metrics", STORE);
      DashboardMirror mine = client.mirror("x").awaitLive();
      assertEquals(List.of("snapshot"), mine.starts());
      assertFalse(client.isClosed());
      assertEquals(1, client.errors().size(), client.messages().toString());
    }
  }

  @Test
  void theAdminTokenMaySubscribeToEveryStore() {
    try (DashboardClient admin = DashboardClient.connect(vertx, server.port(), TestServer.ADMIN_TOKEN)) {
      admin.subscribe("a", "metrics", STORE);
      admin.subscribe("b", "inventory", OTHER_STORE);
      DashboardMirror metrics = admin.mirror("a").awaitLive();
      DashboardMirror inventory = admin.mirror("b").awaitLive();
      store.post(Events.pageViews("admin-pv", 2));
      otherStore.post(Events.restocked("admin-r", "cup", 4));
      metrics.await("the page views of " + STORE, m -> ReadApiViews.total(m.state(), "pageViews") >= 2);
      inventory.await("the restock of " + OTHER_STORE, m -> m.state().containsKey("cup"));
      assertTrue(admin.errors().isEmpty(), admin.errors().toString());
    }
  }

  static Stream<Arguments> badMessages() {
    JsonObject subscribe = new JsonObject().put("op", "subscribe").put("id", "x");
    JsonObject metrics = subscribe.copy().put("channel", "metrics").put("store", STORE);
    JsonObject inventory = subscribe.copy().put("channel", "inventory").put("store", STORE);
    return Stream.of(
        Arguments.of("text that is not JSON", "subscribe me to metrics", "bad_request", null),
        Arguments.of("a JSON array", "[]", "bad_request", null),
        Arguments.of("no id", without(metrics, "id"), "bad_request", null),
        Arguments.of("an empty id", metrics.copy().put("id", ""), "bad_request", null),
        Arguments.of("an id of 65 characters", metrics.copy().put("id", "i".repeat(65)), "bad_request", null),
        Arguments.of("an id that is a number", metrics.copy().put("id", 7), "bad_request", null),
        Arguments.of("no op", without(metrics, "op"), "bad_request", "x"),
        Arguments.of("an unknown op", metrics.copy().put("op", "watch"), "bad_request", "x"),
        Arguments.of("an unknown channel", metrics.copy().put("channel", "orders"), "unknown_channel", "x"),
        Arguments.of("no channel", without(metrics, "channel"), "bad_request", "x"),
        Arguments.of("no store", without(metrics, "store"), "bad_request", "x"),
        Arguments.of("an empty store", metrics.copy().put("store", ""), "bad_request", "x"),
        Arguments.of("a store on the health channel", subscribe.copy().put("channel", "health").put("store", STORE),
            "bad_request", "x"),
        Arguments.of("an unknown window", metrics.copy().put("window", "2m"), "bad_request", "x"),
        Arguments.of("a window on the inventory channel", inventory.copy().put("window", "1m"), "bad_request", "x"),
        Arguments.of("skus on the metrics channel", metrics.copy().put("skus", new JsonArray().add("tea")),
            "bad_request", "x"),
        Arguments.of("an empty skus list", inventory.copy().put("skus", new JsonArray()), "bad_request", "x"),
        Arguments.of("skus that are not strings", inventory.copy().put("skus", new JsonArray().add(1)), "bad_request",
            "x"),
        Arguments.of("skus that are not a list", inventory.copy().put("skus", "tea"), "bad_request", "x"),
        Arguments.of("1001 skus", inventory.copy().put("skus", skus(1001)), "bad_request", "x"),
        Arguments.of("a negative since", metrics.copy().put("since", -1), "bad_request", "x"),
        Arguments.of("a since that is text", metrics.copy().put("since", "12"), "bad_request", "x"),
        Arguments.of("a fractional since", metrics.copy().put("since", 1.5), "bad_request", "x"),
        Arguments.of("an unsubscribe of an unknown id", new JsonObject().put("op", "unsubscribe").put("id", "x"),
            "bad_request", "x"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badMessages")
  void aBadMessageIsAnsweredWithAnErrorAndTheSocketStaysOpen(String what, Object message, String code, String id) {
    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      client.sendText(message instanceof JsonObject json ? json.encode() : (String) message);
      JsonObject error = client.awaitError(1);
      assertError(error, code, id);

      client.subscribe("ok", "inventory", STORE);
      client.mirror("ok").awaitLive();
      assertEquals(1, client.errors().size(), client.messages().toString());
      assertTrue(client.messages().stream().noneMatch(m -> "x".equals(m.getString("id"))
          && !"error".equals(m.getString("type"))), "nothing but the error for the refused message: " + client.messages());
      assertFalse(client.isClosed());
    }
  }

  @Test
  void aBinaryFrameIsAnsweredWithAnErrorAndTheSocketStaysOpen() {
    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      client.socket().writeBinaryMessage(Buffer.buffer(new JsonObject().put("op", "subscribe").put("id", "x")
          .put("channel", "health").encode())).await();
      assertError(client.awaitError(1), "bad_request", null);
      client.subscribe("ok", "health", new JsonObject());
      client.mirror("ok").awaitLive();
      assertFalse(client.isClosed());
    }
  }

  @Test
  void aSecondSubscriptionUnderAnIdInUseIsRefusedAndTheFirstCarriesOn() {
    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      client.subscribe("dup", "metrics", STORE);
      DashboardMirror first = client.mirror("dup").awaitLive();
      client.subscribe("dup", "inventory", STORE);
      assertError(client.awaitError(1), "bad_request", "dup");

      long before = ReadApiViews.total(first.state(), "pageViews");
      store.post(Events.pageViews("dup-pv", 3));
      // the mirror fails on a second subscribed, snapshot or inventory value under the id
      first.await("the first subscription's update", m -> ReadApiViews.total(m.state(), "pageViews") == before + 3);
      assertEquals(List.of("snapshot"), first.starts());
    }
  }

  @Test
  void beyondMaxSubscriptionsASubscribeIsRefusedUntilOneEnds() {
    try (DashboardClient client = DashboardClient.connect(vertx, server.port(), store.readToken())) {
      for (int i = 1; i <= MAX_SUBSCRIPTIONS; i++) {
        client.subscribe("s" + i, "inventory", STORE);
      }
      client.subscribe("one-too-many", "health", new JsonObject());
      JsonObject error = client.awaitError(1);
      assertError(error, "bad_request", "one-too-many");
      assertTrue(error.getString("message").contains(Integer.toString(MAX_SUBSCRIPTIONS)), error.encode());
      for (int i = 1; i <= MAX_SUBSCRIPTIONS; i++) {
        client.mirror("s" + i).awaitLive();
      }

      client.unsubscribe("s1");
      client.await("unsubscribed", "s1");
      client.subscribe("one-too-many", "health", new JsonObject());
      client.mirror("one-too-many", client.messages().indexOf(error) + 1).awaitLive();
      assertEquals(1, client.errors().size(), client.errors().toString());
    }
  }

  private static void assertError(JsonObject error, String code, String id) {
    assertEquals(code, error.getString("code"), error.encode());
    if (id == null) {
      assertFalse(error.containsKey("id"), "no id to name: " + error.encode());
    } else {
      assertEquals(id, error.getString("id"), error.encode());
    }
    assertFalse(error.getString("message", "").isBlank(), "a reason for the developer: " + error.encode());
  }

  private static JsonObject without(JsonObject message, String field) {
    JsonObject copy = message.copy();
    copy.remove(field);
    return copy;
  }

  private static JsonArray skus(int count) {
    JsonArray skus = new JsonArray();
    for (int i = 0; i < count; i++) {
      skus.add("sku-" + i);
    }
    return skus;
  }
}
