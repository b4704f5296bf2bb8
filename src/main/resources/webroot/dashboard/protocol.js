// The dashboard WebSocket protocol (docs/dashboard-protocol.md), without any rendering:
// one socket, named subscriptions, the state of each as a Map (key -> value), seq checks,
// resume with `since` after a reconnect, and reconnects with backoff.

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15000;
const UNAVAILABLE_RETRY_MS = 2000;

/**
 * A subscription's state, as the client has applied it.
 * `seq` is the last seq applied (null until the first snapshot), `state` the channel's keys.
 */
class Subscription {
  constructor(name, params, listener) {
    this.name = name;
    this.params = params;
    this.listener = listener;
    this.generation = 0;
    this.seq = null;
    this.state = new Map();
  }

  /** The id on the wire; a new generation after a gap, so late messages of the old one are ignored. */
  get id() {
    return `${this.name}.${this.generation}`;
  }
}

/**
 * Connects to `/v1/dashboard/ws` of the page's own server and keeps the subscriptions alive.
 *
 * Events (`addEventListener`): `status` with `detail = {state, attempt, retryInMs, handshakeFailed}`
 * where state is `connecting`, `live` or `reconnecting`; when a reconnect is scheduled, retryInMs
 * says when, and handshakeFailed whether the socket that closed had never opened (the server
 * refused the token, or could not be reached). `problem` with `detail = {id, code, message}` for
 * an `error` message of the server.
 */
export class DashboardClient extends EventTarget {
  constructor(token, {url = defaultUrl(), WebSocketImpl = WebSocket} = {}) {
    super();
    this.url = `${url}?token=${encodeURIComponent(token)}`;
    this.WebSocketImpl = WebSocketImpl;
    this.subscriptions = new Map(); // name -> Subscription
    this.byId = new Map(); // wire id -> Subscription
    this.socket = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.stopped = true;
    this.connection = null;
  }

  /**
   * Subscribes `name` to a channel (`params`: channel, store, window, skus). `listener(state, change)`
   * is called after each applied message with the whole state (a Map) and
   * `change = {reset, values, removed}`.
   */
  subscribe(name, params, listener) {
    const sub = new Subscription(name, params, listener);
    this.subscriptions.set(name, sub);
    if (this.isOpen()) {
      this.sendSubscribe(sub);
    }
    return sub;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.socket) {
      this.socket.close(1000, "bye");
      this.socket = null;
    }
  }

  /** Skips the rest of a backoff wait (e.g. when the browser comes back online). */
  reconnectNow() {
    if (!this.stopped && !this.socket) {
      clearTimeout(this.retryTimer);
      this.connect();
    }
  }

  isOpen() {
    return this.socket !== null && this.socket.readyState === this.WebSocketImpl.OPEN;
  }

  connect() {
    this.status(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = new this.WebSocketImpl(this.url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.byId.clear();
      for (const sub of this.subscriptions.values()) {
        this.sendSubscribe(sub);
      }
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) {
        this.receive(event.data);
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) {
        return;
      }
      this.socket = null;
      if (!this.stopped) {
        this.scheduleReconnect(!opened);
      }
    };
  }

  scheduleReconnect(handshakeFailed) {
    this.attempt++;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (this.attempt - 1));
    const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2); // jitter: a restarted server is not stampeded
    this.status("reconnecting", {retryInMs: delay, handshakeFailed});
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  status(state, {retryInMs = null, handshakeFailed = false} = {}) {
    this.connection = state;
    this.dispatchEvent(new CustomEvent("status", {detail: {state, attempt: this.attempt, retryInMs, handshakeFailed}}));
  }

  /** Subscribes on the wire, resuming from the last applied seq when there is one. */
  sendSubscribe(sub) {
    this.byId.set(sub.id, sub);
    const message = {op: "subscribe", id: sub.id, ...sub.params};
    if (sub.seq !== null) {
      message.since = sub.seq;
    }
    this.send(message);
  }

  send(message) {
    this.socket.send(JSON.stringify(message));
  }

  receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch (e) {
      console.warn("dashboard: a frame that is not JSON", data);
      return;
    }
    const sub = this.byId.get(message.id);
    if (message.type === "error") {
      if (sub && message.code === "unavailable") {
        this.retryLater(sub); // the server dropped the subscription; its history could not be loaded yet
      }
      this.dispatchEvent(new CustomEvent("problem", {detail: message}));
      return;
    }
    if (!sub) {
      return; // an old generation's message, or an answer to an unsubscribe
    }
    switch (message.type) {
      case "subscribed":
        this.attempt = 0; // the server answers: the next outage starts its backoff afresh
        if (this.connection !== "live") {
          this.status("live");
        }
        break;
      case "snapshot":
        sub.state = new Map(Object.entries(message.state));
        sub.seq = message.seq;
        sub.listener(sub.state, {reset: true, values: message.state, removed: []});
        break;
      case "reset":
        // a snapshot follows; until it does the old state is dropped
        sub.state = new Map();
        sub.seq = null;
        sub.listener(sub.state, {reset: true, values: {}, removed: []});
        break;
      case "update":
        this.applyUpdate(sub, message);
        break;
      default:
        break;
    }
  }

  applyUpdate(sub, message) {
    if (sub.seq === null || message.fromSeq !== sub.seq + 1) {
      console.warn(`dashboard: ${sub.name} expected seq ${sub.seq === null ? "a snapshot" : sub.seq + 1}, `
          + `got ${message.fromSeq}; subscribing afresh`);
      this.resubscribe(sub);
      return;
    }
    for (const [key, value] of Object.entries(message.values || {})) {
      sub.state.set(key, value);
    }
    for (const key of message.removed || []) {
      sub.state.delete(key);
    }
    sub.seq = message.seq;
    sub.listener(sub.state, {reset: false, values: message.values || {}, removed: message.removed || []});
  }

  retryLater(sub) {
    const socket = this.socket;
    const id = sub.id;
    setTimeout(() => {
      if (this.socket === socket && this.isOpen() && sub.id === id) {
        this.sendSubscribe(sub);
      }
    }, UNAVAILABLE_RETRY_MS);
  }

  /** After a gap: drop the subscription and take a fresh snapshot under a new id. */
  resubscribe(sub) {
    this.send({op: "unsubscribe", id: sub.id});
    this.byId.delete(sub.id);
    sub.generation++;
    sub.seq = null;
    this.sendSubscribe(sub);
  }
}

/** `ws(s)://<this page's host>/v1/dashboard/ws`. */
export function defaultUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/v1/dashboard/ws`;
}
