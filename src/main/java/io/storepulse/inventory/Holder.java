package io.storepulse.inventory;

import java.util.Objects;

/** Who holds a reservation: a visitor's cart, or an order being placed. */
public record Holder(Kind kind, String id) {

  /** The kinds of holder an {@code order_completed} event is matched against. */
  public enum Kind {
    VISITOR,
    ORDER
  }

  public Holder {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
  }

  public static Holder visitor(String visitorId) {
    return new Holder(Kind.VISITOR, visitorId);
  }

  public static Holder order(String orderId) {
    return new Holder(Kind.ORDER, orderId);
  }
}
