package io.storepulse.dashboard;

import java.util.Objects;

/**
 * Names one dashboard channel.
 *
 * @param kind what the channel carries
 * @param store the store it belongs to; {@code null} exactly when the kind is not per store
 * @param window the window kind ({@code 1m}, {@code 1h}, ...); {@code null} exactly when the kind
 *     is not windowed
 */
public record ChannelKey(ChannelKind kind, String store, String window) {

  public ChannelKey {
    Objects.requireNonNull(kind, "kind");
    if (kind.perStore() != (store != null)) {
      throw new IllegalArgumentException(kind.wireName() + (kind.perStore() ? " needs a store" : " has no store"));
    }
    if (store != null && store.isBlank()) {
      throw new IllegalArgumentException("store must not be blank");
    }
    if (kind.windowed() != (window != null)) {
      throw new IllegalArgumentException(kind.wireName() + (kind.windowed() ? " needs a window" : " has no window"));
    }
    if (window != null && window.isBlank()) {
      throw new IllegalArgumentException("window must not be blank");
    }
  }

  public static ChannelKey metrics(String store, String window) {
    return new ChannelKey(ChannelKind.METRICS, store, window);
  }

  public static ChannelKey trending(String store, String window) {
    return new ChannelKey(ChannelKind.TRENDING, store, window);
  }

  public static ChannelKey inventory(String store) {
    return new ChannelKey(ChannelKind.INVENTORY, store, null);
  }

  public static ChannelKey alerts(String store) {
    return new ChannelKey(ChannelKind.ALERTS, store, null);
  }

  public static ChannelKey health() {
    return new ChannelKey(ChannelKind.HEALTH, null, null);
  }
}
