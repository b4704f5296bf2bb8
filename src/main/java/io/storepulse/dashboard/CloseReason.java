package io.storepulse.dashboard;

/**
 * Why the server closes a dashboard connection, as a WebSocket close frame.
 *
 * @param code the close code
 * @param reason a short text for the client (at most 123 bytes of UTF-8 in the frame)
 */
public record CloseReason(short code, String reason) {

  /** 1013 "try again later": the client can reconnect and resume, it just fell too far behind. */
  public static final short TRY_AGAIN_LATER = 1013;
}
