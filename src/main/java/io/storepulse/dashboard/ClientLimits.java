package io.storepulse.dashboard;

import java.time.Duration;
import java.util.Objects;

/**
 * What one dashboard connection may hold.
 *
 * @param maxSubscriptions subscriptions per connection; with coalescing this bounds its queue
 * @param stuckAfter how long a socket may stay unwritable before the connection is closed
 */
public record ClientLimits(int maxSubscriptions, Duration stuckAfter) {

  public ClientLimits {
    if (maxSubscriptions < 1) {
      throw new IllegalArgumentException("maxSubscriptions must be at least 1");
    }
    Objects.requireNonNull(stuckAfter, "stuckAfter");
    if (stuckAfter.isNegative() || stuckAfter.isZero()) {
      throw new IllegalArgumentException("stuckAfter must be positive");
    }
  }
}
