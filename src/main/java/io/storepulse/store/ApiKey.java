package io.storepulse.store;

/** A live credential: which store it belongs to and what it allows. The secret itself is not kept. */
public record ApiKey(String id, String storeId, KeyKind kind) {
}
