package io.storepulse.http;

import io.storepulse.config.StorePulseConfig.DashboardSettings;
import io.storepulse.dashboard.ChannelKey;
import io.storepulse.dashboard.ClientQueue;
import io.storepulse.dashboard.CloseReason;
import io.storepulse.dashboard.DashboardHub;
import io.storepulse.dashboard.Outbound;
import io.storepulse.dashboard.Start;
import io.storepulse.dashboard.SubscribeResult;
import io.storepulse.dashboard.Update;
import io.storepulse.dashboard.feed.DashboardAddresses;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One dashboard WebSocket: reads the client's requests, writes what its {@link ClientQueue} holds
 * while the socket is writable, pings, and closes a connection that is stuck or silent. Runs on
 * the event loop of the HTTP verticle that accepted it.
 */
final class DashboardConnection {

  private static final Logger log = LoggerFactory.getLogger(DashboardConnection.class);
  private static final short GOING_AWAY = 1001;
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final ServerWebSocket socket;
  /** The HTTP connection the socket was upgraded from: closing it drops the socket at once. */
  private final HttpConnection connection;
  private final Vertx vertx;
  private final Context context;
  /** The store the viewer may see; null for the admin token. */
  private final String viewerStore;
  private final DashboardHub hub;
  private final DashboardSettings settings;
  private final List<String> windowKinds;
  private final ClientQueue queue;
  private final Map<String, View> views = new HashMap<>();
  private long lastPingNanos;
  private long lastPongNanos;
  /** The server has sent its close frame; the socket closes once the client answers it. */
  private boolean closing;
  private boolean closed;

  DashboardConnection(ServerWebSocket socket, HttpConnection connection, Vertx vertx, String viewerStore,
      DashboardHub hub, DashboardSettings settings, List<String> windowKinds) {
    this.socket = socket;
    this.connection = connection;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.viewerStore = viewerStore;
    this.hub = hub;
    this.settings = settings;
    this.windowKinds = windowKinds;
    // channels push from the feed's thread; writing happens here, on the connection's event loop
    this.queue = new ClientQueue(settings.client(), System::nanoTime, () -> context.runOnContext(v -> drain()));
    lastPingNanos = lastPongNanos = System.nanoTime();
  }

  /** Starts reading; {@code onClose} runs once when the socket closes. */
  void start(Runnable onClose) {
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(data -> refuse(DashboardRequest.Refused.badRequest(null, "send JSON text frames")));
    socket.pongHandler(data -> lastPongNanos = System.nanoTime());
    socket.drainHandler(v -> {
      queue.socketWritable();
      drain();
    });
    socket.exceptionHandler(failure -> log.debug("dashboard socket failed: {}", failure.toString()));
    socket.closeHandler(v -> {
      closed = true;
      views.clear();
      queue.close();
      onClose.run();
    });
  }

  /** Called now and then by the owner: closes a stuck or silent connection, pings when due. */
  void sweep(long nowNanos) {
    if (closed || closing) {
      return;
    }
    Optional<CloseReason> stuck = queue.checkStuck();
    if (stuck.isPresent()) {
      close(stuck.get().code(), stuck.get().reason());
    } else if (nowNanos - lastPongNanos > settings.pongTimeout().toNanos()) {
      close(GOING_AWAY, "no pong for " + settings.pongTimeout().toSeconds() + " s");
    } else if (nowNanos - lastPingNanos >= settings.pingInterval().toNanos()) {
      lastPingNanos = nowNanos;
      socket.writePing(Buffer.buffer());
    }
  }

  /** The server is shutting down: closes with 1001, so the client reconnects and resumes. */
  void goAway() {
    if (!closed && !closing) {
      close(GOING_AWAY, "the server is shutting down; reconnect and resume");
    }
  }

  private void close(short code, String reason) {
    log.info("closing dashboard connection {}: {}", socket.remoteAddress(), reason);
    closing = true;
    queue.close();
    socket.close(code, reason);
    vertx.setTimer(CLOSE_GRACE.toMillis(), id -> {
      // The close frame waits behind whatever the client has not read, and every close Vert.x
      // offers (down to its handlers in the channel's pipeline) first waits for pending writes; a
      // client that never reads would keep its place until the idle timeout. Past the grace, the
      // TCP connection is closed from the pipeline's head, under those handlers.
      if (!closed && connection instanceof ConnectionBase base) {
        base.channel().pipeline().firstContext().close();
      }
    });
  }

  private void onText(String text) {
    try {
      DashboardRequest request = DashboardRequest.parse(text, windowKinds);
      if (request instanceof DashboardRequest.Subscribe subscribe) {
        subscribe(subscribe);
      } else {
        unsubscribe(request.id());
      }
    } catch (DashboardRequest.Refused refused) {
      refuse(refused);
    }
  }

  private void subscribe(DashboardRequest.Subscribe request) {
    ChannelKey channel = request.channel();
    String id = request.id();
    if (channel.store() != null && viewerStore != null && !viewerStore.equals(channel.store())) {
      throw new DashboardRequest.Refused("forbidden", id,
          "this token is for store '" + viewerStore + "', not '" + channel.store() + "'");
    }
    if (views.containsKey(id)) {
      throw DashboardRequest.Refused.badRequest(id, "a subscription with this id exists on this connection");
    }
    if (views.size() >= settings.client().maxSubscriptions()) {
      throw DashboardRequest.Refused.badRequest(id, "at most " + settings.client().maxSubscriptions()
          + " subscriptions per connection");
    }
    View view = new View(channel, request.skus());
    views.put(id, view);
    // the channel's history is loaded on its first open; the snapshot must include it
    vertx.eventBus().request(DashboardAddresses.OPEN, channel).onComplete(opened -> {
      if (views.get(id) != view) {
        return; // unsubscribed or closed meanwhile
      }
      if (opened.failed()) {
        views.remove(id);
        refuse(new DashboardRequest.Refused("unavailable", id, opened.cause().getMessage()));
        return;
      }
      SubscribeResult result = queue.subscribe(id, hub.channel(channel), request.since());
      if (result != SubscribeResult.SUBSCRIBED) {
        views.remove(id); // the checks above make this a closing connection
      }
    });
  }

  private void unsubscribe(String id) {
    if (views.remove(id) == null) {
      throw DashboardRequest.Refused.badRequest(id, "no subscription with this id");
    }
    queue.unsubscribe(id);
    socket.writeTextMessage(DashboardMessages.unsubscribed(id));
  }

  private void refuse(DashboardRequest.Refused refused) {
    socket.writeTextMessage(DashboardMessages.error(refused.id, refused.code, refused.getMessage()));
  }

  /** Writes what waits while the socket takes it; once it backs up, updates wait and merge. */
  private void drain() {
    while (!closed) {
      if (socket.writeQueueFull()) {
        queue.socketBlocked();
        return;
      }
      Optional<Outbound> next = queue.poll();
      if (next.isEmpty()) {
        return;
      }
      View view = views.get(next.get().subscriptionId());
      if (view != null) {
        write(next.get(), view);
      }
    }
  }

  private void write(Outbound outbound, View view) {
    String id = outbound.subscriptionId();
    if (outbound instanceof Outbound.Delivered delivered) {
      writeUpdate(id, view, delivered.update());
      return;
    }
    Start start = ((Outbound.Started) outbound).start();
    if (start instanceof Start.Snapshot snapshot) {
      socket.writeTextMessage(DashboardMessages.subscribed(id, view.channel, "snapshot"));
      writeSnapshot(id, view, snapshot);
    } else if (start instanceof Start.Replay replay) {
      socket.writeTextMessage(DashboardMessages.subscribed(id, view.channel, "replay"));
      view.seq = replay.since();
      replay.updates().forEach(update -> writeUpdate(id, view, update));
    } else {
      Start.Reset reset = (Start.Reset) start;
      socket.writeTextMessage(DashboardMessages.subscribed(id, view.channel, "reset"));
      socket.writeTextMessage(DashboardMessages.reset(id,
          "the updates after the given since are no longer kept (or are of an earlier server run)"));
      writeSnapshot(id, view, reset.snapshot());
    }
  }

  private void writeSnapshot(String id, View view, Start.Snapshot snapshot) {
    view.seq = snapshot.seq();
    socket.writeTextMessage(DashboardMessages.snapshot(id, snapshot.seq(), view.visible(snapshot.state())));
  }

  /**
   * Writes an update as following on from the client's seq. An update with nothing the view
   * shows is skipped; the next one then stands for it too, which is the same as coalescing.
   */
  private void writeUpdate(String id, View view, Update update) {
    if (view.keys == null) {
      DashboardMessages.Fragmented message = DashboardMessages.update(id, view.seq + 1, update);
      socket.writeFrame(WebSocketFrame.textFrame(message.head(), false));
      List<Buffer> frames = message.changes();
      for (int i = 0; i < frames.size(); i++) {
        socket.writeFrame(WebSocketFrame.continuationFrame(frames.get(i), i == frames.size() - 1));
      }
      view.seq = update.seq();
      return;
    }
    Map<String, String> values = view.visible(update.values());
    Set<String> removed = view.visibleKeys(update.removed());
    if (values.isEmpty() && removed.isEmpty()) {
      return;
    }
    socket.writeTextMessage(DashboardMessages.update(id, view.seq + 1, update.seq(), values, removed));
    view.seq = update.seq();
  }

  /** What the client sees of one subscription, and where it is. */
  private static final class View {

    final ChannelKey channel;
    /** The SKUs an inventory view is limited to; null for every key. */
    final Set<String> keys;
    /** The seq of the last message the client was sent for the subscription. */
    long seq;

    View(ChannelKey channel, Set<String> keys) {
      this.channel = channel;
      this.keys = keys;
    }

    Map<String, String> visible(Map<String, String> values) {
      if (keys == null) {
        return values;
      }
      Map<String, String> shown = new LinkedHashMap<>();
      values.forEach((key, value) -> {
        if (keys.contains(key)) {
          shown.put(key, value);
        }
      });
      return shown;
    }

    Set<String> visibleKeys(Set<String> removed) {
      if (keys == null) {
        return removed;
      }
      Set<String> shown = new LinkedHashSet<>(removed);
      shown.retainAll(keys);
      return shown;
    }
  }
}
