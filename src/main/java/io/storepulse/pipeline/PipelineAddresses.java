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
   * every {@code dashboard.publishInterval}, before they are persisted.
   */
  public static final String CHANGES = "storepulse.pipeline.changes";

  /** Published with a {@link PartitionProgress} after each persisted flush. */
  public static final String PROGRESS = "storepulse.pipeline.progress";
}
