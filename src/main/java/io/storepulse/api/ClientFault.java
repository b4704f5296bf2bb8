package io.storepulse.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the client must change before it can succeed. Carries everything an
 * {@code application/problem+json} answer (RFC 9457) needs; the HTTP layer renders it.
 */
public class ClientFault extends RuntimeException {

  private final int status;
  private final String type;
  private final String title;
  private final Map<String, Object> extensions = new LinkedHashMap<>();

  public ClientFault(int status, String type, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
  }

  public static ClientFault badRequest(String detail) {
    return new ClientFault(400, "bad-request", "Bad request", detail);
  }

  public static ClientFault unauthorized(String detail) {
    return new ClientFault(401, "unauthorized", "Unauthorized", detail);
  }

  public static ClientFault forbidden(String detail) {
    return new ClientFault(403, "forbidden", "Forbidden", detail);
  }

  public static ClientFault notFound(String detail) {
    return new ClientFault(404, "not-found", "Not found", detail);
  }

  public static ClientFault conflict(String detail) {
    return new ClientFault(409, "conflict", "Conflict", detail);
  }

  public static ClientFault payloadTooLarge(String detail) {
    return new ClientFault(413, "payload-too-large", "Payload too large", detail);
  }

  public static ClientFault unsupportedMediaType(String detail) {
    return new ClientFault(415, "unsupported-media-type", "Unsupported media type", detail);
  }

  /**
   * Adds an RFC 9457 extension member, such as the per-event {@code results} of a request none of
   * whose events was valid. Values are plain Java: strings, numbers, lists and maps.
   */
  public ClientFault with(String member, Object value) {
    extensions.put(member, value);
    return this;
  }

  public Map<String, Object> extensions() {
    return Collections.unmodifiableMap(extensions);
  }

  public int status() {
    return status;
  }

  /** Short slug; the problem's {@code type} URI is built from it. */
  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }
}
