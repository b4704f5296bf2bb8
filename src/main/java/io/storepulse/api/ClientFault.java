package io.storepulse.api;

/**
 * A request the client must change before it can succeed. Carries everything an
 * {@code application/problem+json} answer (RFC 9457) needs; the HTTP layer renders it.
 */
public class ClientFault extends RuntimeException {

  private final int status;
  private final String type;
  private final String title;

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
