package io.storepulse.api;

import java.time.Duration;

/**
 * The server cannot take the request now (overload, database outage, shutdown); the client may
 * retry the same request after {@link #retryAfter()}. Rendered as 503 with
 * {@code Retry-After}.
 */
public class ServerFault extends RuntimeException {

  private final int status;
  private final String type;
  private final Duration retryAfter;

  public ServerFault(int status, String type, String detail, Duration retryAfter, Throwable cause) {
    super(detail, cause, false, false);
    this.status = status;
    this.type = type;
    this.retryAfter = retryAfter;
  }

  public static ServerFault overloaded(String detail) {
    return new ServerFault(503, "overloaded", detail, Duration.ofSeconds(1), null);
  }

  public static ServerFault unavailable(String detail, Throwable cause) {
    return new ServerFault(503, "unavailable", detail, Duration.ofSeconds(2), cause);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
