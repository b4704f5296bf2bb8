package io.storepulse.pipeline;

/** Event-bus addresses of the pipeline partitions. */
public final class PipelineAddresses {

  private PipelineAddresses() {
  }

  /** Where a partition answers {@link RecommendationQuery}s about its stores. */
  public static String recommendations(int partition) {
    return "storepulse.pipeline." + partition + ".recommendations";
  }

  /** Where a partition runs {@link InventoryOperation}s on its stores' stock. */
  public static String inventory(int partition) {
    return "storepulse.pipeline." + partition + ".inventory";
  }

  /**
   * Published (locally) with a {@link PipelineChanges} each time a partition drains its changes,
   * before they are persisted: every {@code dashboard.publishInterval} once it has caught up with
   * the log, and at each flush (the only drains while it replays); and after a failed flush,
   * with the levels the discarded drains had shown, as they are again.
   */
  public static final String CHANGES = "storepulse.pipeline.changes";

  /** Published with a {@link PartitionProgress} after each persisted flush. */
  public static final String PROGRESS = "storepulse.pipeline.progress";
}
