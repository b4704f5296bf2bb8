package io.storepulse.pipeline;

import io.storepulse.analytics.Alert;
import io.storepulse.analytics.EngineChanges;
import io.storepulse.analytics.LateEvent;
import io.storepulse.analytics.MovingAveragePoint;
import io.storepulse.analytics.SkuResult;
import io.storepulse.analytics.WindowResult;
import io.storepulse.inventory.EndedReservation;
import io.storepulse.inventory.InventoryChanges;
import io.storepulse.inventory.Movement;
import io.storepulse.inventory.Reservation;
import io.storepulse.inventory.StockAlert;
import io.storepulse.inventory.StockLevel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes a partition has drained from its engine and book since its last flush. A partition
 * drains far more often than it flushes (dashboards see each drain); this merges the drains into
 * what one flush persists: the newest row per upsert key, every appended row in order.
 */
final class UnpersistedChanges {

  private final Map<List<Object>, WindowResult> windows = new LinkedHashMap<>();
  private final Map<List<Object>, SkuResult> skus = new LinkedHashMap<>();
  private final List<Alert> alerts = new ArrayList<>();
  private final List<LateEvent> lateEvents = new ArrayList<>();
  private final Map<List<Object>, MovingAveragePoint> movingAverages = new LinkedHashMap<>();
  private Instant watermark;
  private long lateCount;
  private long lastPosition = -1;

  private final Map<List<Object>, StockLevel> levels = new LinkedHashMap<>();
  private final List<Movement> movements = new ArrayList<>();
  private final List<StockAlert> stockAlerts = new ArrayList<>();
  private final List<Reservation> reservationsCreated = new ArrayList<>();
  private final List<EndedReservation> reservationsEnded = new ArrayList<>();

  void add(EngineChanges changes, InventoryChanges stock) {
    changes.windows().forEach(w -> windows.put(List.of(w.storeId(), w.windowKind(), w.windowStart()), w));
    changes.skus().forEach(s -> skus.put(List.of(s.storeId(), s.windowKind(), s.windowStart(), s.sku()), s));
    alerts.addAll(changes.alerts());
    lateEvents.addAll(changes.lateEvents());
    changes.movingAverages().forEach(m -> movingAverages.put(List.of(m.storeId(), m.metric(), m.windowStart()), m));
    if (changes.watermark() != null) {
      watermark = changes.watermark();
    }
    lateCount = Math.max(lateCount, changes.lateCount());
    lastPosition = Math.max(lastPosition, changes.lastPosition());

    stock.levels().forEach(l -> levels.put(List.of(l.storeId(), l.sku()), l));
    movements.addAll(stock.movements());
    stockAlerts.addAll(stock.alerts());
    // all creations are inserted before all ends, which stays right across drains: a reservation
    // ends in the same drain as its creation or in a later one, never in an earlier one
    reservationsCreated.addAll(stock.reservationsCreated());
    reservationsEnded.addAll(stock.reservationsEnded());
  }

  EngineChanges engineChanges() {
    return new EngineChanges(new ArrayList<>(windows.values()), new ArrayList<>(skus.values()), alerts, lateEvents,
        new ArrayList<>(movingAverages.values()), watermark, lateCount, lastPosition);
  }

  InventoryChanges inventoryChanges() {
    return new InventoryChanges(new ArrayList<>(levels.values()), movements, stockAlerts, reservationsCreated,
        reservationsEnded);
  }

  boolean isEmpty() {
    return windows.isEmpty() && skus.isEmpty() && alerts.isEmpty() && lateEvents.isEmpty() && movingAverages.isEmpty()
        && levels.isEmpty() && movements.isEmpty() && stockAlerts.isEmpty() && reservationsCreated.isEmpty()
        && reservationsEnded.isEmpty();
  }

  /** Forgets everything, after a flush took it or a rewind made it void. */
  void clear() {
    windows.clear();
    skus.clear();
    alerts.clear();
    lateEvents.clear();
    movingAverages.clear();
    levels.clear();
    movements.clear();
    stockAlerts.clear();
    reservationsCreated.clear();
    reservationsEnded.clear();
  }
}
