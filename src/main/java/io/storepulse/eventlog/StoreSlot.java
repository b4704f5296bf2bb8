package io.storepulse.eventlog;

/**
 * The hash of a store that places it in a pipeline partition: partition = slot mod P. Stored
 * with each event, so a partition reads only its own stores' rows from the log. Stable across
 * JVMs and versions ({@link String#hashCode} is specified), mixed so that similar ids spread.
 */
public final class StoreSlot {

  /** Slots are in [0, COUNT). */
  public static final int COUNT = 1 << 15;

  private StoreSlot() {
  }

  public static int of(String storeId) {
    int h = storeId.hashCode() * 0x9E3779B9;
    return (h ^ (h >>> 16)) & (COUNT - 1);
  }

  /** The partition of a slot when the pipeline has {@code partitions} partitions. */
  public static int partition(int slot, int partitions) {
    return slot % partitions;
  }
}
