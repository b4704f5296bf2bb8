package io.storepulse.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storepulse.dashboard.Update;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DashboardMessagesTest {

  private final Update update = new Update(7, 7, Map.of("SKU-\"1\"", "{\"onHand\":3}"), Set.of("SKU-2"));

  @Test
  void updateEncodedOnceForAllClientsReadsAsTheUpdateWithItsKeys() {
    String shared = text(DashboardMessages.update("i1", 5, update));

    assertEquals(DashboardMessages.update("i1", 5, 7, update.values(), update.removed()), shared);
    assertEquals(new JsonObject().put("type", "update").put("id", "i1").put("fromSeq", 5).put("seq", 7)
        .put("values", new JsonObject().put("SKU-\"1\"", new JsonObject().put("onHand", 3)))
        .put("removed", new JsonArray().add("SKU-2")), new JsonObject(shared));
  }

  @Test
  void clientsOfOneUpdateDifferOnlyInTheirHead() {
    DashboardMessages.Fragmented firstFragments = DashboardMessages.update("i1", 7, update);
    DashboardMessages.Fragmented secondFragments = DashboardMessages.update("inventory", 3, update);
    String second = text(secondFragments);

    assertSame(firstFragments.changes(), secondFragments.changes(), "the changes are encoded once");
    assertEquals(3, new JsonObject(second).getLong("fromSeq"));
    assertEquals("inventory", new JsonObject(second).getString("id"));
  }

  private static String text(DashboardMessages.Fragmented message) {
    Buffer changes = Buffer.buffer();
    message.changes().forEach(changes::appendBuffer);
    return message.head() + changes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void bigChangesAreCutIntoFramesAClientAcceptsBetweenCharacters() {
    Map<String, String> values = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 3000; i++) {
      values.put("SKU-é€-" + i, "{\"name\":\"" + "ü".repeat(20) + "\"}");
    }
    Update big = new Update(1, 1, values, Set.of());
    DashboardMessages.Fragmented message = DashboardMessages.update("i", 1, big);

    assertTrue(message.changes().size() > 1, "cut into several frames");
    for (Buffer frame : message.changes()) {
      assertTrue(frame.length() <= DashboardMessages.MAX_FRAME_BYTES, "frame of " + frame.length() + " bytes");
      assertEquals(frame.toString(StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8).length, frame.length(),
          "a frame holds whole characters");
    }
    assertEquals(DashboardMessages.update("i", 1, 1, values, Set.of()), text(message));
  }

  @Test
  void idsAndKeysThatNeedEscapingStayValidJson() {
    String id = "a\"b\\c\n";
    String key = "sku\u0001\"x\"";
    String message = DashboardMessages.update(id, 1, 1, Map.of(key, "1", "plain", "2"), Set.of("gone\t"));

    JsonObject parsed = new JsonObject(message);
    assertEquals(id, parsed.getString("id"));
    assertEquals(1, parsed.getJsonObject("values").getInteger(key));
    assertEquals(2, parsed.getJsonObject("values").getInteger("plain"));
    assertEquals("gone\t", parsed.getJsonArray("removed").getString(0));
  }
}
