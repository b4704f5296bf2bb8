package io.storepulse.health;

/** Event-bus addresses of the health monitor. */
public final class HealthAddresses {

  /** Published once a second with the latest {@code /health} report as a JsonObject. */
  public static final String REPORT = "storepulse.health.report";

  private HealthAddresses() {
  }
}
