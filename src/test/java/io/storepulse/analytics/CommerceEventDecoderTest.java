package io.storepulse.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storepulse.ingest.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommerceEventDecoderTest {

  private final CommerceEventDecoder decoder = new CommerceEventDecoder();

  @Test
  void orderDecodesWithItemsAndDecimalsKeepingTheirScale() {
    CommerceEvent event = decoder.decode(42, """
        {"id":"o-1","type":"order_completed","time":"2025-03-01T10:00:00.250Z","storeId":"s1",
         "visitorId":"v1","orderId":"A-7","currency":"EUR","total":30.10,
         "items":[{"sku":"tea","quantity":2,"price":"10.05"},{"sku":"mug","quantity":1,"price":10.00}]}
        """);

    assertEquals(42, event.position());
    assertEquals("s1", event.storeId());
    assertEquals(EventType.ORDER_COMPLETED, event.type());
    assertEquals(Instant.parse("2025-03-01T10:00:00.250Z"), event.time());
    assertEquals(new BigDecimal("30.10"), event.total());
    assertEquals(List.of(new LineItem("tea", 2, new BigDecimal("10.05")), new LineItem("mug", 1, new BigDecimal("10.00"))),
        event.items());
    assertEquals(new BigDecimal("30.10"), event.amount());
  }

  @Test
  void amountFallsBackToTheSumOfItemsWithoutATotal() {
    CommerceEvent event = decoder.decode(1, """
        {"id":"o-2","type":"order_completed","time":"2025-03-01T10:00:00Z","storeId":"s1","currency":"EUR",
         "items":[{"sku":"tea","quantity":3,"price":"0.10"},{"sku":"mug","quantity":1,"price":"0.20"}]}
        """);

    assertEquals(new BigDecimal("0.50"), event.amount());
  }

  @Test
  void orderLineWithoutQuantityIsOneUnitAsTheCatalogSays() {
    CommerceEvent event = decoder.decode(3, """
        {"id":"o-3","type":"order_completed","time":"2025-03-01T10:00:00Z","storeId":"s1","currency":"EUR",
         "orderId":"A-9","items":[{"sku":"tea","price":"2.50"},{"sku":"mug","quantity":2,"price":"1.00"}]}
        """);

    assertEquals(List.of(new LineItem("tea", 1, new BigDecimal("2.50")), new LineItem("mug", 2, new BigDecimal("1.00"))),
        event.items());
    assertEquals(new BigDecimal("4.50"), event.amount());
  }

  @Test
  void refundCarriesTheRefundedAmountOfTheCatalog() {
    CommerceEvent event = decoder.decode(4, """
        {"id":"r-1","type":"order_refunded","time":"2025-03-01T10:00:00Z","storeId":"s1","orderId":"A-9",
         "amount":"12.30","currency":"USD"}
        """);

    assertEquals(new BigDecimal("12.30"), event.amount());
  }

  @Test
  void productEventDecodesAndFreeFormPropertiesAreSkipped() {
    CommerceEvent event = decoder.decode(7, """
        {"id":"p-1","type":"product_viewed","time":"2025-03-01T11:00:00+01:00","storeId":"s1","visitorId":"v9",
         "sku":"tea","quantity":"2","price":"4.5","currency":"EUR",
         "properties":{"nested":{"items":[1,2,3]},"total":"not a number"}}
        """);

    assertEquals(Instant.parse("2025-03-01T10:00:00Z"), event.time());
    assertEquals("tea", event.sku());
    assertEquals(2, event.quantity());
    assertEquals(new BigDecimal("4.5"), event.price());
    assertNull(event.total());
    assertTrue(event.items().isEmpty());
  }

  @Test
  void typeUnknownToThisVersionDecodesAsCustom() {
    CommerceEvent event = decoder.decode(3, """
        {"id":"x","type":"wishlist_added","time":"2025-03-01T10:00:00Z","storeId":"s1"}
        """);

    assertEquals(EventType.CUSTOM, event.type());
  }

  @Test
  void payloadWithoutStoreIsRejectedNamingItsPosition() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> decoder.decode(99, "{\"id\":\"x\",\"type\":\"page_viewed\",\"time\":\"2025-03-01T10:00:00Z\"}"));

    assertTrue(error.getMessage().contains("99"), error.getMessage());
  }

  @Test
  void malformedTimeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> decoder.decode(5,
        "{\"id\":\"x\",\"type\":\"page_viewed\",\"time\":\"yesterday\",\"storeId\":\"s1\"}"));
  }
}
