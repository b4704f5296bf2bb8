package io.storepulse.http;

import io.storepulse.config.DatabaseUrl;
import io.storepulse.testing.TestPostgres;
import io.storepulse.testing.Chromium;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.FreePort;
import io.storepulse.testing.ShopTraffic;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import static io.storepulse.testing.HttpAssertions.assertIngestAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard page in headless Chromium against a real server: what a merchant sees moves
 * with the events the store sends, and the page survives losing its connection. Skipped only
 * where Chromium is not installed ({@code .ci/run} installs it).
 */
class DashboardBrowserTest {

  private static final AtomicInteger IDS = new AtomicInteger();
  private static final Path CLIENT_MESSAGE_SCHEMA = Path.of("docs", "schema", "dashboard-client-message.schema.json");

  /**
   * Test instrumentation, run before the page's scripts: records every WebSocket the page opens,
   * what it sends and receives, and can refuse new connections ({@code __blockSockets}) or drop
   * one update of a subscription ({@code __dropUpdateOf}) to make a gap.
   */
  private static final String SOCKET_RECORDER = """
      window.__sockets = []; window.__sent = []; window.__received = [];
      window.__blockSockets = false; window.__dropUpdateOf = null;
      const NativeWebSocket = window.WebSocket;
      window.WebSocket = class extends NativeWebSocket {
        constructor(url, protocols) {
          super(window.__blockSockets ? url.replace("/v1/dashboard/ws", "/v1/dashboard/blocked") : url, protocols);
          window.__sockets.push(this);
        }
        send(data) { window.__sent.push(JSON.parse(data)); super.send(data); }
        set onmessage(handler) {
          super.onmessage = (event) => {
            const message = JSON.parse(event.data);
            if (message.type === "update" && window.__dropUpdateOf && message.id.startsWith(window.__dropUpdateOf + ".")) {
              window.__dropUpdateOf = null;
              window.__received.push({dropped: message});
              return;
            }
            window.__received.push(message);
            handler(event);
          };
        }
        get onmessage() { return super.onmessage; }
      };
      """;

  static TestServer server;
  Chromium browser;

  @BeforeAll
  static void startServer() {
    assumeTrue(Chromium.installed(), "Chromium is not installed: apt-get install -y chromium chromium-driver");
    server = TestServer.start(Map.of(
        "pipeline.flushInterval", "200ms",
        "windows.allowedLateness", "5s",
        "windows.idleGrace", "1s",
        "inventory.lowStockThreshold", "5",
        "analytics.anomalyWarmUp", "15"));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void startBrowser() {
    browser = Chromium.start(1280, 800);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void ordersRevenueTrendingStockAndAlertsFollowTheEventsTheStoreSends() {
    Shop shop = new Shop("lamps-and-mugs");
    awaitSameHourForAMinute();
    browser.open(shop.dashboardUrl());
    awaitLive();
    assertFalse(browser.driver().getCurrentUrl().contains("token="), "the token leaves the address bar");
    assertEquals("lamps-and-mugs", browser.text("#store-name"));
    browser.awaitText("[data-kpi=orders]", "0");

    // 3 orders, 1 234.50 EUR in all; mugs sell the most units
    Instant now = Instant.now();
    shop.send(
        pageView("v1", now), pageView("v2", now), pageView("v3", now), pageView("v4", now),
        productView("v1", "lamp", now), productView("v2", "mug", now), productView("v3", "chair", now),
        order("v1", now, "1000.00", item("lamp", 2, "500.00")),
        order("v2", now, "200.50", item("chair", 1, "200.50")),
        order("v3", now, "34.00", item("mug", 4, "8.50")));

    browser.awaitText("[data-kpi=orders]", "3");
    browser.awaitText("[data-kpi=revenue]", "€1,234.50");
    browser.awaitText("[data-kpi=aov]", "€411.50");
    browser.awaitText("[data-kpi=visitors]", "4");
    browser.awaitText("[data-kpi=conversion]", "75.0%");
    browser.awaitTextContaining("#trending-list li:first-child", "mug");
    assertEquals("mug\n4 sold", browser.text("#trending-list li:first-child"));
    assertEquals(List.of("mug", "lamp", "chair"), attributes("#trending-list li", "data-sku"));

    // stock: an import declares it, later orders cross the thresholds
    shop.importStock(new JsonArray()
        .add(level("lamp", 3, 5))
        .add(level("chair", 0, 2))
        .add(level("mug", 40, 5))
        .add(level("vase", 8, 5)));
    Deadline.await(Duration.ofSeconds(30), "chair (out) and lamp (low) in the stock watch",
        () -> attributes("#stock-rows tr", "data-sku").equals(List.of("chair", "lamp")));
    assertEquals("chair 0 2 Out of stock", browser.text("#stock-rows tr[data-sku=chair]"));
    assertEquals("lamp 3 5 Low", browser.text("#stock-rows tr[data-sku=lamp]"));

    Instant later = Instant.now();
    shop.send(order("v4", later, "60.00", item("vase", 4, "15.00")));
    Deadline.await(Duration.ofSeconds(30), "vase in the stock watch",
        () -> attributes("#stock-rows tr", "data-sku").equals(List.of("chair", "lamp", "vase")));
    assertEquals("vase 4 5 Low", browser.text("#stock-rows tr[data-sku=vase]"));
    browser.awaitTextContaining("#alert-feed li[data-kind=low_stock]", "SKU vase has 4 available");
    assertTrue(browser.text("#alert-feed li[data-kind=low_stock]").startsWith("Low stock"));
    browser.awaitText("[data-kpi=orders]", "4");
    browser.awaitText("[data-kpi=revenue]", "€1,294.50");

    assertEquals("Live", browser.text("#connection-label"));
    browser.screenshot("dashboard-test-wide");
    browser.resize(390, 844);
    assertNoHorizontalOverflow();
    browser.screenshot("dashboard-test-narrow");
    assertEquals(List.of(), browser.consoleMessages(Level.WARNING), "no errors or warnings in the console");
  }

  @Test
  void afterLosingItsConnectionThePageResumesFromItsLastSeqAndAfterAGapItSubscribesAfresh() {
    Shop shop = new Shop("resume-shop");
    awaitSameHourForAMinute();
    browser.beforeEveryPage(SOCKET_RECORDER);
    browser.open(shop.dashboardUrl());
    awaitLive();
    shop.send(order("r1", Instant.now(), "10.00", item("tea", 1, "10.00")));
    browser.awaitText("[data-kpi=orders]", "1");

    // the connection drops; reconnecting is refused until two more orders are in the server's results
    browser.script("window.__blockSockets = true; window.__sockets.at(-1).close();");
    Deadline.await(Duration.ofSeconds(10), "the indicator to say reconnecting",
        () -> "reconnecting".equals(browser.script("return document.getElementById('connection').dataset.state")));
    assertEquals("Reconnecting", browser.text("#connection-label"));
    browser.awaitTextContaining("#connection-countdown", "in ");
    browser.screenshot("dashboard-reconnecting");
    int sentBefore = ((Number) browser.script("return window.__sent.length")).intValue();
    shop.send(order("r2", Instant.now(), "20.00", item("tea", 2, "10.00")),
        order("r3", Instant.now(), "30.00", item("tea", 3, "10.00")));
    Deadline.await(Duration.ofSeconds(30), "the server's results to hold 3 orders", () -> shop.ordersThisHour() == 3);
    assertEquals("1", browser.text("[data-kpi=orders]"), "nothing arrives while disconnected");

    browser.script("window.__blockSockets = false;");
    awaitLive();
    browser.awaitText("[data-kpi=orders]", "3");
    browser.awaitText("[data-kpi=revenue]", "€60.00");
    List<JsonObject> resubscriptions = sentSince(sentBefore);
    assertEquals(5, resubscriptions.size(), "each subscription once: " + resubscriptions);
    for (JsonObject subscribe : resubscriptions) {
      assertEquals("subscribe", subscribe.getString("op"));
      assertTrue(subscribe.getLong("since") != null, "resumes with since: " + subscribe.encode());
    }
    assertEquals("replay", awaitSecondStart("hours.0"), "the server still had the missed updates");

    // an update that never arrives: the next one does not follow on, so the page starts over
    int sentBeforeGap = ((Number) browser.script("return window.__sent.length")).intValue();
    browser.script("window.__dropUpdateOf = 'hours';");
    shop.send(order("r4", Instant.now(), "40.00", item("tea", 4, "10.00")));
    Deadline.await(Duration.ofSeconds(30), "an update of hours to be dropped",
        () -> received().stream().anyMatch(m -> m.containsKey("dropped")));
    shop.send(order("r5", Instant.now(), "50.00", item("tea", 5, "10.00")));
    browser.awaitText("[data-kpi=orders]", "5");
    browser.awaitText("[data-kpi=revenue]", "€150.00");
    List<JsonObject> afterGap = sentSince(sentBeforeGap);
    assertEquals(List.of(new JsonObject().put("op", "unsubscribe").put("id", "hours.0"),
            new JsonObject().put("op", "subscribe").put("id", "hours.1").put("channel", "metrics")
                .put("store", "resume-shop").put("window", "1h")),
        afterGap, "a fresh subscription, without since");
    assertEquals("Live", browser.text("#connection-label"));
    assertEverySentMessageFollowsTheClientSchema();
  }

  @Test
  void afterAServerRestartThePageReconnectsByItselfAndTakesAFreshSnapshot() {
    Map<String, String> settings = new HashMap<>(Map.of(
        "pipeline.flushInterval", "200ms",
        "shutdown.timeout", "1s",
        "http.port", Integer.toString(FreePort.next())));
    awaitSameHourForAMinute();
    TestServer first = TestServer.start(settings);
    DatabaseUrl database = first.database();
    Shop shop;
    try {
      shop = new Shop(first, "restart-shop");
      browser.beforeEveryPage(SOCKET_RECORDER);
      browser.open(shop.dashboardUrl());
      awaitLive();
      shop.send(order("s1", Instant.now(), "12.00", item("tea", 1, "12.00")),
          order("s2", Instant.now(), "13.00", item("tea", 1, "13.00")));
      browser.awaitText("[data-kpi=orders]", "2");
    } finally {
      first.close();
    }
    Deadline.await(Duration.ofSeconds(10), "the indicator to say reconnecting",
        () -> "reconnecting".equals(browser.script("return document.getElementById('connection').dataset.state")));

    settings.put("db.url", TestPostgres.settingValue(database));
    try (TestServer second = TestServer.start(settings)) {
      awaitLive();
      // the seqs of the first run mean nothing to the second: reset, then the state from the database
      assertEquals("reset", awaitSecondStart("hours.0"));
      assertEquals("2", browser.text("[data-kpi=orders]"));
      browser.awaitText("[data-kpi=revenue]", "€25.00");
      new Shop(second, shop).send(order("s3", Instant.now(), "14.00", item("tea", 1, "14.00")));
      browser.awaitText("[data-kpi=orders]", "3");
    }
  }

  @Test
  void withoutATokenThePageAsksForOneAndSaysWhyItIsRefused() {
    Shop shop = new Shop("signin-shop");
    Shop other = new Shop("other-shop");
    browser.open("http://127.0.0.1:" + server.port() + "/dashboard");
    assertTrue(browser.driver().findElement(By.id("signin")).isDisplayed());
    assertEquals("Not connected", browser.text("#connection-label"));

    signIn("signin-shop", "spr_not-a-token");
    browser.awaitText("#signin-error", "The key is unknown or revoked");

    signIn("signin-shop", other.readToken);
    browser.awaitText("#signin-error", "This token is for store 'other-shop', not 'signin-shop'");
    browser.screenshot("dashboard-signin");

    signIn("signin-shop", shop.readToken);
    awaitLive();
    assertEquals("signin-shop", browser.text("#store-name"));

    // the token is remembered on this device: a reload needs no sign-in
    browser.open("http://127.0.0.1:" + server.port() + "/dashboard");
    awaitLive();
    assertEquals("signin-shop", browser.text("#store-name"));
  }

  /**
   * Fifty minutes of a busy store, sent at once with their past times, on a server of its own:
   * there the watermark follows the events (a long idle grace keeps the wall clock out of it), so
   * the past minutes become final with moving averages and alerts, as if they had been live.
   */
  @Test
  void anHourOfABusyStoreReadsWellOnAWideAndANarrowScreen() {
    try (TestServer busyServer = TestServer.start(Map.of(
        "pipeline.flushInterval", "200ms",
        "windows.allowedLateness", "5s",
        "windows.idleGrace", "2h",
        "analytics.anomalyWarmUp", "15"))) {
      Shop shop = new Shop(busyServer, "northwind-apparel");
      awaitSameHourForAMinute();
      shop.importStock(ShopTraffic.stock());
      List<JsonObject> events = new ShopTraffic(20261121L, "busy").minutesUntil(Instant.now(), 58, 7);
      for (int from = 0; from < events.size(); from += 500) {
        shop.send(events.subList(from, Math.min(from + 500, events.size())).toArray(JsonObject[]::new));
      }
      Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
      List<JsonObject> ordersThisHour = events.stream()
          .filter(e -> e.getString("type").equals("order_completed") && !Instant.parse(e.getString("time")).isBefore(hour))
          .toList();
      BigDecimal revenue = ordersThisHour.stream().map(e -> new BigDecimal(e.getString("total")))
          .reduce(BigDecimal.ZERO, BigDecimal::add);
      // early in an hour fewer than five products may have sold yet
      long trending = Math.min(5, ordersThisHour.stream().flatMap(e -> e.getJsonArray("items").stream())
          .map(item -> ((JsonObject) item).getString("sku")).distinct().count());

      browser.open(shop.dashboardUrl());
      awaitLive();
      browser.awaitText("[data-kpi=orders]", Integer.toString(ordersThisHour.size()));
      browser.awaitText("[data-kpi=revenue]", euros(revenue));
      browser.awaitTextContaining("#alert-feed li[data-kind=spike]", "Payment failures rose to");
      Deadline.await(Duration.ofSeconds(30), "moving averages of the final minutes", () -> (Boolean) browser.script(
          "return Chart.getChart('sales-chart').data.datasets[1].data.filter(v => v !== null).length >= 40"));
      Deadline.await(Duration.ofSeconds(30), trending + " trending products",
          () -> browser.all("#trending-list li").size() == trending);
      assertTrue(browser.all("#stock-rows tr").size() >= 2, "SKUs run low");

      browser.screenshot("dashboard-wide");
      assertNoHorizontalOverflow();
      browser.resize(390, 844);
      assertNoHorizontalOverflow();
      browser.screenshot("dashboard-narrow");
      browser.fullPageScreenshot("dashboard-narrow-full");
      assertEquals(List.of(), browser.consoleMessages(Level.WARNING), "no errors or warnings in the console");
    }
  }

  // ------------------------------------------------------------------ helpers

  /** 1234.5 as en-US shows euros: €1,234.50. */
  private static String euros(BigDecimal amount) {
    return "€" + new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.US)).format(amount);
  }

  private void signIn(String store, String token) {
    WebElement storeInput = browser.driver().findElement(By.id("store-input"));
    WebElement tokenInput = browser.driver().findElement(By.id("token-input"));
    Deadline.await(Duration.ofSeconds(10), "the sign-in form", storeInput::isDisplayed);
    storeInput.clear();
    storeInput.sendKeys(store);
    tokenInput.clear();
    tokenInput.sendKeys(token);
    browser.driver().findElement(By.cssSelector("#signin-form button[type=submit]")).click();
  }

  private void awaitLive() {
    browser.awaitText("#connection-label", "Live");
  }

  /** The KPI tiles show the current hour: a test that needs a minute of it waits for the next hour if need be. */
  private static void awaitSameHourForAMinute() {
    Instant now = Instant.now();
    Instant nextHour = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    if (Duration.between(now, nextHour).compareTo(Duration.ofSeconds(60)) < 0) {
      Deadline.await(Duration.ofSeconds(70), "the next hour", () -> Instant.now().isAfter(nextHour.plusSeconds(1)));
    }
  }

  /** The attribute of every element matching {@code css}, read at once: the page replaces its lists as it renders. */
  @SuppressWarnings("unchecked")
  private List<String> attributes(String css, String attribute) {
    return (List<String>) browser.script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]))", css, attribute);
  }

  private void assertNoHorizontalOverflow() {
    Object overflowing = browser.script("""
        const width = document.documentElement.clientWidth;
        return [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ends at ${Math.round(e.getBoundingClientRect().right)}`)
            .slice(0, 5);
        """);
    assertEquals(List.of(), overflowing, "elements wider than the " + browser.script("return innerWidth") + " px viewport");
  }

  private void assertEverySentMessageFollowsTheClientSchema() {
    Validator schema;
    try {
      schema = Validator.create(JsonSchema.of(new JsonObject(Files.readString(CLIENT_MESSAGE_SCHEMA))),
          new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://storepulse.io/"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<JsonObject> sent = sentSince(0);
    assertFalse(sent.isEmpty());
    for (JsonObject message : sent) {
      OutputUnit result = schema.validate(message);
      assertTrue(result.getValid(), message.encode() + " -> " + result.getErrors());
    }
  }

  /** How the server started subscription {@code id} the second time: after the reconnect. */
  private String awaitSecondStart(String id) {
    List<String> starts = new ArrayList<>();
    Deadline.await(Duration.ofSeconds(30), id + " to be subscribed again", () -> {
      starts.clear();
      received().stream().filter(m -> "subscribed".equals(m.getString("type")) && id.equals(m.getString("id")))
          .forEach(m -> starts.add(m.getString("start")));
      return starts.size() >= 2;
    });
    assertEquals(2, starts.size(), "one start per connection: " + starts);
    assertEquals("snapshot", starts.get(0));
    return starts.get(1);
  }

  private List<JsonObject> sentSince(int index) {
    return json("return JSON.stringify(window.__sent.slice(" + index + "))");
  }

  private List<JsonObject> received() {
    return json("return JSON.stringify(window.__received)");
  }

  private List<JsonObject> json(String script) {
    JsonArray array = new JsonArray((String) browser.script(script));
    return array.stream().map(JsonObject.class::cast).toList();
  }

  /** A store of a server, with its keys. */
  private static final class Shop {

    final TestServer server;
    final String id;
    final String writeKey;
    final String readToken;

    Shop(String id) {
      this(DashboardBrowserTest.server, id);
    }

    /** The same store on a restarted server. */
    Shop(TestServer server, Shop before) {
      this.server = server;
      this.id = before.id;
      this.writeKey = before.writeKey;
      this.readToken = before.readToken;
    }

    Shop(TestServer server, String id) {
      this.server = server;
      this.id = id;
      JsonObject created = server.createStore(id);
      this.writeKey = created.getJsonObject("writeKey").getString("key");
      this.readToken = created.getJsonObject("readToken").getString("key");
    }

    String dashboardUrl() {
      return "http://127.0.0.1:" + server.port() + "/dashboard?store=" + id + "&token=" + readToken;
    }

    void send(JsonObject... events) {
      JsonObject answer = assertIngestAnswer(
          server.ingest(writeKey, new JsonObject().put("events", new JsonArray(List.of((Object[]) events)))), events.length);
      assertEquals(events.length, answer.getInteger("accepted"), answer.encode());
    }

    void importStock(JsonArray rows) {
      HttpResponse<Buffer> response = server.client().post("/v1/stores/" + id + "/inventory")
          .bearerTokenAuthentication(writeKey).putHeader("Content-Type", "application/json")
          .sendBuffer(rows.toBuffer()).await();
      assertEquals(200, response.statusCode(), response.bodyAsString());
    }

    /** Orders of the current hour, as the read API reports them. */
    long ordersThisHour() {
      Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
      JsonObject body = server.client().get("/v1/stores/" + id + "/metrics?window=1h&from=" + hour)
          .bearerTokenAuthentication(readToken).send().await().bodyAsJsonObject();
      return body.getJsonArray("windows").stream()
          .mapToLong(w -> ((JsonObject) w).getJsonObject("metrics").getLong("orders")).sum();
    }
  }

  private static JsonObject event(String type, String visitor, Instant time) {
    return new JsonObject().put("id", "browser-" + IDS.incrementAndGet()).put("type", type)
        .put("time", time.toString()).put("visitorId", visitor);
  }

  private static JsonObject pageView(String visitor, Instant time) {
    return event("page_viewed", visitor, time);
  }

  private static JsonObject productView(String visitor, String sku, Instant time) {
    return event("product_viewed", visitor, time).put("sku", sku);
  }

  private static JsonObject order(String visitor, Instant time, String total, JsonObject... items) {
    return event("order_completed", visitor, time).put("orderId", "order-" + IDS.incrementAndGet())
        .put("currency", "EUR").put("total", total).put("items", new JsonArray(List.of((Object[]) items)));
  }

  private static JsonObject item(String sku, int quantity, String price) {
    return new JsonObject().put("sku", sku).put("quantity", quantity).put("price", price);
  }

  private static JsonObject level(String sku, int onHand, int lowStockThreshold) {
    return new JsonObject().put("sku", sku).put("onHand", onHand).put("lowStockThreshold", lowStockThreshold);
  }
}
