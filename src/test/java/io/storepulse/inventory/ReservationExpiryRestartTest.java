package io.storepulse.inventory;

import io.storepulse.config.DatabaseUrl;
import io.storepulse.testing.TestPostgres;
import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A reservation that expires while the server is down is released once the restarted owner catches up. */
class ReservationExpiryRestartTest {

  private static final String COUNT_RESERVATIONS =
      "SELECT count(*) FROM inventory_reservations WHERE store_id = 'restart-shop' AND sku = 'lamp'";

  @Test
  void aReservationThatExpiredDuringADowntimeIsReleasedAfterTheRestart() {
    DatabaseUrl database;
    String readToken;
    try (TestServer first = TestServer.start(Map.of("pipeline.flushInterval", "200ms"))) {
      InventoryApi shop = new InventoryApi(first, "restart-shop");
      readToken = shop.readToken;
      shop.ingest(InventoryApi.restocked("lamp", 2));
      shop.awaitLevel("lamp", "restocked to 2", level -> level.getLong("available") == 2);
      HttpResponse<Buffer> reserved = shop.reserve("lamp", 2, 5, "v-lamp");
      assertEquals(201, reserved.statusCode(), reserved.bodyAsString());
      database = first.database();
    }
    // stopped within the reservation's 5 s: it is still held in the database
    assertEquals(1L, queryOn(database, COUNT_RESERVATIONS));

    try (TestServer second = TestServer.start(Map.of("pipeline.flushInterval", "200ms",
        "db.url", TestPostgres.settingValue(database)))) {
      InventoryApi shop = InventoryApi.existing(second, "restart-shop", readToken);
      shop.awaitLevel("lamp", "the expired reservation to be released", level -> level.getLong("available") == 2
          && level.getLong("reserved") == 0);
      assertEquals(0L, second.queryValue(Long.class, COUNT_RESERVATIONS));
      assertEquals(0, shop.levelsDifferingFromTheirLedger());
    }
  }

  private static long queryOn(DatabaseUrl database, String sql) {
    return io.storepulse.testing.TestPostgres.queryValue(database, Long.class, sql);
  }
}
