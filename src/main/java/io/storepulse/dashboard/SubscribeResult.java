package io.storepulse.dashboard;

/** The outcome of {@link ClientQueue#subscribe}. */
public enum SubscribeResult {
  SUBSCRIBED,
  /** The client already has a subscription with this id. */
  DUPLICATE_ID,
  /** The client is at {@link ClientLimits#maxSubscriptions()}. */
  TOO_MANY_SUBSCRIPTIONS,
  /** The queue was closed. */
  CLOSED
}
