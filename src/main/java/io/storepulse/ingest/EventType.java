package io.storepulse.ingest;

import java.util.HashMap;
import java.util.Map;

/** The native event catalog (design.md §3). Wire names are snake_case. */
public enum EventType {
  PAGE_VIEWED("page_viewed"),
  PRODUCT_VIEWED("product_viewed"),
  PRODUCT_ADDED("product_added"),
  PRODUCT_REMOVED("product_removed"),
  CHECKOUT_STARTED("checkout_started"),
  ORDER_COMPLETED("order_completed"),
  ORDER_CANCELLED("order_cancelled"),
  ORDER_REFUNDED("order_refunded"),
  PAYMENT_FAILED("payment_failed"),
  INVENTORY_RESTOCKED("inventory_restocked"),
  INVENTORY_ADJUSTED("inventory_adjusted"),
  CUSTOM("custom");

  private static final Map<String, EventType> BY_WIRE_NAME = new HashMap<>();

  static {
    for (EventType type : values()) {
      BY_WIRE_NAME.put(type.wireName, type);
    }
  }

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The type with this wire name, or {@code null} when the catalog has none. */
  public static EventType fromWireName(String name) {
    return BY_WIRE_NAME.get(name);
  }
}
