package io.storepulse.dashboard;

import java.util.Locale;
import java.util.Optional;

/** What a dashboard channel carries; the wire name is what clients put in {@code "channel"}. */
public enum ChannelKind {
  METRICS(true),
  TRENDING(true),
  INVENTORY(false),
  ALERTS(false),
  HEALTH(false);

  private final boolean windowed;

  ChannelKind(boolean windowed) {
    this.windowed = windowed;
  }

  /** Whether a channel of this kind exists once per window kind ({@code 1m}, {@code 1h}, ...). */
  public boolean windowed() {
    return windowed;
  }

  /** Whether a channel of this kind belongs to one store; health is the whole server's. */
  public boolean perStore() {
    return this != HEALTH;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind with this wire name, empty for an unknown one. */
  public static Optional<ChannelKind> fromWire(String name) {
    for (ChannelKind kind : values()) {
      if (kind.wireName().equals(name)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
