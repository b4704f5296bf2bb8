package io.storepulse.eventlog;

/** Event-bus addresses of the event log. */
public final class EventLogAddresses {

  /** {@link AppendRequest} in, {@link AppendResult} back once the events are durable. */
  public static final String APPEND = "storepulse.eventlog.append";

  /**
   * Published with a {@code Long}: every log position up to it is committed and no lower one
   * can appear later. Readers of the log wake up on it.
   */
  public static final String COMMITTED = "storepulse.eventlog.committed";

  private EventLogAddresses() {
  }
}
