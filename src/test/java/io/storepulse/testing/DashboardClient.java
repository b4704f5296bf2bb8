package io.storepulse.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A real WebSocket client on {@code /v1/dashboard/ws} that keeps every message it receives, in
 * order, with the time it arrived; tests wait for messages with a deadline and rebuild channels
 * from them with a {@link DashboardMirror}.
 */
public final class DashboardClient implements AutoCloseable {

  public static final String PATH = "/v1/dashboard/ws";
  /** Snapshots of big channels exceed the Vert.x client's default of 256 KiB; browsers have no such limit. */
  private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
  private static final Path SERVER_MESSAGE_SCHEMA = Path.of("docs", "schema", "dashboard-server-message.schema.json");
  private static Validator serverMessageSchema;

  private final WebSocketClient client;
  private final WebSocket socket;
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();
  /** Messages that do not match the published schema; {@link #close} fails the test on any. */
  private final List<String> schemaViolations = new CopyOnWriteArrayList<>();
  private volatile Short closeCode;
  private volatile String closeReason;
  private volatile boolean closed;

  private DashboardClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      received.add(message);
      OutputUnit result = serverMessageSchema().validate(message);
      if (!result.getValid()) {
        schemaViolations.add(text + " -> " + result.getErrors());
      }
    });
    socket.closeHandler(v -> {
      closeCode = socket.closeStatusCode();
      closeReason = socket.closeReason();
      closed = true;
    });
  }

  /** Connects with the token as the {@code token} query parameter. */
  public static DashboardClient connect(Vertx vertx, int port, String token) {
    return connect(vertx, port, token, new WebSocketClientOptions());
  }

  /** As {@link #connect(Vertx, int, String)}, with client options (say, a small receive buffer). */
  public static DashboardClient connect(Vertx vertx, int port, String token, WebSocketClientOptions options) {
    return connect(vertx, options, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI(PATH + "?token=" + token));
  }

  /** Connects with the token as {@code Authorization: Bearer}. */
  public static DashboardClient connectWithBearer(Vertx vertx, int port, String token) {
    return connect(vertx, new WebSocketClientOptions(), new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(port).setURI(PATH).addHeader("Authorization", "Bearer " + token));
  }

  private static DashboardClient connect(Vertx vertx, WebSocketClientOptions options, WebSocketConnectOptions connect) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions(options)
        .setMaxMessageSize(MAX_MESSAGE_BYTES));
    try {
      return new DashboardClient(client, client.connect(connect).await());
    } catch (RuntimeException e) {
      client.close().await();
      throw e;
    }
  }

  /**
   * Tries to open a dashboard socket that the server should refuse.
   *
   * @param uri the path and query to open
   * @param headers sent with the handshake
   * @return the refusal, with the status, headers and body of the server's answer
   * @throws AssertionError when the server accepts the socket
   */
  public static UpgradeRejectedException refused(Vertx vertx, int port, String uri, MultiMap headers) {
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)
          .setHeaders(headers)).await();
      socket.close().await();
      throw new AssertionError("the server accepted a dashboard socket on " + uri);
    } catch (UpgradeRejectedException e) {
      return e;
    } finally {
      client.close().await();
    }
  }

  public WebSocket socket() {
    return socket;
  }

  public void send(JsonObject message) {
    sendText(message.encode());
  }

  public void sendText(String text) {
    socket.writeTextMessage(text).await();
  }

  /** Subscribes; {@code fields} adds store, window, since, skus as the test wants. */
  public void subscribe(String id, String channel, JsonObject fields) {
    send(new JsonObject().put("op", "subscribe").put("id", id).put("channel", channel).mergeIn(fields));
  }

  /** Subscribes to a store's channel (metrics and trending get the default window). */
  public void subscribe(String id, String channel, String store) {
    subscribe(id, channel, new JsonObject().put("store", store));
  }

  /** Subscribes to an inventory channel limited to some SKUs. */
  public void subscribeSkus(String id, String store, String... skus) {
    subscribe(id, "inventory", new JsonObject().put("store", store).put("skus", new JsonArray(List.of((Object[]) skus))));
  }

  public void unsubscribe(String id) {
    send(new JsonObject().put("op", "unsubscribe").put("id", id));
  }

  /** Stops reading: the client's buffers fill and then its TCP window closes on the server. */
  public void pause() {
    socket.pause();
  }

  /** Reads again. */
  public void resume() {
    socket.resume();
  }

  /** Every message so far. */
  public List<JsonObject> messages() {
    return List.copyOf(received);
  }

  /** How many messages have arrived so far. */
  public int count() {
    return received.size();
  }

  /** The message at an index of {@link #messages()}. */
  public JsonObject received(int index) {
    return received.get(index);
  }

  /** Every message so far about one subscription. */
  public List<JsonObject> messages(String id) {
    return messages().stream().filter(m -> id.equals(m.getString("id"))).toList();
  }

  /** Waits for the snapshot of each of these subscriptions. */
  public void awaitSnapshots(List<String> ids) {
    for (String id : ids) {
      await("the snapshot of " + id, m -> id.equals(m.getString("id")) && "snapshot".equals(m.getString("type")));
    }
  }

  /** Waits for a message that matches, and returns the first that does. */
  public JsonObject await(String what, Predicate<JsonObject> matches) {
    return await(Duration.ofSeconds(15), what, matches);
  }

  public JsonObject await(Duration timeout, String what, Predicate<JsonObject> matches) {
    Deadline.await(timeout, what, () -> messages().stream().anyMatch(matches));
    return messages().stream().filter(matches).findFirst().orElseThrow();
  }

  /** Waits for the first message of a type about a subscription ({@code id} null: one without an id). */
  public JsonObject await(String type, String id) {
    return await(type + " for " + id + " (received " + messages() + ")", m -> type.equals(m.getString("type"))
        && Objects.equals(id, m.getString("id")));
  }

  /** Waits for the {@code n}th (from 1) error message, returns it. */
  public JsonObject awaitError(int n) {
    Deadline.await(Duration.ofSeconds(15), "error number " + n + " (received " + messages() + ")",
        () -> errors().size() >= n);
    return errors().get(n - 1);
  }

  /** Every error message so far. */
  public List<JsonObject> errors() {
    return messages().stream().filter(m -> "error".equals(m.getString("type"))).toList();
  }

  /** A mirror of a subscription of this client, rebuilt from what the client receives. */
  public DashboardMirror mirror(String id) {
    return new DashboardMirror(this, id, 0);
  }

  /** A mirror of a subscription made after the first {@code fromMessage} messages (an id used again). */
  public DashboardMirror mirror(String id, int fromMessage) {
    return new DashboardMirror(this, id, fromMessage);
  }

  /** The close code the server sent, once the socket has closed; null while open. */
  public Short closeCode() {
    return closeCode;
  }

  public String closeReason() {
    return closeReason;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Waits for the socket to be closed. */
  public void awaitClosed(Duration timeout) {
    Deadline.await(timeout, "the socket to close", () -> closed);
  }

  /** Closes the socket; fails when the server sent a message that its schema does not allow. */
  @Override
  public void close() {
    if (!socket.isClosed()) {
      try {
        socket.close().await();
      } catch (RuntimeException e) {
        // already closing
      }
    }
    client.close().await();
    if (!schemaViolations.isEmpty()) {
      throw new AssertionError("messages outside docs/schema/dashboard-server-message.schema.json: " + schemaViolations);
    }
  }

  private static synchronized Validator serverMessageSchema() {
    if (serverMessageSchema == null) {
      try {
        serverMessageSchema = Validator.create(JsonSchema.of(new JsonObject(Files.readString(SERVER_MESSAGE_SCHEMA))),
            new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://storepulse.io/"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return serverMessageSchema;
  }
}
