package io.storepulse.demo;

/**
 * One product of the simulated store.
 *
 * @param index the product's position in its {@link Catalog}
 * @param sku the stock-keeping unit, e.g. {@code APP-0042}
 * @param name a display name, plain ASCII without quotes or backslashes
 * @param category the slug of its category, e.g. {@code apparel}
 * @param priceCents the unit price in euro cents
 * @param initialStock units on hand when the simulation starts (the stock import)
 * @param lowStockThreshold at or below this the store orders a restock (and the server alerts)
 */
public record Product(int index, String sku, String name, String category, long priceCents, int initialStock,
    int lowStockThreshold) {
}
