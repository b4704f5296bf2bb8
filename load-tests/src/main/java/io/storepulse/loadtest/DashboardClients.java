package io.storepulse.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * A block of dashboard clients on one event loop: each opens {@code /v1/dashboard/ws}, subscribes
 * to the channels a dashboard shows ({@code metrics} and {@code trending} of the short window,
 * {@code inventory}, {@code alerts}) and then only reads. Per message it looks at the few bytes
 * it needs and parses nothing else: the type and subscription id at the head, the seqs of an
 * update (to check that {@code fromSeq} follows the last seq: no gap), and, in inventory
 * messages only, the probe SKU's {@code onHand}, found by a byte search.
 *
 * <p>Counts only while {@code measuring} is set, except gaps, errors and closes, which count
 * always. Its figures ({@link #stats()}) are read after it is undeployed.
 */
final class DashboardClients extends VerticleBase {

  /** Subscription ids, one letter each: metrics, trending, inventory, alerts. */
  static final String[] CHANNELS = {"metrics", "trending", "inventory", "alerts"};
  private static final int INVENTORY = 2;
  private static final int CONNECTING_AT_ONCE = 32;
  private static final long LOOP_TICK_MILLIS = 10;

  private static final byte[] FROM_SEQ = bytes("\"fromSeq\":");
  private static final byte[] SEQ = bytes("\"seq\":");
  private static final byte[] ID = bytes("\"id\":\"");
  /** Where the probe SKU starts in the needle {@code "sku":"<probe SKU>","onHand":}. */
  private static final int PROBE_ANCHOR = "\"sku\":\"".length();

  /** What a block saw; summed over blocks for the report. */
  record Stats(long updates, long coalesced, long bytes, long[] perChannel, long gaps, long errors,
      String firstError, long serverCloses, Histogram loopDelayMicros) {
  }

  private final int port;
  private final String uri;
  private final String store;
  private final String window;
  private final int firstClient;
  private final int count;
  private final ProbeLog probes;
  private final byte[] probeNeedle;
  private final long probeBase;
  private final LongAdder messages;
  private final AtomicBoolean measuring;
  private final Promise<Void> ready = Promise.promise();

  private WebSocketClient client;
  private final List<WebSocket> sockets = new ArrayList<>();
  private int nextToConnect;
  private int readyClients;
  private boolean stopping;
  private long loopTimer;
  private long lastTickNanos;

  // per client
  private final long[] seqs;
  private final int[] startsLeft;
  private final int[] probeSeen;
  /** The subscription and type of a message whose first frame came, until its last frame. */
  private final int[] openSubscription;
  private final byte[] openType;
  /** The frames so far of an open inventory message, for the probe search at its end. */
  private final Buffer[] openInventory;
  /** Where an inventory message is copied for the probe search, which is faster over an array. */
  private byte[] scratch = new byte[64 * 1024];

  // counted while measuring
  private long updates;
  private long coalesced;
  private long bytes;
  private final long[] perChannel = new long[CHANNELS.length];
  private final Histogram loopDelayMicros = new Histogram(60_000_000L, 3);
  // counted always
  private long gaps;
  private long errors;
  private String firstError;
  private long serverCloses;

  /**
   * @param probeSku the SKU whose {@code onHand} of {@code probeBase + k} shows probe {@code k}
   * @param messages every message received, for the per-second fan-out
   */
  DashboardClients(int port, String readToken, String store, String window, int firstClient, int count,
      ProbeLog probes, String probeSku, long probeBase, LongAdder messages, AtomicBoolean measuring) {
    this.port = port;
    this.uri = "/v1/dashboard/ws?token=" + readToken;
    this.store = store;
    this.window = window;
    this.firstClient = firstClient;
    this.count = count;
    this.probes = probes;
    this.probeNeedle = bytes("\"sku\":\"" + probeSku + "\",\"onHand\":");
    this.probeBase = probeBase;
    this.messages = messages;
    this.measuring = measuring;
    this.seqs = new long[count * CHANNELS.length];
    this.startsLeft = new int[count];
    this.probeSeen = new int[count];
    this.openSubscription = new int[count];
    this.openType = new byte[count];
    this.openInventory = new Buffer[count];
  }

  /** Completes once every client of the block has the start of each of its subscriptions. */
  Future<Void> ready() {
    return ready.future();
  }

  Stats stats() {
    return new Stats(updates, coalesced, bytes, perChannel.clone(), gaps, errors, firstError, serverCloses,
        loopDelayMicros);
  }

  @Override
  public Future<?> start() {
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(port)
        .setMaxConnections(count + CONNECTING_AT_ONCE));
    for (int i = 0; i < Math.min(CONNECTING_AT_ONCE, count); i++) {
      connectNext();
    }
    lastTickNanos = System.nanoTime();
    loopTimer = vertx.setPeriodic(LOOP_TICK_MILLIS, id -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(loopTimer);
    List<Future<Void>> closed = new ArrayList<>();
    sockets.forEach(socket -> closed.add(socket.close()));
    return Future.join(closed).eventually(() -> client.close());
  }

  /** How late the event loop runs a 10 ms timer: a driver that falls behind shows here. */
  private void tick() {
    long now = System.nanoTime();
    long lateMicros = (now - lastTickNanos) / 1000 - LOOP_TICK_MILLIS * 1000;
    lastTickNanos = now;
    if (measuring.get()) {
      loopDelayMicros.recordValue(Math.max(0, Math.min(lateMicros, loopDelayMicros.getHighestTrackableValue())));
    }
  }

  private void connectNext() {
    if (nextToConnect == count) {
      return;
    }
    int c = nextToConnect++;
    client.connect(new WebSocketConnectOptions().setURI(uri)).onComplete(connected -> {
      if (connected.failed()) {
        ready.tryFail(new IllegalStateException("dashboard client " + (firstClient + c) + " cannot connect: "
            + connected.cause()));
        return;
      }
      WebSocket socket = connected.result();
      sockets.add(socket);
      startsLeft[c] = CHANNELS.length;
      socket.frameHandler(frame -> onFrame(c, frame));
      socket.exceptionHandler(failure -> error(c, "socket: " + failure));
      socket.closeHandler(v -> {
        if (!stopping) {
          serverCloses++;
          error(c, "closed by the server: " + socket.closeStatusCode() + " " + socket.closeReason());
        }
      });
      for (int s = 0; s < CHANNELS.length; s++) {
        StringBuilder subscribe = new StringBuilder("{\"op\":\"subscribe\",\"id\":\"").append(CHANNELS[s].charAt(0))
            .append("\",\"channel\":\"").append(CHANNELS[s]).append("\",\"store\":\"").append(store).append('"');
        if (s < 2) {
          subscribe.append(",\"window\":\"").append(window).append('"');
        }
        socket.writeTextMessage(subscribe.append('}').toString());
      }
      connectNext();
    });
  }

  private void onFrame(int c, WebSocketFrame frame) {
    if (!frame.isText() && !frame.isContinuation()) {
      return; // pings are answered by Vert.x; the server sends no binary frames
    }
    long now = System.nanoTime();
    Buffer data = frame.binaryData();
    boolean counting = measuring.get();
    if (counting) {
      bytes += data.length();
    }
    if (frame.isContinuation()) {
      Buffer open = openInventory[c];
      if (open != null) {
        open.appendBuffer(data);
        if (frame.isFinal()) {
          openInventory[c] = null;
          probe(c, openType[c], open, now);
        }
      }
      return;
    }
    messages.increment();
    // {"type":"update","id":"i",... — the type's first two letters tell them apart
    byte type = type(data.getByte(9), data.getByte(10));
    int sub = subscription(data);
    if (sub < 0) {
      error(c, data.toString(StandardCharsets.UTF_8));
      return;
    }
    switch (type) {
      case 'p' -> update(c, sub, data, counting); // u(p)date
      case 'n' -> seq(c, sub, data, SEQ); // s(n)apshot
      case 'u' -> {
        return; // s(u)bscribed; its snapshot follows
      }
      default -> {
        error(c, data.toString(StandardCharsets.UTF_8)); // e(r)ror, r(e)set: neither expected here
        return;
      }
    }
    if (type == 'n' && --startsLeft[c] == 0 && ++readyClients == count) {
      ready.tryComplete();
    }
    if (sub == INVENTORY) {
      if (frame.isFinal()) {
        probe(c, type, data, now);
      } else {
        openInventory[c] = Buffer.buffer(data.length() * 2).appendBuffer(data);
        openType[c] = type;
      }
    }
  }

  /** 'p' for update, 'n' for snapshot, 'u' for subscribed, 0 for any other type. */
  private static byte type(byte first, byte second) {
    if (first == 'u' && second == 'p' || first == 's' && (second == 'n' || second == 'u')) {
      return second;
    }
    return 0;
  }

  /** The subscription index of a message from its one-letter id; -1 for anything else. */
  private static int subscription(Buffer data) {
    int quote = indexOf(data, 9, ID);
    if (quote < 0) {
      return -1;
    }
    byte id = data.getByte(quote + ID.length);
    for (int s = 0; s < CHANNELS.length; s++) {
      if (CHANNELS[s].charAt(0) == id) {
        return s;
      }
    }
    return -1;
  }

  private void update(int c, int sub, Buffer data, boolean counting) {
    int at = indexOf(data, 20, FROM_SEQ);
    long fromSeq = number(data, at + FROM_SEQ.length);
    int seqAt = indexOf(data, at + FROM_SEQ.length, SEQ);
    long seq = number(data, seqAt + SEQ.length);
    int slot = c * CHANNELS.length + sub;
    if (fromSeq != seqs[slot] + 1) {
      gaps++;
      error(c, "gap on " + CHANNELS[sub] + ": fromSeq " + fromSeq + " after seq " + seqs[slot]);
    }
    seqs[slot] = seq;
    if (counting) {
      updates++;
      perChannel[sub]++;
      if (fromSeq < seq) {
        coalesced++;
      }
    }
  }

  private void seq(int c, int sub, Buffer data, byte[] key) {
    int at = indexOf(data, 20, key);
    seqs[c * CHANNELS.length + sub] = number(data, at + key.length);
  }

  /**
   * Looks for the probe SKU in an inventory message. An update records the arrival of every
   * probe it newly shows; a snapshot only sets where the client starts.
   */
  private void probe(int c, byte type, Buffer data, long now) {
    int length = data.length();
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    data.getBytes(0, length, scratch, 0);
    int at = indexOf(scratch, length, probeNeedle, PROBE_ANCHOR);
    if (at < 0) {
      return;
    }
    int shown = (int) (number(data, at + probeNeedle.length) - probeBase);
    if (type == 'p') {
      probeSeen[c] = probes.seen(firstClient + c, probeSeen[c], shown, now);
    } else {
      probeSeen[c] = Math.max(probeSeen[c], shown);
    }
  }

  private void error(int c, String what) {
    errors++;
    if (firstError == null) {
      firstError = "client " + (firstClient + c) + ": " + (what.length() > 300 ? what.substring(0, 300) + "…" : what);
    }
  }

  /** First index of {@code needle} in {@code data} from {@code from}; -1 when absent. */
  private static int indexOf(Buffer data, int from, byte[] needle) {
    int last = data.length() - needle.length;
    byte first = needle[0];
    outer:
    for (int i = Math.max(from, 0); i <= last; i++) {
      if (data.getByte(i) != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (data.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * {@link #indexOf(Buffer, int, byte[])} over a plain array, for the long inventory messages:
   * looks for the needle's byte at {@code anchor}, rare in the messages (the probe SKU's first
   * letter), and only then compares the rest.
   */
  private static int indexOf(byte[] data, int length, byte[] needle, int anchor) {
    byte rare = needle[anchor];
    outer:
    for (int i = anchor; i <= length - needle.length + anchor; i++) {
      if (data[i] != rare) {
        continue;
      }
      int start = i - anchor;
      for (int j = 0; j < needle.length; j++) {
        if (data[start + j] != needle[j]) {
          continue outer;
        }
      }
      return start;
    }
    return -1;
  }

  /** The non-negative integer at {@code at}; -1 when there is none. */
  private static long number(Buffer data, int at) {
    if (at < 0) {
      return -1;
    }
    long value = 0;
    int i = at;
    for (; i < data.length(); i++) {
      byte b = data.getByte(i);
      if (b < '0' || b > '9') {
        break;
      }
      value = value * 10 + (b - '0');
    }
    return i == at ? -1 : value;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
