package io.storepulse.config;

import io.storepulse.ingest.IngestLimits;
import io.storepulse.inventory.InventorySettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Settings come in once, as keys or environment variables, and turn into typed values or one clear error. */
class StorePulseConfigTest {

  @Test
  void nothingSetMeansTheDocumentedDefaults() {
    StorePulseConfig config = StorePulseConfig.parse(Map.of());

    assertEquals("0.0.0.0", config.http().host());
    assertEquals(8080, config.http().port());
    assertEquals(2 * Runtime.getRuntime().availableProcessors(), config.http().eventLoops());
    assertEquals(Path.of("./data"), config.dataDir());
    assertEquals(Optional.empty(), config.database().url());
    assertEquals(4, config.database().poolSize());
    assertEquals(10, config.database().connectAttempts());
    assertTrue(config.database().embeddedDurable());
    assertEquals(Optional.empty(), config.adminToken());
    assertEquals(new IngestLimits(32768, 1048576, 1000, Duration.ofDays(7), Duration.ofMinutes(5)), config.ingest());
    assertEquals(Duration.ofSeconds(10), config.ackTimeout());
    assertEquals(new StorePulseConfig.WriterSettings(20000, 4000, 2), config.writer());
    assertEquals(Duration.ofSeconds(30), config.shutdownTimeout());
  }

  @Test
  void defaultIngestLimitsAreTheIngestCoresDefaults() {
    assertEquals(IngestLimits.DEFAULTS, StorePulseConfig.parse(Map.of()).ingest());
  }

  @Test
  void blankValueTakesTheDefault() {
    StorePulseConfig config = StorePulseConfig.parse(Map.of("http.port", "  ", "admin.token", ""));
    assertEquals(8080, config.http().port());
    assertEquals(Optional.empty(), config.adminToken());
  }

  @Test
  void givenValuesAreParsedIntoTypes() {
    StorePulseConfig config = StorePulseConfig.parse(Map.of(
        "http.port", "9090",
        "eventLoops", "3",
        "db.url", "postgresql://app:pw@db.example.com:6543/shop",
        "db.embedded.durable", "FALSE",
        "admin.token", " secret-token ",
        "writer.queueCapacity", "500",
        "ingest.maxEventsPerRequest", "500"));
    assertEquals(9090, config.http().port());
    assertEquals(3, config.http().eventLoops());
    assertEquals(new DatabaseUrl("db.example.com", 6543, "shop", "app", "pw"), config.database().url().orElseThrow());
    assertFalse(config.database().embeddedDurable());
    assertEquals(Optional.of("secret-token"), config.adminToken());
    assertEquals(500, config.writer().queueCapacity());
    assertEquals(500, config.ingest().maxEventsPerRequest());
  }

  @Test
  void everyInvalidValueIsReportedInOneMessageNamingTheSettingAndItsVariable() {
    ConfigException e = assertThrows(ConfigException.class, () -> StorePulseConfig.parse(Map.of(
        "http.port", "abc",
        "writer.connections", "0",
        "db.embedded.durable", "yes",
        "ingest.maxEventAge", "7 days",
        "db.url", "mysql://db.example.com/shop",
        "eventLoops", "0")));
    String message = e.getMessage();

    assertFalse(message.contains("\n"), "one line: " + message);
    assertNamed(message, "http.port", "STOREPULSE_HTTP_PORT", "abc");
    assertNamed(message, "writer.connections", "STOREPULSE_WRITER_CONNECTIONS", "0");
    assertNamed(message, "db.embedded.durable", "STOREPULSE_DB_EMBEDDED_DURABLE", "yes");
    assertNamed(message, "ingest.maxEventAge", "STOREPULSE_INGEST_MAX_EVENT_AGE", "7 days");
    assertNamed(message, "db.url", "STOREPULSE_DB_URL", "mysql://db.example.com/shop");
    assertNamed(message, "eventLoops", "STOREPULSE_EVENT_LOOPS", "0");
  }

  @Test
  void valuesOutsideTheirRangeAreInvalid() {
    ConfigException e = assertThrows(ConfigException.class, () -> StorePulseConfig.parse(Map.of(
        "http.port", "65536",
        "db.poolSize", "-1",
        "ingest.maxEventBytes", "63",
        "shutdown.timeout", "0s")));
    assertNamed(e.getMessage(), "http.port", "STOREPULSE_HTTP_PORT", "65536");
    assertNamed(e.getMessage(), "db.poolSize", "STOREPULSE_DB_POOL_SIZE", "-1");
    assertNamed(e.getMessage(), "ingest.maxEventBytes", "STOREPULSE_INGEST_MAX_EVENT_BYTES", "63");
    assertNamed(e.getMessage(), "shutdown.timeout", "STOREPULSE_SHUTDOWN_TIMEOUT", "0s");
  }

  @Test
  void inventoryDefaultsAreTheBooksDefaultsWithAnHourForAReservation() {
    StorePulseConfig.InventoryConfig inventory = StorePulseConfig.parse(Map.of()).inventory();
    assertEquals(InventorySettings.defaults(), inventory.book());
    assertEquals(Duration.ofHours(1), inventory.reservationMaxTtl());
  }

  @Test
  void inventorySettingsReachTheBooksSettings() {
    StorePulseConfig.InventoryConfig inventory = StorePulseConfig.parse(Map.of(
        "inventory.lowStockThreshold", "12",
        "inventory.cartReservations", " shop-a, shop-b ,,",
        "inventory.cartReservationTtl", "5m",
        "inventory.reservationMaxTtl", "2h")).inventory();
    assertEquals(12, inventory.book().defaultLowStockThreshold());
    assertEquals(Set.of("shop-a", "shop-b"), inventory.book().cartReservationStores());
    assertTrue(inventory.book().cartReservations("shop-b"));
    assertFalse(inventory.book().cartReservations("shop-c"));
    assertEquals(Duration.ofMinutes(5), inventory.book().cartReservationTtl());
    assertEquals(Duration.ofHours(2), inventory.reservationMaxTtl());
  }

  @Test
  void invalidInventorySettingsAreReported() {
    ConfigException e = assertThrows(ConfigException.class, () -> StorePulseConfig.parse(Map.of(
        "inventory.lowStockThreshold", "-1",
        "inventory.cartReservationTtl", "0m",
        "inventory.reservationMaxTtl", "500ms")));
    assertNamed(e.getMessage(), "inventory.lowStockThreshold", "STOREPULSE_INVENTORY_LOW_STOCK_THRESHOLD", "-1");
    assertNamed(e.getMessage(), "inventory.cartReservationTtl", "STOREPULSE_INVENTORY_CART_RESERVATION_TTL", "0m");
    assertNamed(e.getMessage(), "inventory.reservationMaxTtl", "STOREPULSE_INVENTORY_RESERVATION_MAX_TTL", "500ms");
  }

  @Test
  void writerQueueMustHoldOneFullRequest() {
    ConfigException e = assertThrows(ConfigException.class, () -> StorePulseConfig.parse(Map.of(
        "writer.queueCapacity", "50", "ingest.maxEventsPerRequest", "100")));
    assertNamed(e.getMessage(), "writer.queueCapacity", "STOREPULSE_WRITER_QUEUE_CAPACITY", "50");
    assertTrue(e.getMessage().contains("ingest.maxEventsPerRequest"), e.getMessage());

    assertEquals(100, StorePulseConfig.parse(Map.of(
        "writer.queueCapacity", "100", "ingest.maxEventsPerRequest", "100")).writer().queueCapacity());
  }

  @Test
  void durationsTakeMillisecondsSecondsMinutesHoursAndDays() {
    assertEquals(Duration.ofMillis(500), StorePulseConfig.parseDuration("500ms"));
    assertEquals(Duration.ofSeconds(5), StorePulseConfig.parseDuration("5s"));
    assertEquals(Duration.ofMinutes(1), StorePulseConfig.parseDuration("1m"));
    assertEquals(Duration.ofHours(2), StorePulseConfig.parseDuration("2h"));
    assertEquals(Duration.ofDays(7), StorePulseConfig.parseDuration("7d"));
    assertEquals(Duration.ofSeconds(5), StorePulseConfig.parseDuration(" 5s "));

    StorePulseConfig config = StorePulseConfig.parse(Map.of(
        "ingest.ackTimeout", "500ms", "ingest.maxEventAge", "30d", "ingest.maxFutureSkew", "90s"));
    assertEquals(Duration.ofMillis(500), config.ackTimeout());
    assertEquals(Duration.ofDays(30), config.ingest().maxEventAge());
    assertEquals(Duration.ofSeconds(90), config.ingest().maxFutureSkew());
  }

  @Test
  void durationsWithoutNumberOrKnownUnitAreRefused() {
    for (String bad : new String[] {"5", "s", "1.5s", "-5s", "5 s", "5sec", "5S", ""}) {
      assertThrows(IllegalArgumentException.class, () -> StorePulseConfig.parseDuration(bad), "'" + bad + "'");
    }
  }

  @Test
  void databaseUrlGivesUserPasswordHostPortAndDatabase() throws URISyntaxException {
    assertEquals(new DatabaseUrl("db.example.com", 6543, "shop", "app", "s3cr@t:pw/%"),
        DatabaseUrl.parse("postgresql://app:s3cr%40t%3Apw%2F%25@db.example.com:6543/shop"));
    assertEquals(new DatabaseUrl("db.example.com", 5432, "shop", "app", ""),
        DatabaseUrl.parse("postgres://app@db.example.com/shop"));
  }

  @Test
  void databaseUrlDefaultsToPort5432DatabasePostgresAndUserPostgres() throws URISyntaxException {
    assertEquals(new DatabaseUrl("localhost", 5432, "postgres", "postgres", ""), DatabaseUrl.parse("postgresql://localhost"));
    assertEquals(new DatabaseUrl("localhost", 5432, "postgres", "postgres", ""), DatabaseUrl.parse("postgresql://localhost/"));
  }

  @Test
  void plusInAPasswordIsAPlus() throws URISyntaxException {
    // RFC 3986: only %-escapes are decoded in the user info; '+' is not a space there (that is form encoding)
    assertEquals("a+b", DatabaseUrl.parse("postgresql://app:a+b@db.example.com/shop").password());
    assertEquals("a b", DatabaseUrl.parse("postgresql://app:a%20b@db.example.com/shop").password());
  }

  @Test
  void databaseUrlWithAnotherSchemeOrNoHostIsRefused() {
    assertThrows(URISyntaxException.class, () -> DatabaseUrl.parse("mysql://db.example.com/shop"));
    assertThrows(URISyntaxException.class, () -> DatabaseUrl.parse("jdbc:postgresql://db.example.com/shop"));
    assertThrows(URISyntaxException.class, () -> DatabaseUrl.parse("postgresql:///shop"));
    assertThrows(URISyntaxException.class, () -> DatabaseUrl.parse("postgresql://db example/shop"));
  }

  @Test
  void databaseUrlShownInLogsHasNoPassword() throws URISyntaxException {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app:hunter2@db.example.com:6543/shop");
    assertEquals("postgresql://app@db.example.com:6543/shop", url.redacted());
    assertEquals("jdbc:postgresql://db.example.com:6543/shop", url.jdbcUrl());
  }

  @Test
  void environmentVariableWinsOverTheFileKey() {
    JsonObject merged = new JsonObject()
        .put("http.port", "9000")
        .put("STOREPULSE_HTTP_PORT", "9100")
        .put("db.poolSize", 8)
        .put("STOREPULSE_INGEST_MAX_EVENT_BYTES", "4096")
        .put("PATH", "/usr/bin")
        .put("unknown.setting", "x");
    assertEquals(Map.of(
            "http.port", "9100",
            "db.poolSize", "8",
            "ingest.maxEventBytes", "4096"),
        ConfigLoader.settingValues(merged));
  }

  @Test
  void environmentVariableNamesFollowTheKeys() {
    assertEquals("STOREPULSE_INGEST_MAX_EVENT_BYTES", Settings.INGEST_MAX_EVENT_BYTES.environmentVariable());
    assertEquals("STOREPULSE_DB_EMBEDDED_DURABLE", Settings.DB_EMBEDDED_DURABLE.environmentVariable());
    assertEquals("STOREPULSE_EVENT_LOOPS", Settings.EVENT_LOOPS.environmentVariable());
    assertEquals("STOREPULSE_HTTP_PORT", Settings.HTTP_PORT.environmentVariable());

    Set<String> names = new HashSet<>();
    for (Setting setting : Settings.ALL) {
      String name = setting.environmentVariable();
      assertTrue(name.matches("STOREPULSE_[A-Z0-9]+(_[A-Z0-9]+)*"), name);
      assertTrue(names.add(name), "two settings share " + name);
    }
  }

  @Test
  void loaderReadsAPropertiesFile(@TempDir Path directory) throws IOException {
    assumeTrue(System.getenv("STOREPULSE_HTTP_PORT") == null && System.getenv("STOREPULSE_INGEST_MAX_EVENT_AGE") == null,
        "the environment overrides these settings");
    Path file = directory.resolve("storepulse.properties");
    Files.writeString(file, "http.port=9001\ningest.maxEventAge=3d\n");
    StorePulseConfig config = ConfigLoader.load(file, true);
    assertEquals(9001, config.http().port());
    assertEquals(Duration.ofDays(3), config.ingest().maxEventAge());
  }

  @Test
  void loaderRefusesANamedFileThatIsMissing(@TempDir Path directory) {
    Path missing = directory.resolve("nope.properties");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, true));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  private static void assertNamed(String message, String key, String variable, String value) {
    assertTrue(message.contains(key + " (" + variable + ")"), "names " + key + " and " + variable + ": " + message);
    assertTrue(message.contains("'" + value + "'"),
        "shows the value " + value + " given for " + key + ": " + message);
  }
}
