package io.storepulse.http;

import io.storepulse.dashboard.ChannelKey;
import io.storepulse.dashboard.Update;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

  /** An update with only some of its keys, those a client's view shows. */
  static String update(String id, long fromSeq, long seq, Map<String, String> values, Set<String> removed) {
    return updateHead(id, fromSeq, seq).append(changes(values, removed)).toString();
  }

  /**
   * Continuation frames carry at most this many bytes: clients limit the size of a frame (Vert.x's
   * and Netty's default is 64 KiB) even when they accept larger messages.
   */
  static final int MAX_FRAME_BYTES = 65536;

  /**
   * An update with all its keys, as one text message in several frames: the head, which differs
   * per client, then the changes, encoded to UTF-8 once per update and written as the same bytes
   * to every client (a WebSocket message may be fragmented; clients see one message).
   *
   * @param head the first frame's text: the message up to its seqs
   * @param changes the continuation frames' bytes, each at most {@link #MAX_FRAME_BYTES}, cut
   *     between characters
   */
  record Fragmented(String head, List<Buffer> changes) {
  }

  static Fragmented update(String id, long fromSeq, Update update) {
    List<Buffer> changes = update.encodedChanges(u -> frames(changes(u.values(), u.removed())));
    return new Fragmented(updateHead(id, fromSeq, update.seq()).toString(), changes);
  }

  private static List<Buffer> frames(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Buffer all = Buffer.buffer(bytes);
    List<Buffer> frames = new ArrayList<>(bytes.length / MAX_FRAME_BYTES + 1);
    int start = 0;
    while (start < bytes.length) {
      int end = Math.min(bytes.length, start + MAX_FRAME_BYTES);
      while (end < bytes.length && (bytes[end] & 0xC0) == 0x80) {
        end--; // not inside a character's continuation bytes
      }
      frames.add(all.slice(start, end));
      start = end;
    }
    return List.copyOf(frames);
  }

  private static StringBuilder updateHead(String id, long fromSeq, long seq) {
    StringBuilder json = new StringBuilder(96 + id.length()).append("{\"type\":\"update\",\"id\":")
        .append(quote(id));
    return json.append(",\"fromSeq\":").append(fromSeq).append(",\"seq\":").append(seq);
  }

  /** {@code ,"values":{…},"removed":[…]}} — the rest of an update message after its seqs. */
  private static String changes(Map<String, String> values, Set<String> removed) {
    int length = 32;
    for (Map.Entry<String, String> entry : values.entrySet()) {
      length += entry.getKey().length() + entry.getValue().length() + 4;
    }
    StringBuilder json = new StringBuilder(length).append(",\"values\":");
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

  /**
   * A JSON string. Keys and ids rarely hold a character JSON must escape; those that hold none are
   * only put in quotes, since encoding every key through Jackson was a quarter of the time spent
   * writing updates to a thousand dashboards.
   */
  private static String quote(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        return Json.encode(text);
      }
    }
    return '"' + text + '"';
  }
}
