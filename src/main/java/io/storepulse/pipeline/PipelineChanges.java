package io.storepulse.pipeline;

import io.storepulse.analytics.EngineChanges;
import io.storepulse.inventory.InventoryChanges;
import io.storepulse.inventory.StockLevel;

import java.util.List;

/**
 * What one partition's engine and book changed since its previous drain: the full new values of
 * the windows and levels that changed, and the alerts raised. Dashboards are fed from these.
 *
 * @param removedLevels levels that dashboards were shown and that no longer exist: after a failed
 *     flush, those a synchronous operation had created before it was refused (see
 *     {@link PartitionVerticle}); empty for a drain
 */
public record PipelineChanges(int partition, EngineChanges changes, InventoryChanges stock,
    List<LevelKey> removedLevels) {

  /** Names a stock level. */
  public record LevelKey(String storeId, String sku) {
  }

  public PipelineChanges {
    removedLevels = List.copyOf(removedLevels);
  }

  /** A drain. */
  public PipelineChanges(int partition, EngineChanges changes, InventoryChanges stock) {
    this(partition, changes, stock, List.of());
  }

  /** Levels set right again after a rewind: the current ones, and those that are gone. */
  static PipelineChanges levels(int partition, List<StockLevel> levels, List<LevelKey> removed) {
    return new PipelineChanges(partition,
        new EngineChanges(List.of(), List.of(), List.of(), List.of(), List.of(), null, 0, -1),
        new InventoryChanges(levels, List.of(), List.of(), List.of(), List.of()), removed);
  }
}
