package io.storepulse.dashboard.feed;

/** Event-bus addresses of the dashboard feed. */
public final class DashboardAddresses {

  private DashboardAddresses() {
  }

  /**
   * Request with a {@link io.storepulse.dashboard.ChannelKey}: answered once the channel holds its
   * history from the database, so a subscription's snapshot is complete.
   */
  public static final String OPEN = "storepulse.dashboard.open";
}
