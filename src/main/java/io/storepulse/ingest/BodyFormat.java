package io.storepulse.ingest;

/** How the events in a request body are laid out. */
public enum BodyFormat {
  /** One JSON document: {@code application/json}, and {@code text/plain} as browsers send it with sendBeacon. */
  JSON,
  /** One JSON value per line: {@code application/x-ndjson}. */
  NDJSON
}
