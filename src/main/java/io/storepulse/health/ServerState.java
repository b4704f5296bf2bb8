package io.storepulse.health;

/** Where the server is in its life; ingest and readiness follow it. */
public final class ServerState {

  /** The phases, in order. */
  public enum Phase {
    STARTING,
    READY,
    DRAINING
  }

  private volatile Phase phase = Phase.STARTING;
  private volatile boolean databaseUp;
  private volatile String databaseError = "not checked yet";
  private final long startedAtMillis = System.currentTimeMillis();

  public Phase phase() {
    return phase;
  }

  public void phase(Phase phase) {
    this.phase = phase;
  }

  public boolean databaseUp() {
    return databaseUp;
  }

  /** @param error why the last check failed, or {@code null} when it passed */
  public void database(boolean up, String error) {
    this.databaseUp = up;
    this.databaseError = error;
  }

  public String databaseError() {
    return databaseError;
  }

  public long startedAtMillis() {
    return startedAtMillis;
  }
}
