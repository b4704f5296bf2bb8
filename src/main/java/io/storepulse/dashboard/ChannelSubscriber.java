package io.storepulse.dashboard;

/**
 * Receives what a {@link ChannelState} sends one subscription. Both methods are called while the
 * channel is locked, so they must be quick, must not block and must not throw; they must not
 * call back into the channel.
 */
public interface ChannelSubscriber {

  /** Called once, inside {@link ChannelState#subscribe}, before any update. */
  void onStart(Start start);

  /** Called for every update after the start, in seq order. */
  void onUpdate(Update update);
}
