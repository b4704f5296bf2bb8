package io.storepulse.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.storepulse.analytics.CommerceEvent;
import io.storepulse.analytics.CommerceEventDecoder;
import org.junit.jupiter.api.Test;

class InventoryFieldsDecodingTest {

  private final CommerceEventDecoder decoder = new CommerceEventDecoder();

  @Test
  void cancellationKeepsTheEventAndLineRestockFlags() {
    CommerceEvent event = decoder.decode(7, """
        {"storeId":"s","id":"c1","type":"order_cancelled","time":"2026-01-01T00:00:00Z","orderId":"o1",
         "restock":true,"items":[{"sku":"tea","quantity":2,"restock":false},{"sku":"mug"}]}""");
    assertEquals(Boolean.TRUE, event.restock());
    assertEquals(Boolean.FALSE, event.items().get(0).restock());
    assertNull(event.items().get(1).restock());
  }

  @Test
  void adjustmentKeepsSetOrDelta() {
    CommerceEvent set = decoder.decode(1, """
        {"storeId":"s","id":"a1","type":"inventory_adjusted","time":"2026-01-01T00:00:00Z","sku":"tea","set":0}""");
    CommerceEvent delta = decoder.decode(2, """
        {"storeId":"s","id":"a2","type":"inventory_adjusted","time":"2026-01-01T00:00:00Z","sku":"tea","delta":-3}""");
    assertEquals(0, set.set());
    assertNull(set.delta());
    assertEquals(-3, delta.delta());
    assertNull(delta.set());
  }
}
