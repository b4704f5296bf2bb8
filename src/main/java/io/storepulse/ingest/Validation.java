package io.storepulse.ingest;

/** The outcome of validating one event. */
public sealed interface Validation permits Validation.Accepted, Validation.Rejected {

  /** The event's position in its request. */
  int index();

  /** The event is valid and ready for the event log. */
  record Accepted(int index, LogEvent event) implements Validation {
  }

  /**
   * The event breaks a rule of the catalog.
   *
   * @param eventId the event's {@code id}, or {@code null} when it is absent or not a string
   * @param reason what is wrong, naming the field, for the client to read
   */
  record Rejected(int index, String eventId, String reason) implements Validation {
  }
}
