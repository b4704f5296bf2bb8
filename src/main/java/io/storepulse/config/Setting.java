package io.storepulse.config;

import java.util.Locale;

/**
 * One configuration setting: its key in {@code conf/storepulse.properties} and the environment
 * variable that overrides it. The variable name is derived from the key
 * ({@code ingest.maxEventBytes} becomes {@code STOREPULSE_INGEST_MAX_EVENT_BYTES}), so the two
 * spellings never drift apart.
 */
public record Setting(String key, String defaultValue, String description) {

  public String environmentVariable() {
    StringBuilder name = new StringBuilder("STOREPULSE_");
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.') {
        name.append('_');
      } else if (Character.isUpperCase(c)) {
        name.append('_').append(c);
      } else {
        name.append(Character.toUpperCase(c));
      }
    }
    return name.toString().toUpperCase(Locale.ROOT);
  }
}
