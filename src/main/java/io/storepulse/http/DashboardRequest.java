package io.storepulse.http;

import io.storepulse.dashboard.ChannelKey;
import io.storepulse.dashboard.ChannelKind;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** A message a dashboard client sends on its WebSocket (docs/dashboard-protocol.md). */
sealed interface DashboardRequest {

  int MAX_ID_LENGTH = 64;
  int MAX_SKUS = 1000;

  /** The client's id for the subscription the message is about. */
  String id();

  /**
   * @param skus the SKUs an inventory subscription is limited to; null for all
   */
  record Subscribe(String id, ChannelKey channel, Set<String> skus, OptionalLong since) implements DashboardRequest {
  }

  record Unsubscribe(String id) implements DashboardRequest {
  }

  /** A message the server cannot act on; answered with an {@code error}, the socket stays open. */
  final class Refused extends RuntimeException {

    final String code;
    final String id;

    Refused(String code, String id, String message) {
      super(message, null, false, false);
      this.code = code;
      this.id = id;
    }

    static Refused badRequest(String id, String message) {
      return new Refused("bad_request", id, message);
    }
  }

  /**
   * Reads one text frame.
   *
   * @param windowKinds the window kinds metrics and trending accept; the first is the default
   * @throws Refused with the code and message to answer
   */
  static DashboardRequest parse(String text, List<String> windowKinds) {
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw Refused.badRequest(null, "a message must be a JSON object");
    }
    String id = message.getValue("id") instanceof String s ? s : null;
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw Refused.badRequest(null, "\"id\" must be a string of 1 to " + MAX_ID_LENGTH + " characters");
    }
    Object op = message.getValue("op");
    if ("unsubscribe".equals(op)) {
      return new Unsubscribe(id);
    }
    if (!"subscribe".equals(op)) {
      throw Refused.badRequest(id, "\"op\" must be subscribe or unsubscribe");
    }
    String channelName = text(message, "channel", id);
    ChannelKind kind = ChannelKind.fromWire(channelName).orElseThrow(() -> new Refused("unknown_channel", id,
        "unknown channel '" + channelName + "'; channels are metrics, trending, inventory, alerts and health"));
    String store = null;
    if (kind.perStore()) {
      store = text(message, "store", id);
    } else if (message.containsKey("store")) {
      throw Refused.badRequest(id, kind.wireName() + " is not per store; leave \"store\" out");
    }
    String window = null;
    if (kind.windowed()) {
      window = message.containsKey("window") ? text(message, "window", id) : windowKinds.get(0);
      if (!windowKinds.contains(window)) {
        throw Refused.badRequest(id, "\"window\" must be one of " + String.join(", ", windowKinds));
      }
    } else if (message.containsKey("window")) {
      throw Refused.badRequest(id, kind.wireName() + " has no window; leave \"window\" out");
    }
    Set<String> skus = null;
    if (message.containsKey("skus")) {
      if (kind != ChannelKind.INVENTORY) {
        throw Refused.badRequest(id, "\"skus\" applies to the inventory channel only");
      }
      skus = skus(message.getValue("skus"), id);
    }
    OptionalLong since = OptionalLong.empty();
    if (message.containsKey("since")) {
      Object value = message.getValue("since");
      if (!(value instanceof Number number) || number.doubleValue() != number.longValue() || number.longValue() < 0) {
        throw Refused.badRequest(id, "\"since\" must be a whole number, the last seq the client applied");
      }
      since = OptionalLong.of(number.longValue());
    }
    return new Subscribe(id, new ChannelKey(kind, store, window), skus, since);
  }

  private static String text(JsonObject message, String field, String id) {
    Object value = message.getValue(field);
    if (!(value instanceof String s) || s.isBlank()) {
      throw Refused.badRequest(id, "\"" + field + "\" must be a non-empty string");
    }
    return s;
  }

  private static Set<String> skus(Object value, String id) {
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_SKUS) {
      throw Refused.badRequest(id, "\"skus\" must be an array of 1 to " + MAX_SKUS + " SKUs");
    }
    Set<String> skus = new LinkedHashSet<>();
    for (Object sku : array) {
      if (!(sku instanceof String s) || s.isBlank()) {
        throw Refused.badRequest(id, "\"skus\" must hold non-empty strings");
      }
      skus.add(s);
    }
    return skus;
  }
}
