package io.storepulse.inventory;

import java.time.Instant;

/**
 * Units of one product held for a visitor or an order until {@code expiresAt}.
 *
 * @param id unique within the store: given by the API caller, or the {@code product_added}
 *     event's id for a soft cart reservation
 */
public record Reservation(String storeId, String id, String sku, long quantity, Holder holder, Instant createdAt,
    Instant expiresAt) {
}
