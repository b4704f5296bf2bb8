package io.storepulse;

import io.storepulse.config.DatabaseUrl;
import io.storepulse.testing.CrashDrill;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.EmbeddedPostmaster;
import io.storepulse.testing.ForkedServer;
import io.storepulse.testing.FreePort;
import io.storepulse.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * storepulse as an operator runs it: a separate JVM, configured by environment and file,
 * stopped by signals and killed outright. Each test gets its own data directory.
 */
class ForkedServerTest {

  private static final String ADMIN_TOKEN = "forked-test-admin-token";
  /** The default {@code shutdown.timeout}: a SIGTERMed server must be gone within it. */
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  @TempDir
  Path temp;

  private final List<ForkedServer> servers = new ArrayList<>();

  @AfterEach
  void leaveNothingRunning() {
    for (int i = servers.size() - 1; i >= 0; i--) {
      servers.get(i).close();
    }
  }

  @Test
  void sigtermDrainsInFlightRequestsAndExitsZero() throws Exception {
    Path data = temp.resolve("data");
    ForkedServer server = started(ForkedServer.builder("sigterm", data).adminToken(ADMIN_TOKEN));
    String writeKey = createStore(server, "drain");
    // a request the server has begun to handle whose body is still on its way when SIGTERM comes
    List<String> slowIds = List.of("slow-1", "slow-2", "slow-3");
    try (SlowRequest slow = SlowRequest.begin(server, writeKey, slowIds);
        Storefronts storefronts = new Storefronts(server, writeKey, "drain", 20)) {
      Deadline.await(Duration.ofSeconds(10), "the server to be handling the slow request",
          () -> activePosts(server) >= 1);
      storefronts.start(8, Integer.MAX_VALUE);
      storefronts.awaitAcknowledged(400, Duration.ofSeconds(30));
      storefronts.signalled();
      server.sigterm();
      Deadline.await(Duration.ofSeconds(10), "the server to stop being ready", () -> server.readyStatus() != 200);
      String slowAnswer = slow.finish();
      int exitCode = server.awaitExit(SHUTDOWN_TIMEOUT);
      storefronts.stopAndJoin(Duration.ofSeconds(30));

      assertTrue(slowAnswer.startsWith("HTTP/1.1 202 "),
          "the request in flight at SIGTERM got: " + slowAnswer + server.describe());
      assertEquals(0, exitCode, server.describe());
      String log = server.stdout();
      assertTrue(log.contains("draining: not ready") && log.contains("HTTP stopped; flushing the event log writer"),
          "the log shows no drain" + server.describe());
      assertEquals(Set.of(), storefronts.unexpectedOutcomes(
              Set.of("202", "202 after the signal", "503 after the signal", "connection error after the signal")),
          storefronts.summary() + server.describe());
      assertFalse(Files.exists(EmbeddedPostmaster.pidFile(data)),
          "the embedded PostgreSQL is still running after the server exited" + server.describe());

      started(ForkedServer.builder("sigterm-restart", data).adminToken(ADMIN_TOKEN));
      assertAllStored(data, "drain", slowIds, "the request in flight at SIGTERM");
      assertAllStored(data, "drain", storefronts.acknowledged(), storefronts.summary());
    }
  }

  @Test
  void sigkillRightAfterAcknowledgementLosesNothing() throws Exception {
    Path data = temp.resolve("data");
    ForkedServer server = started(ForkedServer.builder("sigkill", data).adminToken(ADMIN_TOKEN));
    String writeKey = createStore(server, "crash");
    EmbeddedPostmaster postmaster = EmbeddedPostmaster.running(data);
    // a kill cannot show whether fsync happened (the page cache outlives processes), so check the setting itself
    assertEquals(Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"),
        durabilitySettings(postmaster));

    Set<String> acknowledged;
    try (Storefronts storefronts = new Storefronts(server, writeKey, "crash", 25)) {
      storefronts.start(8, 15);
      storefronts.join(Duration.ofSeconds(60));
      // the whole machine dies the moment the last answer is in: the JVM and PostgreSQL alike
      CrashDrill.killMachine(server, postmaster);

      assertEquals(8 * 15 * 25, storefronts.acknowledged().size(), storefronts.summary() + server.describe());
      acknowledged = storefronts.acknowledged();
    }
    ForkedServer restarted = started(ForkedServer.builder("sigkill-restart", data).adminToken(ADMIN_TOKEN));
    assertAllStored(data, "crash", acknowledged, "acknowledged before the crash");

    String acknowledgedBefore = acknowledged.iterator().next();
    HttpResponse<String> response = postEvents(restarted, writeKey, List.of(acknowledgedBefore, "after-restart-1"));
    assertEquals(202, response.statusCode(), response.body());
    JsonObject answer = new JsonObject(response.body());
    assertEquals(1, answer.getInteger("accepted"), response.body());
    assertEquals(1, answer.getInteger("duplicates"), response.body());
    assertAllStored(data, "crash", List.of("after-restart-1"), "the event sent after the restart");
  }

  @Test
  void postgresOrphanedBySigkillIsStoppedByTheNextStart() throws Exception {
    Path data = temp.resolve("data");
    ForkedServer server = started(ForkedServer.builder("orphan", data).adminToken(ADMIN_TOKEN));
    String writeKey = createStore(server, "orphan");
    EmbeddedPostmaster orphan = EmbeddedPostmaster.running(data);
    server.sigkill();
    server.awaitExit(Duration.ofSeconds(10));
    assertTrue(orphan.isRunning(), "the embedded PostgreSQL did not outlive the JVM; nothing to test");

    ForkedServer restarted = started(ForkedServer.builder("orphan-restart", data).adminToken(ADMIN_TOKEN));
    assertFalse(orphan.isRunning(), "the orphaned PostgreSQL is still running" + restarted.describe());
    assertTrue(restarted.stdout().contains("stopping a PostgreSQL server (pid " + orphan.pid() + ") left running"),
        restarted.describe());
    HttpResponse<String> response = postEvents(restarted, writeKey, List.of("after-orphan-1"));
    assertEquals(202, response.statusCode(), response.body());
  }

  @Test
  void invalidSettingsExitWithOneLineReason() {
    Path data = temp.resolve("data");
    ForkedServer server = track(ForkedServer.builder("invalid-settings", data)
        .env("STOREPULSE_HTTP_PORT", "abc")
        .env("STOREPULSE_WRITER_CONNECTIONS", "0")
        .start());

    assertEquals(2, server.awaitExit(Duration.ofSeconds(30)), server.describe());
    List<String> errorLines = server.stderr().lines().toList();
    assertEquals(1, errorLines.size(), "standard error: " + errorLines);
    String reason = errorLines.get(0);
    assertTrue(reason.startsWith("storepulse: invalid configuration: "), reason);
    assertTrue(reason.contains("http.port") && reason.contains("'abc'"), reason);
    assertTrue(reason.contains("writer.connections") && reason.contains("'0'"), reason);
    assertFalse(Files.exists(data), "an invalid configuration created the data directory");
  }

  @Test
  void unreachableDatabaseExitsAfterBoundedRetries() {
    int nothingListens = FreePort.next();
    ForkedServer server = track(ForkedServer.builder("unreachable-database", temp.resolve("data"))
        .databaseUrl("postgresql://postgres@127.0.0.1:" + nothingListens + "/x")
        .env("STOREPULSE_DB_CONNECT_ATTEMPTS", "2")
        .start());

    assertEquals(3, server.awaitExit(Duration.ofSeconds(15)), server.describe());
    List<String> errorLines = server.stderr().lines().toList();
    assertEquals(1, errorLines.size(), "standard error: " + errorLines);
    String reason = errorLines.get(0);
    assertTrue(reason.startsWith("storepulse: "), reason);
    assertTrue(reason.contains("database") && reason.contains("127.0.0.1:" + nothingListens + "/x"), reason);
    assertTrue(reason.contains("after 2 attempts"), reason);
  }

  @Test
  void firstStartPrintsDemoKeysOnceAndRestartKeepsData() throws Exception {
    Path data = temp.resolve("data");
    ForkedServer first = started(ForkedServer.builder("first-start", data));
    String firstOutput = first.stdout();
    String adminToken = find(firstOutput, "generated admin token \\(shown once; kept in .*\\): (spa_\\S+)$", first);
    String writeKey = find(firstOutput, "^  write key:  (spw_\\S+)$", first);
    String readToken = find(firstOutput, "^  read token: (spr_\\S+)$", first);

    Path tokenFile = data.resolve("admin-token");
    assertEquals(adminToken, Files.readString(tokenFile).trim());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
    createStore(first, "made-with-the-printed-token", adminToken);
    HttpResponse<String> stored = postEvents(first, writeKey, List.of("kept-1"));
    assertEquals(202, stored.statusCode(), stored.body());
    first.sigterm();
    assertEquals(0, first.awaitExit(SHUTDOWN_TIMEOUT), first.describe());

    ForkedServer second = started(ForkedServer.builder("second-start", data));
    String secondOutput = second.stdout();
    for (String secret : List.of(adminToken, writeKey, readToken, "generated admin token", "write key:", "read token:")) {
      assertFalse(secondOutput.contains(secret), "the second start printed '" + secret + "'" + second.describe());
    }
    HttpResponse<String> again = postEvents(second, writeKey, List.of("kept-1", "kept-2"));
    assertEquals(202, again.statusCode(), again.body());
    assertEquals(1, new JsonObject(again.body()).getInteger("duplicates"), "kept-1 is forgotten: " + again.body());
    assertEquals(1, new JsonObject(again.body()).getInteger("accepted"), again.body());
    createStore(second, "made-after-the-restart", adminToken);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
  }

  @Test
  void configFileIsReadAndEnvironmentOverridesIt() throws Exception {
    int filePort = FreePort.next();
    int environmentPort = FreePort.next();
    Path file = temp.resolve("storepulse.properties");
    Files.writeString(file, "http.port=" + filePort + "\ningest.maxEventsPerRequest=5\n");
    DatabaseUrl database = TestPostgres.newDatabase();

    ForkedServer server = started(ForkedServer.builder("config-file", temp.resolve("data"))
        .port(environmentPort)
        .databaseUrl(TestPostgres.settingValue(database))
        .adminToken(ADMIN_TOKEN)
        .args("--config", file.toString()));

    assertThrows(IOException.class, () -> HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + filePort + "/health/live")).build(),
        HttpResponse.BodyHandlers.discarding()), "something answers on the port the environment overrode");
    String writeKey = createStore(server, "limits");
    HttpResponse<String> six = postEvents(server, writeKey, List.of("l-1", "l-2", "l-3", "l-4", "l-5", "l-6"));
    assertEquals(413, six.statusCode(), six.body());
    HttpResponse<String> five = postEvents(server, writeKey, List.of("l-1", "l-2", "l-3", "l-4", "l-5"));
    assertEquals(202, five.statusCode(), five.body());
  }

  private ForkedServer started(ForkedServer.Builder builder) {
    ForkedServer server = track(builder.start());
    server.awaitReady();
    return server;
  }

  private ForkedServer track(ForkedServer server) {
    servers.add(server);
    return server;
  }

  private static String createStore(ForkedServer server, String id) throws Exception {
    return createStore(server, id, ADMIN_TOKEN);
  }

  /** Creates a store through the admin API and returns its write key. */
  private static String createStore(ForkedServer server, String id, String adminToken) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/admin/stores"))
        .header("Authorization", "Bearer " + adminToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("id", id).put("name", "Store " + id).encode()))
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), "creating store " + id + ": " + response.body());
    return new JsonObject(response.body()).getJsonObject("writeKey").getString("key");
  }

  private static HttpResponse<String> postEvents(ForkedServer server, String writeKey, Collection<String> ids)
      throws IOException, InterruptedException {
    return HTTP.send(eventsRequest(server, writeKey, ids), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest eventsRequest(ForkedServer server, String writeKey, Collection<String> ids) {
    JsonArray events = new JsonArray();
    String now = Instant.now().toString();
    for (String id : ids) {
      events.add(new JsonObject().put("id", id).put("type", "page_viewed").put("time", now).put("visitorId", "v-" + id));
    }
    return HttpRequest.newBuilder(server.uri("/v1/events"))
        .header("Authorization", "Bearer " + writeKey)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("events", events).encode()))
        .build();
  }

  /** Every one of {@code ids} is a row of the event log, read over JDBC from the embedded PostgreSQL. */
  private static void assertAllStored(Path data, String store, Collection<String> ids, String context) throws SQLException {
    Set<String> found = new HashSet<>();
    try (Connection connection = EmbeddedPostmaster.running(data).connect();
        PreparedStatement query = connection.prepareStatement(
            "SELECT event_id FROM events WHERE store_id = ? AND event_id = ANY(?)")) {
      Array idArray = connection.createArrayOf("text", ids.toArray());
      query.setString(1, store);
      query.setArray(2, idArray);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getString(1));
        }
      }
    }
    List<String> missing = ids.stream().filter(id -> !found.contains(id)).sorted().toList();
    assertTrue(missing.isEmpty(), missing.size() + " of " + ids.size() + " acknowledged events are not in the log, e.g. "
        + missing.subList(0, Math.min(10, missing.size())) + "; " + context);
  }

  private static Map<String, String> durabilitySettings(EmbeddedPostmaster postmaster) throws SQLException {
    Map<String, String> settings = new TreeMap<>();
    try (Connection connection = postmaster.connect();
        PreparedStatement query = connection.prepareStatement(
            "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        settings.put(rows.getString(1), rows.getString(2));
      }
    }
    return settings;
  }

  /** POST requests the server is handling now, from its Prometheus metrics. */
  private static int activePosts(ForkedServer server) {
    try {
      HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(server.uri("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher matcher = Pattern.compile("^vertx_http_server_active_requests\\{method=\"POST\"} (\\S+)$", Pattern.MULTILINE)
          .matcher(metrics.body());
      return matcher.find() ? (int) Double.parseDouble(matcher.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String find(String text, String regex, ForkedServer server) {
    Matcher matcher = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertTrue(matcher.find(), "no line matching " + regex + server.describe());
    return matcher.group(1);
  }

  /**
   * {@code POST /v1/events} over a plain socket, its body sent in two parts: between them the
   * request is in flight, for as long as the test wants.
   */
  private static final class SlowRequest implements AutoCloseable {
    private final Socket socket;
    private final byte[] rest;

    private SlowRequest(Socket socket, byte[] rest) {
      this.socket = socket;
      this.rest = rest;
    }

    /** Sends the headers and half of the body. */
    static SlowRequest begin(ForkedServer server, String writeKey, List<String> ids) throws IOException {
      JsonArray events = new JsonArray();
      for (String id : ids) {
        events.add(new JsonObject().put("id", id).put("type", "page_viewed").put("time", Instant.now().toString())
            .put("visitorId", "v-" + id));
      }
      byte[] body = new JsonObject().put("events", events).toBuffer().getBytes();
      String head = "POST /v1/events HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + server.port() + "\r\n"
          + "Authorization: Bearer " + writeKey + "\r\n"
          + "Content-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\n"
          + "Connection: close\r\n\r\n";
      Socket socket = new Socket("127.0.0.1", server.port());
      socket.setSoTimeout((int) SHUTDOWN_TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      return new SlowRequest(socket, Arrays.copyOfRange(body, body.length / 2, body.length));
    }

    /** Sends the rest of the body and returns the whole answer, or why there is none. */
    String finish() {
      try {
        socket.getOutputStream().write(rest);
        socket.getOutputStream().flush();
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return answer.isEmpty() ? "(connection closed without an answer)" : answer;
      } catch (IOException e) {
        return "(" + e + ")";
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * Storefront threads, each posting batches of new events as fast as the server answers, and
   * remembering every id whose request was answered 202.
   */
  private static final class Storefronts implements AutoCloseable {
    private final ForkedServer server;
    private final String writeKey;
    private final String idPrefix;
    private final int eventsPerBatch;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger answeredAfterSignal = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile long signalledAt;
    private volatile boolean stopped;

    Storefronts(ForkedServer server, String writeKey, String idPrefix, int eventsPerBatch) {
      this.server = server;
      this.writeKey = writeKey;
      this.idPrefix = idPrefix;
      this.eventsPerBatch = eventsPerBatch;
    }

    void start(int threadCount, int batchesPerThread) {
      for (int t = 0; t < threadCount; t++) {
        int storefront = t;
        Thread thread = new Thread(() -> post(storefront, batchesPerThread), "storefront-" + t);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    private void post(int storefront, int batches) {
      for (int batch = 0; batch < batches && !stopped; batch++) {
        List<String> ids = new ArrayList<>(eventsPerBatch);
        for (int i = 0; i < eventsPerBatch; i++) {
          ids.add(idPrefix + "-" + storefront + "-" + batch + "-" + i);
        }
        long sent = System.nanoTime();
        String outcome;
        try {
          HttpResponse<String> response =
              HTTP.send(eventsRequest(server, writeKey, ids), HttpResponse.BodyHandlers.ofString());
          outcome = Integer.toString(response.statusCode());
          if (response.statusCode() == 202) {
            acknowledged.addAll(ids);
          }
        } catch (IOException e) {
          outcome = "connection error";
        } catch (InterruptedException e) {
          return;
        }
        long signal = signalledAt;
        if (signal != 0) {
          outcome += " after the signal";
          if (outcome.startsWith("202") && sent < signal) {
            answeredAfterSignal.incrementAndGet();
          }
        }
        outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
        if (outcome.equals("connection error after the signal")) {
          return; // the server has stopped accepting connections
        }
      }
    }

    /** Marks the moment a signal is sent: requests sent before it and answered 202 were drained. */
    void signalled() {
      signalledAt = System.nanoTime();
    }

    void awaitAcknowledged(int events, Duration timeout) {
      try {
        Deadline.await(timeout, events + " acknowledged events", () -> acknowledged.size() >= events);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + ": " + summary() + server.describe(), e);
      }
    }

    void stopAndJoin(Duration timeout) throws InterruptedException {
      stopped = true;
      join(timeout);
    }

    void join(Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      for (Thread thread : threads) {
        thread.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        assertFalse(thread.isAlive(), thread.getName() + " still posting after " + timeout + ": " + summary());
      }
    }

    Set<String> acknowledged() {
      return acknowledged;
    }

    Set<String> unexpectedOutcomes(Set<String> expected) {
      return outcomes.keySet().stream().filter(outcome -> !expected.contains(outcome)).collect(Collectors.toSet());
    }

    /** Stops the threads of a test that ends early; they must not post on into the next one. */
    @Override
    public void close() throws InterruptedException {
      stopped = true;
      for (Thread thread : threads) {
        thread.interrupt();
        thread.join(5_000);
      }
    }

    String summary() {
      return acknowledged.size() + " events acknowledged; requests by outcome " + new TreeMap<>(outcomes)
          + "; answered 202 after the signal though sent before it: " + answeredAfterSignal.get();
    }
  }
}
