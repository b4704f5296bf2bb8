package io.storepulse.pipeline;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestPostgres;
import io.storepulse.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded stream of every commerce type, sent through HTTP with disorder, duplicates and events
 * later than the allowed lateness, against the plain recomputation of every window from the
 * distinct events: the persisted results must agree exactly (visitors, a sketch, within 3 %).
 */
class PipelineGroundTruthTest {

  private static final long SEED = 20_251_121L;
  private static final int PARTITIONS = 4;
  private static final List<String> STORES = List.of("gt-north", "gt-south", "gt-east", "gt-west");
  private static final int EVENTS = 5_000;
  private static final double DUPLICATE_SHARE = 0.05;
  private static final int LATE_EVENTS = 50;
  private static final int BATCH = 100;
  private static final Duration DISORDER = Duration.ofSeconds(5);
  private static final double VISITOR_TOLERANCE = 0.03;
  private static final Duration CATCH_UP = Duration.ofSeconds(60);

  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyPersistedWindowEqualsTheRecomputationFromTheDistinctEvents() throws Exception {
    server = TestServer.start(Map.of(
        "pipeline.partitions", Integer.toString(PARTITIONS),
        "pipeline.flushInterval", "200ms",
        "windows.outOfOrderness", "5s",
        "windows.allowedLateness", "5s",
        "windows.idleGrace", "1s"));
    Map<String, String> writeKeys = new LinkedHashMap<>();
    STORES.forEach(store -> writeKeys.put(store, server.writeKeyOfNewStore(store)));

    Random random = new Random(SEED);
    ShopEvents shop = new ShopEvents(random, 250, 30);
    // event times over 8 minutes ending 30 s ago: in the past, so every 1m window can close, and
    // recent enough that a late event still finds its window within the 10 min correction horizon
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant first = now.minus(Duration.ofSeconds(510));
    long span = Duration.ofMinutes(8).toMillis();
    List<Timed> generated = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      int storeIndex = random.nextInt(STORES.size());
      Instant time = first.plusMillis(span * i / EVENTS + random.nextInt(100));
      JsonObject event = shop.next("gt-" + i, STORES.get(storeIndex), storeIndex, time);
      generated.add(new Timed(event, time.toEpochMilli() + (long) (random.nextDouble() * DISORDER.toMillis())));
    }
    // delivered in arrival order: at most DISORDER behind the latest event time
    generated.sort(Comparator.comparingLong(Timed::arrival));
    List<JsonObject> sendOrder = new ArrayList<>();
    generated.forEach(timed -> sendOrder.add(timed.event()));
    insertDuplicates(sendOrder, random);

    Set<String> sent = new HashSet<>();
    sendPerStore(sendOrder, writeKeys, sent);

    try (Connection db = TestPostgres.connect(server.database())) {
      Deadline.awaitSql(CATCH_UP, "the pipeline to apply the whole log and close every 1m window",
          () -> PersistedWindows.caughtUp(db, PARTITIONS) && PersistedWindows.provisional(db, STORES, "1m") == 0);

      // later than the allowed lateness: old times, sent once every window they fall into is final
      List<JsonObject> late = new ArrayList<>();
      Instant lateFrom = now.minus(Duration.ofMinutes(7));
      for (int i = 0; i < LATE_EVENTS; i++) {
        int storeIndex = random.nextInt(STORES.size());
        Instant time = lateFrom.plusMillis(random.nextInt((int) Duration.ofMinutes(5).toMillis()));
        late.add(shop.next("gt-late-" + i, STORES.get(storeIndex), storeIndex, time));
      }
      List<JsonObject> lateSendOrder = new ArrayList<>(late);
      lateSendOrder.add(late.get(0).copy()); // a late duplicate
      lateSendOrder.add(sendOrder.get(7).copy()); // an on-time event sent again, much later
      sendPerStore(lateSendOrder, writeKeys, sent);

      Set<ReferenceWindows.Key> lateWindows = new TreeSet<>();
      for (JsonObject event : late) {
        lateWindows.addAll(ReferenceWindows.tumbling(List.of(event), "1m", Duration.ofMinutes(1)).keySet());
      }
      Deadline.awaitSql(CATCH_UP, "the pipeline to apply the late events as corrections", () -> {
        if (!PersistedWindows.caughtUp(db, PARTITIONS)) {
          return false;
        }
        Map<ReferenceWindows.Key, PersistedWindows.Row> windows = PersistedWindows.read(db, STORES, "1m");
        return lateWindows.stream().allMatch(key -> windows.containsKey(key)
            && windows.get(key).status().equals("corrected"));
      });

      List<JsonObject> distinct = distinct(sendOrder);
      distinct.addAll(late);
      assertEquals(EVENTS + LATE_EVENTS, distinct.size(), "the generator's ids are unique");
      assertEquals(distinct.size(), server.eventRows(""), "the log holds each distinct event once");

      Map<ReferenceWindows.Key, PersistedWindows.Row> minutes = PersistedWindows.read(db, STORES, "1m");
      List<String> problems = new ArrayList<>(ReferenceWindows.differences(
          ReferenceWindows.tumbling(distinct, "1m", Duration.ofMinutes(1)), minutes, VISITOR_TOLERANCE));
      problems.addAll(ReferenceWindows.differences(
          ReferenceWindows.tumbling(distinct, "1h", Duration.ofHours(1)),
          PersistedWindows.read(db, STORES, "1h"), VISITOR_TOLERANCE));
      problems.addAll(ReferenceWindows.differences(
          ReferenceWindows.hopping(distinct, "5m", Duration.ofMinutes(5), Duration.ofMinutes(1)),
          PersistedWindows.read(db, STORES, "5m"), VISITOR_TOLERANCE));
      assertTrue(problems.isEmpty(), ReferenceWindows.summary(problems, 25));

      Map<String, Long> statuses = new TreeMap<>();
      minutes.values().forEach(row -> statuses.merge(row.status(), 1L, Long::sum));
      assertEquals(Set.of("final", "corrected"), statuses.keySet(), "statuses of the 1m windows: " + statuses);

      Set<String> sideOutput = lateEventIds(db);
      List<String> missing = late.stream().map(e -> e.getString("id")).filter(id -> !sideOutput.contains(id)).toList();
      assertTrue(missing.isEmpty(), "late events missing from late_events: " + missing);
    }
  }

  /** About 5 % of the events again, some in the same request, some many requests later. */
  private static void insertDuplicates(List<JsonObject> sendOrder, Random random) {
    int originals = sendOrder.size();
    for (int n = (int) (originals * DUPLICATE_SHARE); n > 0; n--) {
      int original = random.nextInt(originals);
      int at = Math.min(sendOrder.size(), original + 1 + random.nextInt(random.nextBoolean() ? 50 : 2_000));
      sendOrder.add(at, sendOrder.get(original).copy());
    }
  }

  /**
   * Sends the events in order, in requests of up to {@link #BATCH} events of one store (a write
   * key belongs to one store), checking each answer: a first sending is accepted, a resent id is a
   * duplicate.
   */
  private void sendPerStore(List<JsonObject> events, Map<String, String> writeKeys, Set<String> sent) {
    Map<String, JsonArray> pending = new LinkedHashMap<>();
    Map<String, Integer> expectedDuplicates = new TreeMap<>();
    for (JsonObject event : events) {
      String store = event.getString("storeId");
      JsonArray batch = pending.computeIfAbsent(store, s -> new JsonArray());
      if (!sent.add(store + "/" + event.getString("id"))) {
        expectedDuplicates.merge(store, 1, Integer::sum);
      }
      batch.add(event);
      if (batch.size() == BATCH) {
        send(store, writeKeys.get(store), pending.remove(store), expectedDuplicates.getOrDefault(store, 0));
        expectedDuplicates.remove(store);
      }
    }
    pending.forEach((store, batch) ->
        send(store, writeKeys.get(store), batch, expectedDuplicates.getOrDefault(store, 0)));
  }

  private void send(String store, String writeKey, JsonArray batch, int duplicates) {
    JsonObject answer = assertIngestAnswer(server.ingest(writeKey, new JsonObject().put("events", batch)), batch.size());
    assertEquals(0, answer.getInteger("rejected"), store + ": " + answer.encode());
    assertEquals(duplicates, answer.getInteger("duplicates"), store + ": " + answer.encode());
  }

  private static List<JsonObject> distinct(List<JsonObject> events) {
    Map<String, JsonObject> byId = new LinkedHashMap<>();
    events.forEach(event -> byId.putIfAbsent(event.getString("storeId") + "/" + event.getString("id"), event));
    return new ArrayList<>(byId.values());
  }

  private static Set<String> lateEventIds(Connection db) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (PreparedStatement query = db.prepareStatement("SELECT event_id FROM late_events");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }


  private record Timed(JsonObject event, long arrival) {
  }
}
