package io.storepulse.config;

import io.storepulse.analytics.EngineSettings;
import io.storepulse.dashboard.ClientLimits;
import io.storepulse.ingest.IngestLimits;
import io.storepulse.inventory.InventorySettings;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Function;

/**
 * The whole configuration, parsed once at start into typed values.
 *
 * @param database where the event log lives; empty {@code url} means the embedded PostgreSQL
 * @param adminToken the configured admin token, empty when one is to be generated
 */
public record StorePulseConfig(
    HttpSettings http,
    Path dataDir,
    DatabaseSettings database,
    Optional<String> adminToken,
    IngestLimits ingest,
    Duration ackTimeout,
    WriterSettings writer,
    PipelineSettings pipeline,
    EngineSettings engine,
    InventoryConfig inventory,
    DashboardSettings dashboard,
    Duration shutdownTimeout) {

  /**
   * Live dashboards: how often they are fed, what each channel keeps for resuming clients, and
   * what one connection may hold.
   */
  public record DashboardSettings(Duration publishInterval, int replayBuffer, int maxConnections,
      ClientLimits client, Duration pingInterval, Duration pongTimeout) {
  }

  /**
   * Inventory: the partitions' {@link InventorySettings} (the book's defaults for what is not
   * configurable) and the API's limit on a reservation's lifetime.
   */
  public record InventoryConfig(InventorySettings book, Duration reservationMaxTtl) {
  }

  /** The analytics pipeline's partitions and how they persist. */
  public record PipelineSettings(boolean enabled, int partitions, Duration flushInterval, int readBatch) {
  }

  /** Where and how the HTTP server listens. */
  public record HttpSettings(String host, int port, int eventLoops) {
  }

  /** The database connection. */
  public record DatabaseSettings(Optional<DatabaseUrl> url, int poolSize, int connectAttempts, boolean embeddedDurable) {
  }

  /** The group-commit writer of the event log. */
  public record WriterSettings(int queueCapacity, int maxBatchEvents, int connections) {
  }

  /**
   * Parses raw values, keyed by setting key; a missing or blank value takes the default. Every
   * bad value is reported, not only the first.
   *
   * @throws ConfigException naming each setting that cannot be used
   */
  public static StorePulseConfig parse(Map<String, String> values) {
    Parser p = new Parser(values);
    int cores = Runtime.getRuntime().availableProcessors();
    HttpSettings http = new HttpSettings(
        p.string(Settings.HTTP_HOST),
        p.integer(Settings.HTTP_PORT, 1, 65535),
        p.optional(Settings.EVENT_LOOPS, StorePulseConfig::atLeastOne, "a whole number of at least 1").orElse(2 * cores));
    DatabaseSettings database = new DatabaseSettings(
        p.optional(Settings.DB_URL, StorePulseConfig::databaseUrl, "a postgresql://user:pass@host:port/db URL"),
        p.integer(Settings.DB_POOL_SIZE, 1, 1000),
        p.integer(Settings.DB_CONNECT_ATTEMPTS, 1, 1000),
        p.bool(Settings.DB_EMBEDDED_DURABLE));
    IngestLimits ingest = new IngestLimits(
        p.integer(Settings.INGEST_MAX_EVENT_BYTES, 64, 16 * 1024 * 1024),
        p.integer(Settings.INGEST_MAX_REQUEST_BYTES, 64, 256 * 1024 * 1024),
        p.integer(Settings.INGEST_MAX_EVENTS_PER_REQUEST, 1, 1_000_000),
        p.duration(Settings.INGEST_MAX_EVENT_AGE),
        p.duration(Settings.INGEST_MAX_FUTURE_SKEW));
    WriterSettings writer = new WriterSettings(
        p.integer(Settings.WRITER_QUEUE_CAPACITY, 1, 10_000_000),
        p.integer(Settings.WRITER_MAX_BATCH_EVENTS, 1, 100_000),
        p.integer(Settings.WRITER_CONNECTIONS, 1, 64));
    StorePulseConfig config = new StorePulseConfig(
        http,
        Path.of(p.string(Settings.DATA_DIR)),
        database,
        p.optional(Settings.ADMIN_TOKEN, Function.identity(), "a token"),
        ingest,
        p.duration(Settings.INGEST_ACK_TIMEOUT),
        writer,
        new PipelineSettings(
            p.bool(Settings.PIPELINE_ENABLED),
            p.integer(Settings.PIPELINE_PARTITIONS, 1, 256),
            p.duration(Settings.PIPELINE_FLUSH_INTERVAL),
            p.integer(Settings.PIPELINE_READ_BATCH, 1, 100_000)),
        engineSettings(p),
        inventory(p),
        dashboard(p),
        p.duration(Settings.SHUTDOWN_TIMEOUT));
    if (writer.queueCapacity() < ingest.maxEventsPerRequest()) {
      p.errors.add(Parser.invalid(Settings.WRITER_QUEUE_CAPACITY, Integer.toString(writer.queueCapacity()),
          "at least one full request (" + Settings.INGEST_MAX_EVENTS_PER_REQUEST.key() + " = "
          + ingest.maxEventsPerRequest() + ")"));
    }
    if (!p.errors.isEmpty()) {
      throw new ConfigException(String.join("; ", p.errors));
    }
    return config;
  }

  private static int atLeastOne(String value) {
    int parsed = Integer.parseInt(value);
    if (parsed < 1) {
      throw new IllegalArgumentException(value);
    }
    return parsed;
  }

  /** The window engine's settings: the configured ones, the engine's defaults for the rest. */
  private static EngineSettings engineSettings(Parser p) {
    EngineSettings d = EngineSettings.defaults();
    Duration shortWindow = p.duration(Settings.WINDOW_SHORT);
    Duration longWindow = p.duration(Settings.WINDOW_LONG);
    Duration hoppingSize = p.duration(Settings.WINDOW_HOPPING_SIZE);
    Duration hoppingAdvance = p.duration(Settings.WINDOW_HOPPING_ADVANCE);
    Duration sessionGap = p.duration(Settings.WINDOW_SESSION_GAP);
    Duration outOfOrderness = p.duration(Settings.WINDOW_OUT_OF_ORDERNESS);
    Duration allowedLateness = p.duration(Settings.WINDOW_ALLOWED_LATENESS);
    boolean corrections = p.bool(Settings.WINDOW_CORRECTIONS);
    Duration idleGrace = p.duration(Settings.WINDOW_IDLE_GRACE);
    int smaWindows = p.integer(Settings.ANALYTICS_SMA_WINDOWS, 1, 1000);
    double emaAlpha = p.decimal(Settings.ANALYTICS_EMA_ALPHA, 0, 1);
    double anomalyK = p.decimal(Settings.ANALYTICS_ANOMALY_K, 0, 100);
    int anomalyWarmUp = p.integer(Settings.ANALYTICS_ANOMALY_WARM_UP, 1, 100_000);
    try {
      return new EngineSettings(shortWindow, longWindow, hoppingSize, hoppingAdvance, sessionGap,
          outOfOrderness, allowedLateness, corrections, d.correctionHorizon(), idleGrace, smaWindows,
          emaAlpha, anomalyK, anomalyWarmUp, d.anomalyAlpha(), d.topK(), d.recommendationHalfLife(),
          d.recommendationsPerSku());
    } catch (IllegalArgumentException e) {
      p.errors.add("window settings do not fit together: " + e.getMessage());
      return d;
    }
  }

  private static DashboardSettings dashboard(Parser p) {
    int replayBuffer = p.integer(Settings.DASHBOARD_REPLAY_BUFFER, 0, 1_000_000);
    int maxConnections = p.integer(Settings.DASHBOARD_MAX_CONNECTIONS, 1, 1_000_000);
    int maxSubscriptions = p.integer(Settings.DASHBOARD_MAX_SUBSCRIPTIONS, 1, 10_000);
    ClientLimits client = new ClientLimits(maxSubscriptions, p.duration(Settings.DASHBOARD_STUCK_AFTER));
    return new DashboardSettings(p.duration(Settings.DASHBOARD_PUBLISH_INTERVAL), replayBuffer, maxConnections, client,
        p.duration(Settings.DASHBOARD_PING_INTERVAL), p.duration(Settings.DASHBOARD_PONG_TIMEOUT));
  }

  /** The inventory settings: the configured ones, the book's defaults for the rest. */
  private static InventoryConfig inventory(Parser p) {
    InventorySettings d = InventorySettings.defaults();
    int threshold = p.integer(Settings.INVENTORY_LOW_STOCK_THRESHOLD, 0, Integer.MAX_VALUE);
    Set<String> cartStores = p.optional(Settings.INVENTORY_CART_RESERVATIONS, StorePulseConfig::storeIds,
        "comma-separated store ids").orElse(Set.of());
    Duration cartTtl = p.duration(Settings.INVENTORY_CART_RESERVATION_TTL);
    Duration maxTtl = p.duration(Settings.INVENTORY_RESERVATION_MAX_TTL);
    if (maxTtl.toSeconds() < 1) {
      p.errors.add(Parser.invalid(Settings.INVENTORY_RESERVATION_MAX_TTL,
          p.raw(Settings.INVENTORY_RESERVATION_MAX_TTL), "a duration of at least 1s"));
    }
    return new InventoryConfig(new InventorySettings(threshold, cartStores, cartTtl, d.idempotencyRetention(),
        d.orderRetention()), maxTtl);
  }

  private static Set<String> storeIds(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(id -> !id.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static DatabaseUrl databaseUrl(String value) {
    try {
      return DatabaseUrl.parse(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Parses a duration such as {@code 250ms}, {@code 5s}, {@code 1m}, {@code 2h} or {@code 7d}.
   *
   * @throws IllegalArgumentException when the text has no known unit or no number
   */
  public static Duration parseDuration(String text) {
    String value = text.trim();
    int unitStart = 0;
    while (unitStart < value.length() && Character.isDigit(value.charAt(unitStart))) {
      unitStart++;
    }
    if (unitStart == 0) {
      throw new IllegalArgumentException("no number in " + text);
    }
    long amount = Long.parseLong(value.substring(0, unitStart));
    switch (value.substring(unitStart)) {
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      case "m":
        return Duration.ofMinutes(amount);
      case "h":
        return Duration.ofHours(amount);
      case "d":
        return Duration.ofDays(amount);
      default:
        throw new IllegalArgumentException("unknown unit in " + text);
    }
  }

  /** Reads settings one by one, collecting a message per bad value instead of stopping. */
  private static final class Parser {
    private final Map<String, String> values;
    private final List<String> errors = new ArrayList<>();

    Parser(Map<String, String> values) {
      this.values = values;
    }

    private String raw(Setting setting) {
      String value = values.get(setting.key());
      return value == null || value.isBlank() ? setting.defaultValue() : value.trim();
    }

    String string(Setting setting) {
      return raw(setting);
    }

    <T> Optional<T> optional(Setting setting, Function<String, T> convert, String expected) {
      String value = raw(setting);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(convert.apply(value));
      } catch (RuntimeException e) {
        errors.add(invalid(setting, value, expected));
        return Optional.empty();
      }
    }

    int integer(Setting setting, int min, int max) {
      String value = raw(setting);
      try {
        int parsed = Integer.parseInt(value);
        if (parsed >= min && parsed <= max) {
          return parsed;
        }
      } catch (NumberFormatException ignored) {
        // reported below with the accepted range
      }
      errors.add(invalid(setting, value, "a whole number from " + min + " to " + max));
      return Integer.parseInt(setting.defaultValue());
    }

    double decimal(Setting setting, double min, double max) {
      String value = raw(setting);
      try {
        double parsed = Double.parseDouble(value);
        if (parsed > min && parsed <= max) {
          return parsed;
        }
      } catch (NumberFormatException ignored) {
        // reported below with the accepted range
      }
      errors.add(invalid(setting, value, "a number above " + min + " and at most " + max));
      return Double.parseDouble(setting.defaultValue());
    }

    boolean bool(Setting setting) {
      String value = raw(setting);
      if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(value);
      }
      errors.add(invalid(setting, value, "true or false"));
      return Boolean.parseBoolean(setting.defaultValue());
    }

    Duration duration(Setting setting) {
      String value = raw(setting);
      try {
        Duration parsed = parseDuration(value);
        if (!parsed.isNegative() && !parsed.isZero()) {
          return parsed;
        }
      } catch (IllegalArgumentException ignored) {
        // reported below with the accepted form
      }
      errors.add(invalid(setting, value, "a positive duration such as 500ms, 5s, 1m, 2h or 7d"));
      return parseDuration(setting.defaultValue());
    }

    private static String invalid(Setting setting, String value, String expected) {
      return setting.key() + " (" + setting.environmentVariable() + ") is '" + value + "', expected " + expected;
    }
  }
}
