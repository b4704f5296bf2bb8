package io.storepulse.http;

import io.storepulse.api.ClientFault;
import io.storepulse.api.ServerFault;
import io.storepulse.config.StorePulseConfig.DashboardSettings;
import io.storepulse.dashboard.ConnectionLimiter;
import io.storepulse.dashboard.DashboardHub;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /v1/dashboard/ws}: checks the token and the connection limit, upgrades, and keeps the
 * connections of this event loop swept (pings, stuck and silent clients). One per HTTP verticle.
 */
final class DashboardSocket {


  private final Vertx vertx;
  private final Credentials credentials;
  private final DashboardHub hub;
  private final ConnectionLimiter limiter;
  private final DashboardSettings settings;
  private final List<String> windowKinds;
  private final Set<DashboardConnection> connections = new LinkedHashSet<>();
  private final long sweepTimer;

  DashboardSocket(Vertx vertx, Credentials credentials, DashboardHub hub, ConnectionLimiter limiter,
      DashboardSettings settings, List<String> windowKinds) {
    this.vertx = vertx;
    this.credentials = credentials;
    this.hub = hub;
    this.limiter = limiter;
    this.settings = settings;
    this.windowKinds = windowKinds;
    this.sweepTimer = vertx.setPeriodic(sweepInterval(settings).toMillis(), id -> sweep());
  }

  void mount(Router router) {
    router.get("/v1/dashboard/ws").handler(this::upgrade);
  }

  /** Stops sweeping and closes this event loop's dashboard connections (1001). */
  void stop() {
    vertx.cancelTimer(sweepTimer);
    // dashboards reconnect and resume elsewhere; the server's shutdown would otherwise wait for them
    for (DashboardConnection connection : List.copyOf(connections)) {
      connection.goAway();
    }
  }

  private void upgrade(RoutingContext ctx) {
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      throw ClientFault.badRequest("this endpoint speaks WebSocket; open it with a WebSocket client");
    }
    String viewerStore = credentials.requireDashboardViewer(ctx.request());
    if (!limiter.tryAcquire()) {
      throw ServerFault.overloaded("the server holds " + settings.maxConnections() + " dashboard connections;"
          + " try again later");
    }
    ctx.request().toWebSocket().onComplete(upgraded -> {
      if (upgraded.failed()) {
        limiter.release();
        ctx.fail(upgraded.cause()); // not a WebSocket handshake: answered as a problem
        return;
      }
      DashboardConnection connection =
          new DashboardConnection(upgraded.result(), ctx.request().connection(), vertx, viewerStore, hub, settings,
              windowKinds);
      connections.add(connection);
      connection.start(() -> {
        connections.remove(connection);
        limiter.release();
      });
    });
  }

  private void sweep() {
    long now = System.nanoTime();
    for (DashboardConnection connection : List.copyOf(connections)) {
      connection.sweep(now);
    }
  }

  /** Often enough that a stuck or silent client is closed within a quarter of its limit. */
  private static Duration sweepInterval(DashboardSettings settings) {
    Duration shortest = settings.client().stuckAfter();
    for (Duration limit : List.of(settings.pingInterval(), settings.pongTimeout())) {
      if (limit.compareTo(shortest) < 0) {
        shortest = limit;
      }
    }
    long millis = Math.max(10, Math.min(250, shortest.toMillis() / 4));
    return Duration.ofMillis(millis);
  }
}
