package io.storepulse.config;

/** Configuration that cannot be used; the message is one line naming every bad setting. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
