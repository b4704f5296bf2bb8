package io.storepulse.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crash drill of a forked storepulse: storefront threads stream batches of events, the whole
 * machine (the server JVM and its embedded PostgreSQL) is killed with SIGKILL once a third of the
 * batches are acknowledged and every partition has checkpointed, the server restarts on the same
 * data directory and every batch that was not acknowledged is sent again. What a test then finds
 * in the database proves that no acknowledged effect was lost and none was applied twice; the
 * drill itself proves that the crash really cut the stream short and that the restart resumed
 * from checkpoints rather than starting over.
 *
 * <p>One drill per test: it tracks the servers it starts and {@link #close() closes} them in
 * reverse order.
 */
public final class CrashDrill implements AutoCloseable {

  /** One HTTP/1.1 client for the drill and the checks a test makes against the forked server. */
  public static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  private static final Pattern RESUMED = Pattern.compile("resumes after log position (\\d+) \\(log end (\\d+)\\)");

  private final String adminToken;
  private final int partitions;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<ForkedServer> servers = new ArrayList<>();

  /** A drill against servers with {@code partitions} pipeline partitions flushing every 500ms. */
  public CrashDrill(String adminToken, int partitions) {
    this.adminToken = adminToken;
    this.partitions = partitions;
    env.put("STOREPULSE_PIPELINE_PARTITIONS", Integer.toString(partitions));
    env.put("STOREPULSE_PIPELINE_FLUSH_INTERVAL", "500ms");
  }

  /** Another environment variable for every server the drill starts. */
  public CrashDrill env(String variable, String value) {
    env.put(variable, value);
    return this;
  }

  /** Requests of one store, numbered in the order they are queued for sending. */
  public record Batch(int number, String store, JsonArray events) {
  }

  /** The batches acknowledged before the crash. */
  public record Crash(Set<Integer> acknowledged) {

    public int acknowledgedCount() {
      return acknowledged.size();
    }
  }

  /** Starts a server on {@code data}, waits until it is ready and tracks it for {@link #close()}. */
  public ForkedServer start(String name, Path data) {
    ForkedServer.Builder builder = ForkedServer.builder(name, data).adminToken(adminToken);
    env.forEach(builder::env);
    ForkedServer server = builder.start();
    servers.add(server);
    server.awaitReady();
    return server;
  }

  /** Creates a store through the admin API; returns the answer (write key and read token). */
  public JsonObject createStore(ForkedServer server, String id) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/admin/stores"))
        .header("Authorization", "Bearer " + adminToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("id", id).put("name", id).encode()))
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  /** The write key in the answer of {@link #createStore}. */
  public static String writeKey(JsonObject store) {
    return store.getJsonObject("writeKey").getString("key");
  }

  /**
   * Streams {@code batches} from {@code storefronts} threads to {@code server} (write keys by store)
   * and kills the machine once a third of them are acknowledged and every partition has
   * checkpointed, while batches are still arriving.
   */
  public Crash streamAndCrash(ForkedServer server, Path data, Map<String, String> writeKeys, List<Batch> batches,
      int storefronts) throws InterruptedException {
    Queue<Batch> toSend = new ConcurrentLinkedQueue<>(batches);
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    EmbeddedPostmaster postmaster = EmbeddedPostmaster.running(data);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < storefronts; t++) {
      Thread thread = new Thread(() -> stream(server, writeKeys, toSend, acknowledged), "storefront-" + t);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    Deadline.await(Duration.ofSeconds(30), "a third of the batches acknowledged and a checkpoint persisted",
        () -> acknowledged.size() >= batches.size() / 3 && checkpointedPosition(postmaster) > 0);
    killMachine(server, postmaster);
    for (Thread thread : threads) {
      thread.join(15_000);
      assertTrue(!thread.isAlive(), thread.getName() + " still posting to a dead server");
    }
    Crash crash = new Crash(Set.copyOf(acknowledged));
    assertTrue(crash.acknowledgedCount() < batches.size(), "the stream ended before the crash; nothing was cut short");
    return crash;
  }

  /** SIGKILL of the server JVM and of its embedded PostgreSQL, as if the machine died; waits for both. */
  public static void killMachine(ForkedServer server, EmbeddedPostmaster postmaster) {
    server.sigkill();
    postmaster.killWithChildren(Duration.ofSeconds(20));
    server.awaitExit(Duration.ofSeconds(10));
  }

  /** Sends every batch not acknowledged before the crash to the restarted server; each must be answered 202. */
  public static void resendUnacknowledged(ForkedServer restarted, Map<String, String> writeKeys, List<Batch> batches,
      Crash crash) throws IOException, InterruptedException {
    for (Batch batch : batches) {
      if (!crash.acknowledged().contains(batch.number())) {
        int status = post(restarted, writeKeys.get(batch.store()), batch.events());
        assertEquals(202, status, "batch " + batch.number() + " after the restart" + restarted.describe());
      }
    }
  }

  /** The restart restored checkpoints and replayed the log after them, rather than starting over. */
  public static void assertResumedFromCheckpoints(ForkedServer restarted) {
    Matcher resumed = RESUMED.matcher(restarted.stdout());
    boolean restored = false;
    boolean replayed = false;
    while (resumed.find()) {
      long position = Long.parseLong(resumed.group(1));
      restored |= position > 0;
      replayed |= position < Long.parseLong(resumed.group(2));
    }
    assertTrue(restored, "no partition resumed from a checkpoint" + restarted.describe());
    assertTrue(replayed, "no partition had log to replay after its checkpoint" + restarted.describe());
  }

  /** Posts batches until there are none left or the server stops answering; only 202 counts as acknowledged. */
  private static void stream(ForkedServer server, Map<String, String> writeKeys, Queue<Batch> toSend,
      Set<Integer> acknowledged) {
    Batch batch;
    while ((batch = toSend.poll()) != null) {
      try {
        if (post(server, writeKeys.get(batch.store()), batch.events()) == 202) {
          acknowledged.add(batch.number());
        }
      } catch (IOException e) {
        return; // the server is gone; the batch stays unacknowledged and is resent after the restart
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** {@code POST /v1/events} of {@code events}; returns the status. */
  private static int post(ForkedServer server, String writeKey, JsonArray events)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/events"))
        .header("Authorization", "Bearer " + writeKey)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("events", events).encode()))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** The lowest position the partitions have checkpointed, 0 before all have. */
  private long checkpointedPosition(EmbeddedPostmaster postmaster) {
    try (Connection db = postmaster.connect();
        var statement = db.createStatement();
        var rows = statement.executeQuery("SELECT CASE WHEN count(*) = " + partitions
            + " THEN min(position) ELSE 0 END FROM pipeline_checkpoints")) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      return 0; // the migrations may not have created the table yet
    }
  }

  /** Closes every server the drill started, the last first. */
  @Override
  public void close() {
    for (int i = servers.size() - 1; i >= 0; i--) {
      servers.get(i).close();
    }
  }
}
