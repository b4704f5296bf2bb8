package io.storepulse.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A dashboard's copy of one subscription, built only from the messages its client receives, as a
 * browser would: {@code subscribed}, then the start it announced (a {@code snapshot}; a
 * {@code reset} and a {@code snapshot}; or, on a resume, the missed updates), then updates applied
 * in order. It fails on the first break of the protocol: a message out of place, or an update
 * that does not start right after the seq the copy is at (a gap or a repeat). An {@code error}
 * under its id answers a request, not the subscription: it is kept ({@link #errors()}), not applied.
 *
 * <p>A mirror outlives its connection: {@link #follow} moves it to a new client that resumes
 * the subscription with {@code since} = {@link #seq()}. Not thread-safe; the test thread calls
 * {@link #catchUp()}, which applies what arrived since the last call.
 */
public final class DashboardMirror {

  private enum Phase { SUBSCRIBING, RESETTING, AWAITING_SNAPSHOT, LIVE, UNSUBSCRIBED }

  /** One update as received. */
  public record Applied(long fromSeq, long seq, JsonObject values, JsonArray removed) {

    public boolean coalesced() {
      return fromSeq < seq;
    }
  }

  private final String id;
  private DashboardClient client;
  private int cursor;
  private Phase phase = Phase.SUBSCRIBING;
  private boolean hasState;
  private long seq;
  private JsonObject state = new JsonObject();
  private final List<String> starts = new ArrayList<>();
  private final List<JsonObject> subscribedMessages = new ArrayList<>();
  private final List<Long> snapshotSeqs = new ArrayList<>();
  private final List<Applied> updates = new ArrayList<>();
  private final List<JsonObject> errors = new ArrayList<>();

  DashboardMirror(DashboardClient client, String id, int fromMessage) {
    this.client = client;
    this.id = id;
    this.cursor = fromMessage;
  }

  /** Moves to a new connection, whose subscription under the same id resumes from {@link #seq()}. */
  public DashboardMirror follow(DashboardClient next) {
    catchUp();
    client = next;
    cursor = 0;
    phase = Phase.SUBSCRIBING;
    return this;
  }

  /** Applies every message of the subscription that arrived since the last call. */
  public DashboardMirror catchUp() {
    while (cursor < client.count()) {
      JsonObject message = client.received(cursor++);
      if (id.equals(message.getString("id"))) {
        apply(message);
      }
    }
    return this;
  }

  /** Waits until the mirror (caught up) satisfies a condition; returns its state then. */
  public JsonObject await(String what, Predicate<DashboardMirror> condition) {
    return await(Duration.ofSeconds(20), what, condition);
  }

  public JsonObject await(Duration timeout, String what, Predicate<DashboardMirror> condition) {
    try {
      Deadline.await(timeout, id + ": " + what, () -> condition.test(catchUp()));
    } catch (AssertionError timedOut) {
      throw new AssertionError(timedOut.getMessage() + "; " + phase + " at seq " + seq + " with "
          + abbreviated(state) + (errors.isEmpty() ? "" : "; errors: " + errors), timedOut);
    }
    return state();
  }

  /** Waits for the start (snapshot, replay or reset + snapshot) to be applied. */
  public DashboardMirror awaitLive() {
    await("the subscription's start", DashboardMirror::live);
    return this;
  }

  /** Whether the start has been applied and updates are being followed. */
  public boolean live() {
    return phase == Phase.LIVE;
  }

  public boolean unsubscribed() {
    return phase == Phase.UNSUBSCRIBED;
  }

  public String id() {
    return id;
  }

  /** The seq of the last message applied. */
  public long seq() {
    assertTrue(hasState, id + " has no state yet");
    return seq;
  }

  /** A copy of the state: key to value. */
  public JsonObject state() {
    return state.copy();
  }

  /** The {@code start} of every {@code subscribed}, one per connection. */
  public List<String> starts() {
    return List.copyOf(starts);
  }

  public List<JsonObject> subscribedMessages() {
    return List.copyOf(subscribedMessages);
  }

  /** The seq of every snapshot applied. */
  public List<Long> snapshotSeqs() {
    return List.copyOf(snapshotSeqs);
  }

  /** The {@code error}s received under this id. */
  public List<JsonObject> errors() {
    return List.copyOf(errors);
  }

  /** Every update applied, in order. */
  public List<Applied> updates() {
    return List.copyOf(updates);
  }

  /** The number of updates applied so far; with {@link #updatesSince} the updates of one phase of a test. */
  public int updateCount() {
    return updates.size();
  }

  public List<Applied> updatesSince(int index) {
    return List.copyOf(updates.subList(index, updates.size()));
  }

  private void apply(JsonObject message) {
    String type = message.getString("type");
    if ("error".equals(type)) {
      errors.add(message); // answers a request under this id; the subscription, if any, goes on
      return;
    }
    switch (phase) {
      case SUBSCRIBING -> {
        expect("subscribed", message);
        String start = message.getString("start");
        starts.add(start);
        subscribedMessages.add(message);
        switch (start) {
          case "snapshot" -> phase = Phase.AWAITING_SNAPSHOT;
          case "reset" -> phase = Phase.RESETTING;
          case "replay" -> {
            assertTrue(hasState, id + ": a replay for a subscription that never had a state: " + message.encode());
            phase = Phase.LIVE;
          }
          default -> fail(id + ": unknown start " + message.encode());
        }
      }
      case RESETTING -> {
        expect("reset", message);
        state = new JsonObject();
        phase = Phase.AWAITING_SNAPSHOT;
      }
      case AWAITING_SNAPSHOT -> {
        expect("snapshot", message);
        state = message.getJsonObject("state").copy();
        seq = message.getLong("seq");
        snapshotSeqs.add(seq);
        hasState = true;
        phase = Phase.LIVE;
      }
      case LIVE -> {
        if ("unsubscribed".equals(type)) {
          phase = Phase.UNSUBSCRIBED;
          return;
        }
        expect("update", message);
        long fromSeq = message.getLong("fromSeq");
        long to = message.getLong("seq");
        assertEquals(seq + 1, fromSeq, id + ": an update must start right after seq " + seq + ": " + abbreviated(message));
        assertTrue(to >= fromSeq, id + ": seq before fromSeq: " + abbreviated(message));
        JsonObject values = message.getJsonObject("values");
        JsonArray removed = message.getJsonArray("removed");
        assertTrue(!values.isEmpty() || !removed.isEmpty(), id + ": an empty update: " + message.encode());
        values.forEach(entry -> state.put(entry.getKey(), entry.getValue()));
        removed.forEach(key -> state.remove((String) key));
        seq = to;
        updates.add(new Applied(fromSeq, to, values, removed));
      }
      case UNSUBSCRIBED -> fail(id + ": a message after unsubscribed: " + abbreviated(message));
    }
  }

  private void expect(String type, JsonObject message) {
    assertEquals(type, message.getString("type"), id + " expected " + type + " (" + phase + "), got "
        + abbreviated(message));
  }

  private static String abbreviated(JsonObject message) {
    String text = message.encode();
    return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
  }
}
