package io.storepulse.store;

/** What a store credential allows. */
public enum KeyKind {
  /** Send events for the store; may be public in a browser. */
  WRITE("write", "spw_"),
  /** Read the store's results: dashboards and the query API. */
  READ("read", "spr_");

  private final String wireName;
  private final String prefix;

  KeyKind(String wireName, String prefix) {
    this.wireName = wireName;
    this.prefix = prefix;
  }

  public String wireName() {
    return wireName;
  }

  /** Every key starts with it, so a leaked key is recognisable in logs and secret scanners. */
  public String prefix() {
    return prefix;
  }

  public static KeyKind fromWireName(String name) {
    for (KeyKind kind : values()) {
      if (kind.wireName.equals(name)) {
        return kind;
      }
    }
    return null;
  }
}
