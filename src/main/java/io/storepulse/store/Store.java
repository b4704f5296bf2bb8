package io.storepulse.store;

import java.util.regex.Pattern;

/** A shop whose events storepulse takes. */
public record Store(String id, String name) {

  private static final Pattern VALID_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** Ids appear in URLs and keys: lower-case letters, digits, '-' and '_', at most 64. */
  public static boolean isValidId(String id) {
    return id != null && VALID_ID.matcher(id).matches();
  }
}
