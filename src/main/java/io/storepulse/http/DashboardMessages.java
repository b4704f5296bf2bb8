package io.storepulse.http;

import io.storepulse.dashboard.ChannelKey;
import io.vertx.core.json.Json;

import java.util.Map;
import java.util.Set;

/**
 * The server's messages on a dashboard WebSocket, as JSON text. Channel values are JSON already
 * and are embedded as they are, never parsed again.
 */
final class DashboardMessages {

  private DashboardMessages() {
  }

  static String subscribed(String id, ChannelKey channel, String start) {
    StringBuilder json = head("subscribed", id).append(",\"channel\":").append(quote(channel.kind().wireName()));
    if (channel.store() != null) {
      json.append(",\"store\":").append(quote(channel.store()));
    }
    if (channel.window() != null) {
      json.append(",\"window\":").append(quote(channel.window()));
    }
    return json.append(",\"start\":").append(quote(start)).append('}').toString();
  }

  static String snapshot(String id, long seq, Map<String, String> state) {
    StringBuilder json = head("snapshot", id).append(",\"seq\":").append(seq).append(",\"state\":");
    return appendValues(json, state).append('}').toString();
  }

  static String update(String id, long fromSeq, long seq, Map<String, String> values, Set<String> removed) {
    StringBuilder json = head("update", id).append(",\"fromSeq\":").append(fromSeq).append(",\"seq\":").append(seq)
        .append(",\"values\":");
    appendValues(json, values).append(",\"removed\":[");
    boolean first = true;
    for (String key : removed) {
      json.append(first ? "" : ",").append(quote(key));
      first = false;
    }
    return json.append("]}").toString();
  }

  static String reset(String id, String reason) {
    return head("reset", id).append(",\"reason\":").append(quote(reason)).append('}').toString();
  }

  static String unsubscribed(String id) {
    return head("unsubscribed", id).append('}').toString();
  }

  /** @param id the subscription the refused message named, or null */
  static String error(String id, String code, String message) {
    StringBuilder json = new StringBuilder(64 + message.length()).append("{\"type\":\"error\"");
    if (id != null) {
      json.append(",\"id\":").append(quote(id));
    }
    return json.append(",\"code\":").append(quote(code)).append(",\"message\":").append(quote(message)).append('}')
        .toString();
  }

  private static StringBuilder head(String type, String id) {
    return new StringBuilder(256).append("{\"type\":\"").append(type).append("\",\"id\":").append(quote(id));
  }

  private static StringBuilder appendValues(StringBuilder json, Map<String, String> values) {
    json.append('{');
    boolean first = true;
    for (Map.Entry<String, String> entry : values.entrySet()) {
      json.append(first ? "" : ",").append(quote(entry.getKey())).append(':').append(entry.getValue());
      first = false;
    }
    return json.append('}');
  }

  private static String quote(String text) {
    return Json.encode(text);
  }
}
