package io.storepulse.analytics;

/** Where a window's result stands; results are upserted, so a later status replaces an earlier one. */
public enum WindowStatus {
  /** The window is open: the result changes while events arrive. */
  PROVISIONAL,
  /** The watermark passed the window's end plus the allowed lateness: the result is complete. */
  FINAL,
  /** A late event was applied to a final result after it was emitted. */
  CORRECTED
}
