package io.storepulse.pipeline;

import io.storepulse.inventory.Holder;
import io.storepulse.inventory.ImportRow;
import io.storepulse.inventory.StockTarget;

import java.time.Duration;
import java.util.List;

/**
 * A synchronous inventory operation, sent to the partition that owns the store (see
 * {@link PipelineAddresses#inventory}). The owner runs it on its book between two events and
 * replies with an {@link InventoryAnswer} once the change is durable, or fails the message with
 * 503 when it cannot say that yet.
 */
public sealed interface InventoryOperation {

  String storeId();

  /** Hold {@code quantity} units; replied with a {@code ReserveResult}. */
  record Reserve(String storeId, String sku, long quantity, Duration ttl, Holder holder, String reservationId)
      implements InventoryOperation {
  }

  /** Release a reservation of the SKU; replied with the released {@code Reservation}, or null when none. */
  record Release(String storeId, String sku, String reservationId) implements InventoryOperation {
  }

  /** Set or shift {@code onHand}; replied with an {@code AdjustResult}. */
  record Adjust(String storeId, String sku, StockTarget target, String idempotencyKey, Long expectedVersion)
      implements InventoryOperation {
  }

  /** Set the levels of a bulk import; replied with one {@code ImportResult} per row, in order. */
  record Import(String storeId, List<ImportRow> rows, String importId) implements InventoryOperation {

    public Import {
      rows = List.copyOf(rows);
    }
  }

  /** The record types sent on the event bus, for codec registration. */
  static Class<?>[] types() {
    return new Class<?>[] {Reserve.class, Release.class, Adjust.class, Import.class, InventoryAnswer.class};
  }
}
