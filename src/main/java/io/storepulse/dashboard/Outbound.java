package io.storepulse.dashboard;

/** One message a {@link ClientQueue} hands the socket, for one of the client's subscriptions. */
public sealed interface Outbound {

  /** The client's id for the subscription. */
  String subscriptionId();

  /** The subscription is live: send {@code subscribed}, then its snapshot, replay or reset. */
  record Started(String subscriptionId, Start start) implements Outbound {
  }

  /** Send an {@code update}; possibly several coalesced (see {@link Update}). */
  record Delivered(String subscriptionId, Update update) implements Outbound {
  }
}
