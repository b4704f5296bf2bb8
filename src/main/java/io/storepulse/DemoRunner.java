package io.storepulse;

import io.storepulse.api.ClientFault;
import io.storepulse.config.StorePulseConfig;
import io.storepulse.demo.SimulatorSettings;
import io.storepulse.demo.StorefrontSimulator;
import io.storepulse.demo.driver.StorefrontDriver;
import io.storepulse.store.IssuedKey;
import io.storepulse.store.KeyKind;
import io.storepulse.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code --demo}: once the server is ready, issues a fresh write key and read token for the store
 * {@code demo} (keys are shown once and only their hashes are kept, so the first start's cannot be
 * recovered), revokes the pair a previous {@code --demo} run issued, prints the dashboard's address,
 * and runs a {@link StorefrontSimulator} through a {@link StorefrontDriver} on a Vert.x instance of
 * its own, so that the server's event loops are shared with nothing but real clients.
 *
 * <p>The ids (not the secrets) of the keys it issued are kept in {@value #KEYS_FILE} in the data
 * directory: that is how the next run knows which keys are the demo's. A database that outlived
 * its data directory keeps those keys live; they can be revoked with the admin API.
 */
final class DemoRunner {

  static final double DEFAULT_RATE = 30;
  /**
   * A fifth below what the demo storefront's sender carries ({@code StorefrontDriver.Options.of}:
   * two requests of 500 events every 200 ms, 5 000 events/s), so that retries still fit; above it
   * the simulator's outbox would grow without bound.
   */
  static final double MAX_RATE = 4_000;
  static final String KEYS_FILE = "demo-keys";

  private static final Logger log = LoggerFactory.getLogger(DemoRunner.class);
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private final Vertx vertx;
  private final String deployment;

  private DemoRunner(Vertx vertx, String deployment) {
    this.vertx = vertx;
    this.deployment = deployment;
  }

  /** Issues the keys, prints the dashboard's address and starts the simulator; returns once it sends. */
  static DemoRunner start(StorePulseConfig config, StoreService stores, double rate, PrintStream out)
      throws StartupException {
    String store = StorePulseServer.DEMO_STORE;
    IssuedKey writeKey = await(stores.issueKey(store, KeyKind.WRITE), "issue a write key for store '" + store + "'");
    IssuedKey readToken = await(stores.issueKey(store, KeyKind.READ), "issue a read token for store '" + store + "'");
    Path keysFile = config.dataDir().resolve(KEYS_FILE);
    List<String> previous = previousKeyIds(keysFile);
    // revoked before the file forgets them: a failed revoke leaves them listed for the next run
    revoke(stores, previous);
    rememberKeyIds(keysFile, writeKey, readToken);

    int port = config.http().port();
    out.println("storepulse: dashboard: " + dashboardUrl(config.http().host(), port, store, readToken.secret()));

    long now = System.currentTimeMillis();
    SimulatorSettings settings = SimulatorSettings.defaults()
        .withRate(rate)
        .withRunId("demo-" + Long.toString(now, 36))
        .withSeed(now);
    StorefrontSimulator simulator = StorefrontSimulator.create(settings, now);
    StorefrontDriver.Options options =
        StorefrontDriver.Options.of(connectHost(config.http().host()), port, store, writeKey.secret());
    // a server configured for smaller requests would refuse every batch
    options = options.withBatches(Math.min(options.maxBatch(), config.ingest().maxEventsPerRequest()),
        options.maxInFlight());
    StorefrontDriver driver = new StorefrontDriver(simulator, options);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    String deployment;
    try {
      deployment = await(vertx.deployVerticle(driver), "start the storefront simulator");
    } catch (StartupException e) {
      vertx.close();
      throw e;
    }
    out.println(String.format(Locale.ROOT,
        "storepulse: demo: simulating store '%s' at %s events/s on average (%d products, a simulated day every %d"
            + " minutes, the first incident after %d minutes)",
        store, decimal(rate), settings.catalogSize(), settings.dayLength().toMinutes(),
        settings.firstIncidentAfter().toMinutes()));
    return new DemoRunner(vertx, deployment);
  }

  /** Sends what the simulator made and waits for the answers (bounded); the server is still up. */
  void stop() {
    awaitQuietly(vertx.undeploy(deployment), "stop");
    // closed from here, not from a callback: its completion must not depend on the event loop it stops
    awaitQuietly(vertx.close(), "close");
  }

  private static void awaitQuietly(Future<?> future, String what) {
    try {
      future.toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("the demo storefront simulator did not {} cleanly: {}", what, e.toString());
    }
  }

  /** The dashboard's address as a browser on this machine reaches it. */
  static String dashboardUrl(String bindHost, int port, String store, String readToken) {
    return "http://" + browserHost(bindHost) + ":" + port + "/dashboard?store=" + store + "&token=" + readToken;
  }

  /** {@code localhost} for a wildcard address, an IPv6 literal in brackets, any other host as is. */
  static String browserHost(String bindHost) {
    if (isWildcard(bindHost)) {
      return "localhost";
    }
    return bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
  }

  /** Where the simulator connects: the loopback address for a wildcard bind, else the bound host. */
  static String connectHost(String bindHost) {
    return isWildcard(bindHost) ? "127.0.0.1" : bindHost;
  }

  private static boolean isWildcard(String host) {
    return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  private static List<String> previousKeyIds(Path file) {
    try {
      return Files.exists(file)
          ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim).filter(id -> !id.isEmpty())
              .toList()
          : List.of();
    } catch (IOException e) {
      log.warn("cannot read {}: {}; the keys of the previous --demo run stay live", file, e.getMessage());
      return List.of();
    }
  }

  private static void rememberKeyIds(Path file, IssuedKey... keys) throws StartupException {
    StringBuilder ids = new StringBuilder();
    for (IssuedKey key : keys) {
      ids.append(key.key().id()).append('\n');
    }
    try {
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temporary, ids, StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StartupException("cannot keep the demo's key ids in " + file.toAbsolutePath() + ": " + e.getMessage(),
          e);
    }
  }

  /** Revokes the previous run's keys; one already revoked (by an operator) is fine. */
  private static void revoke(StoreService stores, List<String> keyIds) throws StartupException {
    for (String keyId : keyIds) {
      await(stores.revokeKey(keyId).recover(failure -> failure instanceof ClientFault fault && fault.status() == 404
          ? Future.succeededFuture()
          : Future.failedFuture(failure)), "revoke key " + keyId + " of the previous --demo run");
    }
    if (!keyIds.isEmpty()) {
      log.info("demo: revoked the {} keys of the previous --demo run", keyIds.size());
    }
  }

  private static <T> T await(Future<T> future, String what) throws StartupException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while trying to " + what, e);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StartupException("--demo cannot " + what + ": " + cause.getMessage(), cause);
    }
  }

  private static String decimal(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
