package io.storepulse.pipeline;

import io.storepulse.analytics.EngineChanges;
import io.storepulse.inventory.InventoryChanges;

/**
 * What one partition's engine and book changed since its previous drain: the full new values of
 * the windows and levels that changed, and the alerts raised. Dashboards are fed from these.
 */
public record PipelineChanges(int partition, EngineChanges changes, InventoryChanges stock) {
}
