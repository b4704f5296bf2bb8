package io.storepulse.inventory;

/** The stock crossings that raise an alert. */
public enum StockAlertKind {
  /** {@code available} went from at least the threshold to below it. */
  LOW_STOCK("low_stock"),
  /** {@code available} reached zero or less. */
  OUT_OF_STOCK("out_of_stock"),
  /** {@code available} came back above zero. */
  BACK_IN_STOCK("back_in_stock"),
  /** {@code available} went below zero: more was sold or promised than there is. */
  OVERSOLD("oversold");

  private final String wireName;

  StockAlertKind(String wireName) {
    this.wireName = wireName;
  }

  /** The name in the alerts table and on the wire. */
  public String wireName() {
    return wireName;
  }
}
