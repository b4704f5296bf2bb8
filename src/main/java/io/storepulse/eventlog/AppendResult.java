package io.storepulse.eventlog;

import java.util.List;

/** What became of each event of an {@link AppendRequest}, in the same order. */
public record AppendResult(List<Status> statuses) {

  /** An event is either new to the log or was already in it. */
  public enum Status {
    ACCEPTED,
    DUPLICATE
  }
}
