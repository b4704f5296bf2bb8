package io.storepulse.store;

/** A newly issued credential with its secret, shown to the caller once and never again. */
public record IssuedKey(ApiKey key, String secret) {
}
