package io.storepulse;

/** The server cannot start; the message is the one line shown to the operator. */
public class StartupException extends Exception {

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
