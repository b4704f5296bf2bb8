package io.storepulse.testing;

import io.storepulse.StorePulseServer;
import io.storepulse.StartupException;
import io.storepulse.config.DatabaseUrl;
import io.storepulse.config.StorePulseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import java.util.HashMap;
import java.util.Map;

/**
 * A storepulse server running in the test JVM on a free port, with its own database on
 * {@link TestPostgres}, and a real HTTP client pointed at it.
 */
public final class TestServer implements AutoCloseable {

  public static final String ADMIN_TOKEN = "test-admin-token";

  private final StorePulseServer server;
  private final DatabaseUrl database;
  private final Vertx clientVertx;
  private final WebClient client;

  private TestServer(StorePulseServer server, DatabaseUrl database) {
    this.server = server;
    this.database = database;
    this.clientVertx = Vertx.vertx();
    this.client = WebClient.create(clientVertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(server.port()), new PoolOptions().setHttp1MaxSize(64));
  }

  /** Starts with default settings, overridden by {@code settings} (setting key to value). */
  public static TestServer start(Map<String, String> settings) {
    DatabaseUrl database = settings.containsKey("db.url") ? null : TestPostgres.newDatabase();
    Map<String, String> values = new HashMap<>();
    values.put("http.host", "127.0.0.1");
    values.put("http.port", Integer.toString(FreePort.next()));
    values.put("eventLoops", "2");
    values.put("admin.token", ADMIN_TOKEN);
    try {
      values.put("data.dir", Files.createTempDirectory("storepulse-test").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (database != null) {
      values.put("db.url", TestPostgres.settingValue(database));
    }
    values.putAll(settings);
    StorePulseConfig config = StorePulseConfig.parse(values);
    try {
      StorePulseServer server = StorePulseServer.start(config, new PrintStream(PrintStream.nullOutputStream()));
      return new TestServer(server, config.database().url().orElseThrow());
    } catch (StartupException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TestServer start() {
    return start(Map.of());
  }

  public WebClient client() {
    return client;
  }

  public int port() {
    return server.port();
  }

  public DatabaseUrl database() {
    return database;
  }

  /** A plain HTTP client pointed at the server, for streams and connection-level checks; close it after use. */
  public HttpClient newHttpClient() {
    return clientVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
  }

  /** Sends a JSON body (an event, a batch object or an array) to {@code POST /v1/events} with the key as Bearer. */
  public Future<HttpResponse<Buffer>> ingestAsync(String writeKey, Object body) {
    return client.post("/v1/events").bearerTokenAuthentication(writeKey).sendJson(body);
  }

  /** As {@link #ingestAsync}, waiting for the answer. */
  public HttpResponse<Buffer> ingest(String writeKey, Object body) {
    return ingestAsync(writeKey, body).await();
  }

  /** {@code GET path}, waiting for the answer. */
  public HttpResponse<Buffer> get(String path) {
    return client.get(path).send().await();
  }

  /** Creates a store through the admin API; returns the response body (store, writeKey, readToken). */
  public JsonObject createStore(String id) {
    HttpResponse<Buffer> response = client.post("/v1/admin/stores")
        .bearerTokenAuthentication(ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("id", id).put("name", "Store " + id))
        .await();
    if (response.statusCode() != 201) {
      throw new IllegalStateException("creating store " + id + ": " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }

  /** The write key of a new store. */
  public String writeKeyOfNewStore(String id) {
    return createStore(id).getJsonObject("writeKey").getString("key");
  }

  /** Rows in the event log, counted over a connection of its own (not the server's pools). */
  public long eventRows(String whereClause) {
    return TestPostgres.queryLong(database, "SELECT count(*) FROM events" + (whereClause.isEmpty() ? "" : " WHERE " + whereClause));
  }

  /** One value from the server's database, over a connection of its own. */
  public <T> T queryValue(Class<T> type, String sql, Object... params) {
    return TestPostgres.queryValue(database, type, sql, params);
  }

  @Override
  public void close() {
    client.close();
    clientVertx.close().await();
    server.stop();
  }

}
