package io.storepulse.inventory;

import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/stores/{store}/inventory}: bulk import of initial stock, JSON or CSV, against a real server. */
class InventoryImportTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("pipeline.flushInterval", "200ms", "inventory.lowStockThreshold", "3"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aJsonImportSetsLevelsAndThresholdsReadableAtOnceAndEachLevelIsTheSumOfItsMovements() {
    InventoryApi shop = new InventoryApi(server, "imp-json");
    HttpResponse<Buffer> response = importJson(shop, new JsonArray()
        .add(new JsonObject().put("sku", "tea").put("onHand", 40).put("lowStockThreshold", 10))
        .add(new JsonObject().put("sku", "cup").put("onHand", 7)), null);

    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject answer = response.bodyAsJsonObject();
    assertEquals(2, answer.getInteger("imported"), answer.encode());
    assertEquals(0, answer.getInteger("rejected"), answer.encode());
    JsonObject tea = answer.getJsonArray("results").getJsonObject(0);
    assertEquals(1, tea.getInteger("row"));
    assertEquals("tea", tea.getString("sku"));
    assertEquals("imported", tea.getString("status"));
    assertEquals(40, tea.getJsonObject("level").getLong("onHand"));

    // answered after the flush that made it durable: readable without waiting
    JsonObject teaLevel = shop.level("tea").bodyAsJsonObject();
    assertEquals(40, teaLevel.getLong("onHand"), teaLevel.encode());
    assertEquals(10, teaLevel.getLong("lowStockThreshold"), teaLevel.encode());
    JsonObject cupLevel = shop.level("cup").bodyAsJsonObject();
    assertEquals(7, cupLevel.getLong("onHand"), cupLevel.encode());
    assertEquals(3, cupLevel.getLong("lowStockThreshold"), "inventory.lowStockThreshold: " + cupLevel.encode());
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
    assertEquals(2L, server.queryValue(Long.class,
        "SELECT count(*) FROM inventory_movements WHERE store_id = 'imp-json' AND reason = 'import'"));
  }

  @Test
  void aCsvImportWithAHeaderReportsEachBadRowByItsLineAndImportsTheOthers() {
    InventoryApi shop = new InventoryApi(server, "imp-csv");
    String csv = """
        sku,on_hand,low_stock_threshold
        tea,12,4
        cup,lots
        mug,-1

        pot,5
        tea,9
        "odd, sku",2,1
        lid
        """;
    HttpResponse<Buffer> response = importCsv(shop, csv);

    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject answer = response.bodyAsJsonObject();
    assertEquals(3, answer.getInteger("imported"), answer.encode());
    assertEquals(4, answer.getInteger("rejected"), answer.encode());
    JsonArray results = answer.getJsonArray("results");
    assertRow(results.getJsonObject(0), 2, "tea", "imported", null);
    assertRow(results.getJsonObject(1), 3, "cup", "rejected", "on_hand must be a whole number");
    assertRow(results.getJsonObject(2), 4, "mug", "rejected", "on_hand must not be negative");
    assertRow(results.getJsonObject(3), 6, "pot", "imported", null);
    assertRow(results.getJsonObject(4), 7, "tea", "rejected", "earlier row");
    assertRow(results.getJsonObject(5), 8, "odd, sku", "imported", null);
    assertRow(results.getJsonObject(6), 9, "lid", "rejected", "expected sku,on_hand");

    assertEquals(12, shop.level("tea").bodyAsJsonObject().getLong("onHand"), "the repeated row changed nothing");
    assertEquals(4, shop.level("tea").bodyAsJsonObject().getLong("lowStockThreshold"));
    assertEquals(5, shop.level("pot").bodyAsJsonObject().getLong("onHand"));
    assertEquals(404, shop.level("cup").statusCode());
    assertEquals(404, shop.level("mug").statusCode());
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
  }

  @Test
  void aCsvImportWithoutAHeaderNumbersRowsFromTheFirstLine() {
    InventoryApi shop = new InventoryApi(server, "imp-csv-bare");
    HttpResponse<Buffer> response = importCsv(shop, "a,1\r\nb,x\r\n");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
    assertRow(results.getJsonObject(0), 1, "a", "imported", null);
    assertRow(results.getJsonObject(1), 2, "b", "rejected", "whole number");
  }

  @Test
  void anImportWithNoValidRowIsRefusedWith400CarryingTheResults() {
    InventoryApi shop = new InventoryApi(server, "imp-bad");
    JsonObject problem = assertProblem(importJson(shop, new JsonArray()
        .add(new JsonObject().put("sku", "tea"))
        .add(new JsonObject().put("sku", "cup").put("onHand", "many"))
        .add("not a row")
        .add(new JsonObject().put("sku", "mug").put("onHand", 1).put("lowStockThreshold", -2)), null), 400);
    assertEquals(0, problem.getInteger("imported"), problem.encode());
    assertEquals(4, problem.getInteger("rejected"), problem.encode());
    JsonArray results = problem.getJsonArray("results");
    assertRow(results.getJsonObject(0), 1, "tea", "rejected", "on_hand is required");
    assertRow(results.getJsonObject(1), 2, "cup", "rejected", "onHand must be a whole number");
    assertRow(results.getJsonObject(2), 3, null, "rejected", "JSON object");
    assertRow(results.getJsonObject(3), 4, "mug", "rejected", "low_stock_threshold must not be negative");
    assertEquals(404, shop.level("mug").statusCode());

    JsonObject csvProblem = assertProblem(importCsv(shop, "sku,on_hand\nx,y\n"), 400);
    assertEquals(1, csvProblem.getInteger("rejected"), csvProblem.encode());
    assertProblem(importCsv(shop, "sku,on_hand\n"), 400);
    assertProblem(server.client().post(path(shop)).bearerTokenAuthentication(shop.writeKey)
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("a,1")).await(), 415);
    assertProblem(server.client().post(path(shop)).bearerTokenAuthentication(shop.readToken)
        .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer("a,1")).await(), 403);
  }

  @Test
  void anImportOfMoreThanTheRowLimitIsRefused() {
    InventoryApi shop = new InventoryApi(server, "imp-big");
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i <= 10_000; i++) {
      csv.append("s").append(i).append(",1\n");
    }
    assertProblem(importCsv(shop, csv.toString()), 413);
    assertEquals(404, shop.level("s0").statusCode());
  }

  @Test
  void theLowStockFilterHonoursImportedThresholdsAndTheAdminTokenMayImport() {
    InventoryApi shop = new InventoryApi(server, "imp-low");
    HttpResponse<Buffer> response = server.client().post(path(shop)).bearerTokenAuthentication(TestServer.ADMIN_TOKEN)
        .putHeader("Content-Type", "text/csv").putHeader("Idempotency-Key", "initial-stock")
        .sendBuffer(Buffer.buffer("""
            high,20,50
            plenty,20,5
            default,2
            """)).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());

    Deadline.await(Duration.ofSeconds(10), "three levels listed", () -> skus(shop, "").size() == 3);
    // 20 < 50 is low; 20 >= 5 is not; 2 < 3 (inventory.lowStockThreshold) is low
    assertEquals(Set.of("high", "default"), skus(shop, "?lowStock=true"));
    assertEquals(1L, server.queryValue(Long.class,
        "SELECT count(DISTINCT cause) FROM inventory_movements WHERE store_id = 'imp-low' AND cause = 'initial-stock'"));

    // an order then takes "plenty" below its own threshold
    shop.ingest(InventoryApi.order("o-plenty", "plenty", 16));
    shop.awaitLevel("plenty", "the order to take 16", level -> level.getLong("onHand") == 4);
    assertEquals(Set.of("high", "default", "plenty"), skus(shop, "?lowStock=true"));
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
  }

  @Test
  void anImportSetsLevelsOverStockAlreadyMovedAndTheLedgerStillSumsToThem() {
    InventoryApi shop = new InventoryApi(server, "imp-over");
    shop.ingest(InventoryApi.restocked("tea", 8));
    shop.awaitLevel("tea", "restocked to 8", level -> level.getLong("onHand") == 8);
    HttpResponse<Buffer> response = importCsv(shop, "tea,30\n");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(30, shop.level("tea").bodyAsJsonObject().getLong("onHand"));
    assertEquals(0, shop.levelsDifferingFromTheirLedger());
  }

  private static void assertRow(JsonObject row, int number, String sku, String status, String errorPart) {
    assertEquals(number, row.getInteger("row"), row.encode());
    assertEquals(sku, row.getString("sku"), row.encode());
    assertEquals(status, row.getString("status"), row.encode());
    if (errorPart == null) {
      assertFalse(row.containsKey("error"), row.encode());
      assertTrue(row.containsKey("level"), row.encode());
    } else {
      assertTrue(row.getString("error", "").contains(errorPart), "error contains '" + errorPart + "': " + row.encode());
    }
  }

  private static Set<String> skus(InventoryApi shop, String query) {
    HttpResponse<Buffer> page = server.client().get("/v1/stores/" + shop.store + "/inventory" + query)
        .bearerTokenAuthentication(shop.readToken).send().await();
    assertEquals(200, page.statusCode(), page.bodyAsString());
    return page.bodyAsJsonObject().getJsonArray("items").stream()
        .map(item -> ((JsonObject) item).getString("sku")).collect(Collectors.toSet());
  }

  private static String path(InventoryApi shop) {
    return "/v1/stores/" + shop.store + "/inventory";
  }

  private static HttpResponse<Buffer> importJson(InventoryApi shop, JsonArray rows, String idempotencyKey) {
    var request = server.client().post(path(shop)).bearerTokenAuthentication(shop.writeKey);
    if (idempotencyKey != null) {
      request.putHeader("Idempotency-Key", idempotencyKey);
    }
    return request.putHeader("Content-Type", "application/json").sendBuffer(rows.toBuffer()).await();
  }

  private static HttpResponse<Buffer> importCsv(InventoryApi shop, String csv) {
    return server.client().post(path(shop)).bearerTokenAuthentication(shop.writeKey)
        .putHeader("Content-Type", "text/csv; charset=utf-8").sendBuffer(Buffer.buffer(csv)).await();
  }
}
