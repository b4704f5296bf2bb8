package io.storepulse.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A real WebSocket client on {@code /v1/dashboard/ws} that keeps every message it receives, in
 * order, with the time it arrived; tests wait for messages with a deadline.
 */
public final class DashboardClient implements AutoCloseable {

  /** A server message and when it arrived ({@link System#nanoTime}). */
  public record Received(JsonObject message, long atNanos) {
  }

  private final Vertx vertx;
  private final WebSocketClient client;
  private final WebSocket socket;
  private static final Path SERVER_MESSAGE_SCHEMA = Path.of("docs", "schema", "dashboard-server-message.schema.json");
  private static Validator serverMessageSchema;

  private final List<Received> received = new CopyOnWriteArrayList<>();
  /** Messages that do not match the published schema; {@link #close} fails the test on any. */
  private final List<String> schemaViolations = new CopyOnWriteArrayList<>();
  private volatile Short closeCode;
  private volatile String closeReason;

  private DashboardClient(Vertx vertx, WebSocketClient client, WebSocket socket) {
    this.vertx = vertx;
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> {
      long at = System.nanoTime();
      JsonObject message = new JsonObject(text);
      received.add(new Received(message, at));
      OutputUnit result = serverMessageSchema().validate(message);
      if (!result.getValid()) {
        schemaViolations.add(text + " -> " + result.getErrors());
      }
    });
    socket.closeHandler(v -> {
      closeCode = socket.closeStatusCode();
      closeReason = socket.closeReason();
    });
  }

  /** Connects with the token as the {@code token} query parameter. */
  public static DashboardClient connect(Vertx vertx, int port, String token) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions());
    WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/v1/dashboard/ws?token=" + token)).await();
    return new DashboardClient(vertx, client, socket);
  }

  public WebSocket socket() {
    return socket;
  }

  public void send(JsonObject message) {
    socket.writeTextMessage(message.encode()).await();
  }

  /** Subscribes; {@code fields} adds store, window, since, skus as the test wants. */
  public void subscribe(String id, String channel, JsonObject fields) {
    send(new JsonObject().put("op", "subscribe").put("id", id).put("channel", channel).mergeIn(fields));
  }

  /** Every message so far. */
  public List<JsonObject> messages() {
    List<JsonObject> messages = new ArrayList<>();
    received.forEach(r -> messages.add(r.message()));
    return messages;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Every message so far about one subscription. */
  public List<JsonObject> messages(String id) {
    return messages().stream().filter(m -> id.equals(m.getString("id"))).toList();
  }

  /** Waits for a message that matches, and returns the first that does. */
  public JsonObject await(String what, Predicate<JsonObject> matches) {
    return await(Duration.ofSeconds(15), what, matches);
  }

  public JsonObject await(Duration timeout, String what, Predicate<JsonObject> matches) {
    Deadline.await(timeout, what, () -> messages().stream().anyMatch(matches));
    return messages().stream().filter(matches).findFirst().orElseThrow();
  }

  /** The close code the server sent, once the socket has closed; null while open. */
  public Short closeCode() {
    return closeCode;
  }

  public String closeReason() {
    return closeReason;
  }

  public boolean isClosed() {
    return socket.isClosed();
  }

  /** Closes the socket; fails when the server sent a message that its schema does not allow. */
  @Override
  public void close() {
    if (!socket.isClosed()) {
      socket.close().await();
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
