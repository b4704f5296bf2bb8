package io.storepulse.http;

import io.storepulse.testing.Events;
import io.storepulse.testing.TestPostgres;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /v1/admin}: stores and keys, for the holder of the admin token only. */
class AdminApiTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void createdStoreComesWithAWorkingWriteKeyAndAReadToken() {
    HttpResponse<Buffer> response = createStore(new JsonObject().put("id", "shop-1").put("name", "Shop One"));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    JsonObject created = response.bodyAsJsonObject();

    assertEquals(new JsonObject().put("id", "shop-1").put("name", "Shop One"), created.getJsonObject("store"));
    JsonObject writeKey = created.getJsonObject("writeKey");
    JsonObject readToken = created.getJsonObject("readToken");
    assertKey(writeKey, "shop-1", "write", "spw_");
    assertKey(readToken, "shop-1", "read", "spr_");
    assertNotEquals(writeKey.getString("id"), readToken.getString("id"));

    assertIngestAnswer(server.ingest(writeKey.getString("key"), Events.pageView("admin-e-1")), 1);
    assertEquals(1, server.eventRows("store_id = 'shop-1' AND event_id = 'admin-e-1'"));
    assertProblem(server.ingest(readToken.getString("key"), Events.pageView("admin-e-2")), 403);
  }

  @Test
  void existingStoreIdIs409() {
    assertEquals(201, createStore(new JsonObject().put("id", "taken").put("name", "First")).statusCode());
    assertProblem(createStore(new JsonObject().put("id", "taken").put("name", "Second")), 409);
    assertEquals("First", server.queryValue(String.class, "SELECT name FROM stores WHERE id = ?", "taken"));
  }

  @Test
  void badStoreRequestsAre400() {
    assertProblem(createStore(new JsonObject().put("id", "Not An Id!").put("name", "Shop")), 400);
    assertProblem(createStore(new JsonObject().put("id", "").put("name", "Shop")), 400);
    assertProblem(createStore(new JsonObject().put("id", "x".repeat(65)).put("name", "Shop")), 400);
    assertProblem(createStore(new JsonObject().put("id", "no-name")), 400);
    assertProblem(createStore(new JsonObject().put("id", 42).put("name", "Shop")), 400);
    assertProblem(admin(server.client().post("/v1/admin/stores"))
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{not json")).await(), 400);
    assertEquals(0L, server.queryValue(Long.class, "SELECT count(*) FROM stores WHERE id IN ('no-name', 'Not An Id!')"));
  }

  @Test
  void adminApiWithoutTheAdminTokenIs401() {
    JsonObject store = new JsonObject().put("id", "sneaky").put("name", "Sneaky");
    String writeKey = server.writeKeyOfNewStore("admin-auth");

    assertProblem(server.client().post("/v1/admin/stores").sendJsonObject(store).await(), 401);
    assertProblem(server.client().post("/v1/admin/stores").bearerTokenAuthentication("wrong-token")
        .sendJsonObject(store).await(), 401);
    assertProblem(server.client().post("/v1/admin/stores").bearerTokenAuthentication(writeKey)
        .sendJsonObject(store).await(), 401);
    assertProblem(server.client().post("/v1/admin/stores").basicAuthentication(TestServer.ADMIN_TOKEN, "")
        .sendJsonObject(store).await(), 401);
    assertProblem(server.client().post("/v1/admin/stores/admin-auth/keys").send().await(), 401);
    assertProblem(server.client().delete("/v1/admin/keys/anything").send().await(), 401);
    assertEquals(0L, server.queryValue(Long.class, "SELECT count(*) FROM stores WHERE id = 'sneaky'"));
  }

  @Test
  void readTokenIsIssuedOnRequest() {
    server.createStore("keys-read");
    HttpResponse<Buffer> response = admin(server.client().post("/v1/admin/stores/keys-read/keys"))
        .sendJsonObject(new JsonObject().put("kind", "read")).await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    JsonObject issued = response.bodyAsJsonObject();
    assertKey(issued, "keys-read", "read", "spr_");
    // a live read token: known to the server, and refused for writing as the wrong kind
    assertProblem(server.ingest(issued.getString("key"), Events.pageView("read-1")), 403);
  }

  @Test
  void writeKeyIsIssuedByDefault() {
    server.createStore("keys-write");
    HttpResponse<Buffer> withoutBody = admin(server.client().post("/v1/admin/stores/keys-write/keys")).send().await();
    assertEquals(201, withoutBody.statusCode(), withoutBody.bodyAsString());
    HttpResponse<Buffer> withEmptyObject = admin(server.client().post("/v1/admin/stores/keys-write/keys"))
        .sendJsonObject(new JsonObject()).await();
    assertEquals(201, withEmptyObject.statusCode(), withEmptyObject.bodyAsString());

    for (HttpResponse<Buffer> response : List.of(withoutBody, withEmptyObject)) {
      JsonObject issued = response.bodyAsJsonObject();
      assertKey(issued, "keys-write", "write", "spw_");
      String eventId = "issued-" + issued.getString("id");
      assertIngestAnswer(server.ingest(issued.getString("key"), Events.pageView(eventId)), 1);
      assertEquals(1, server.eventRows("store_id = 'keys-write' AND event_id = '" + eventId + "'"));
    }
  }

  @Test
  void unknownKeyKindIs400() {
    server.createStore("keys-kind");
    assertProblem(admin(server.client().post("/v1/admin/stores/keys-kind/keys"))
        .sendJsonObject(new JsonObject().put("kind", "admin")).await(), 400);
  }

  @Test
  void keyForAnUnknownStoreIs404() {
    assertProblem(admin(server.client().post("/v1/admin/stores/no-such-store/keys"))
        .sendJsonObject(new JsonObject().put("kind", "write")).await(), 404);
    assertEquals(0L, server.queryValue(Long.class, "SELECT count(*) FROM api_keys WHERE store_id = 'no-such-store'"));
  }

  @Test
  void revokedKeyIsRefusedAtOnceAndCannotBeRevokedTwice() {
    JsonObject created = server.createStore("revoking");
    String keyId = created.getJsonObject("writeKey").getString("id");
    String key = created.getJsonObject("writeKey").getString("key");
    assertIngestAnswer(server.ingest(key, Events.pageView("revoke-1")), 1);

    HttpResponse<Buffer> revoked = admin(server.client().delete("/v1/admin/keys/" + keyId)).send().await();
    assertEquals(204, revoked.statusCode(), revoked.bodyAsString());
    assertEquals(0, revoked.body() == null ? 0 : revoked.body().length());

    assertProblem(server.ingest(key, Events.pageView("revoke-2")), 401);
    assertEquals(0, server.eventRows("event_id = 'revoke-2'"));
    assertProblem(admin(server.client().delete("/v1/admin/keys/" + keyId)).send().await(), 404);
    assertProblem(admin(server.client().delete("/v1/admin/keys/key_never_issued")).send().await(), 404);
    // the store's read token is untouched
    String readToken = created.getJsonObject("readToken").getString("key");
    assertProblem(server.ingest(readToken, Events.pageView("revoke-3")), 403);
  }

  @Test
  void apiKeysTableHoldsHashesAndNoSecret() throws Exception {
    JsonObject created = server.createStore("hashed");
    List<JsonObject> issued = new ArrayList<>(List.of(created.getJsonObject("writeKey"), created.getJsonObject("readToken")));
    issued.add(admin(server.client().post("/v1/admin/stores/hashed/keys")).send().await().bodyAsJsonObject());

    try (Connection connection = TestPostgres.connect(server.database());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM api_keys")) {
      ResultSetMetaData columns = rows.getMetaData();
      int keyRows = 0;
      while (rows.next()) {
        keyRows++;
        for (int c = 1; c <= columns.getColumnCount(); c++) {
          String text = columnText(rows.getObject(c));
          for (JsonObject key : issued) {
            String secret = key.getString("key");
            assertFalse(text.contains(secret) || text.contains(secret.substring(4)),
                "column " + columns.getColumnName(c) + " holds the secret of key " + key.getString("id"));
          }
        }
      }
      assertTrue(keyRows >= issued.size());
    }
    for (JsonObject key : issued) {
      byte[] stored = server.queryValue(byte[].class, "SELECT key_hash FROM api_keys WHERE id = ?", key.getString("id"));
      byte[] expected = MessageDigest.getInstance("SHA-256").digest(key.getString("key").getBytes(StandardCharsets.UTF_8));
      assertArrayEquals(expected, stored, "api_keys holds the SHA-256 of " + key.getString("id"));
    }
  }

  private static HttpResponse<Buffer> createStore(JsonObject body) {
    return admin(server.client().post("/v1/admin/stores")).sendJsonObject(body).await();
  }

  private static HttpRequest<Buffer> admin(HttpRequest<Buffer> request) {
    return request.bearerTokenAuthentication(TestServer.ADMIN_TOKEN);
  }

  private static void assertKey(JsonObject key, String storeId, String kind, String prefix) {
    assertEquals(storeId, key.getString("storeId"), key.encode());
    assertEquals(kind, key.getString("kind"), key.encode());
    assertFalse(key.getString("id", "").isBlank(), key.encode());
    String secret = key.getString("key", "");
    assertTrue(secret.startsWith(prefix) && secret.length() > prefix.length() + 30, "a " + prefix + " secret: " + key.encode());
  }

  /** A column value as text; bytes one character each, so an ASCII secret among them shows. */
  private static String columnText(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    return value.toString();
  }
}
