package io.storepulse.analytics;

/** What an anomaly alert says happened. */
public enum AlertKind {
  /** The value rose more than k standard deviations above its expected level. */
  SPIKE,
  /** The value fell more than k standard deviations below its expected level. */
  DROP,
  /** Orders fell to zero while product views carried on: the checkout path is likely broken. */
  CHECKOUT_BROKEN
}
