package io.storepulse.pipeline;

import io.storepulse.analytics.Alert;
import io.storepulse.analytics.AlertKind;
import io.storepulse.analytics.CommerceEvent;
import io.storepulse.analytics.EngineChanges;
import io.storepulse.analytics.EngineSettings;
import io.storepulse.analytics.LateEvent;
import io.storepulse.analytics.LineItem;
import io.storepulse.analytics.MovingAveragePoint;
import io.storepulse.analytics.SkuResult;
import io.storepulse.analytics.StoreMetrics;
import io.storepulse.analytics.WindowEngine;
import io.storepulse.analytics.WindowResult;
import io.storepulse.analytics.WindowStatus;
import io.storepulse.ingest.EventType;
import io.storepulse.inventory.EndedReservation;
import io.storepulse.inventory.Holder;
import io.storepulse.inventory.InventoryBook;
import io.storepulse.inventory.InventoryChanges;
import io.storepulse.inventory.InventorySettings;
import io.storepulse.inventory.Movement;
import io.storepulse.inventory.MovementReason;
import io.storepulse.inventory.Reservation;
import io.storepulse.inventory.StockAlert;
import io.storepulse.inventory.StockAlertKind;
import io.storepulse.inventory.StockLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merge of a partition's drains into what one flush persists: the newest row per upsert key,
 * every appended row once and in order, and the engine's figures of the newest drain.
 */
class UnpersistedChangesTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant T1 = T0.plusSeconds(60);
  private static final InventoryChanges NO_STOCK = new InventoryChanges(List.of(), List.of(), List.of(), List.of(),
      List.of());

  private final UnpersistedChanges unpersisted = new UnpersistedChanges();

  @Test
  void windowsSkuRowsMovingAveragesAndLevelsKeepTheNewestRowPerKey() {
    unpersisted.add(engine(List.of(window("a", "1m", T0, WindowStatus.PROVISIONAL, 1),
            window("a", "5m", T0, WindowStatus.PROVISIONAL, 1), window("b", "1m", T0, WindowStatus.PROVISIONAL, 1)),
            List.of(sku("a", "1m", T0, "tea", 1), sku("a", "1m", T0, "mug", 1)),
            List.of(point("a", "orders", T0, 1), point("a", "page_views", T0, 1))),
        stock(List.of(level("a", "tea", 10, 0, 1), level("b", "tea", 5, 0, 1)), List.of(), List.of(), List.of()));
    unpersisted.add(engine(List.of(window("a", "1m", T0, WindowStatus.FINAL, 3), window("a", "1m", T1,
            WindowStatus.PROVISIONAL, 1)),
            List.of(sku("a", "1m", T0, "tea", 4)),
            List.of(point("a", "orders", T0, 2))),
        stock(List.of(level("a", "tea", 8, 2, 3)), List.of(), List.of(), List.of()));

    EngineChanges merged = unpersisted.engineChanges();
    Map<List<Object>, WindowResult> windows = byKey(merged.windows(),
        w -> List.of(w.storeId(), w.windowKind(), w.windowStart()));
    assertEquals(4, windows.size(), merged.windows().toString());
    assertEquals(WindowStatus.FINAL, windows.get(List.of("a", "1m", T0)).status());
    assertEquals(3, windows.get(List.of("a", "1m", T0)).metrics().events());
    assertEquals(1, windows.get(List.of("a", "5m", T0)).metrics().events(), "another kind is another key");
    assertEquals(1, windows.get(List.of("b", "1m", T0)).metrics().events(), "another store is another key");
    assertEquals(1, windows.get(List.of("a", "1m", T1)).metrics().events());

    Map<List<Object>, SkuResult> skus = byKey(merged.skus(), s -> List.of(s.storeId(), s.windowKind(), s.windowStart(),
        s.sku()));
    assertEquals(2, skus.size(), merged.skus().toString());
    assertEquals(4, skus.get(List.of("a", "1m", T0, "tea")).views());
    assertEquals(1, skus.get(List.of("a", "1m", T0, "mug")).views());

    Map<List<Object>, MovingAveragePoint> points = byKey(merged.movingAverages(),
        p -> List.of(p.storeId(), p.metric(), p.windowStart()));
    assertEquals(2, points.size(), merged.movingAverages().toString());
    assertEquals(2.0, points.get(List.of("a", "orders", T0)).value());
    assertEquals(1.0, points.get(List.of("a", "page_views", T0)).value());

    Map<List<Object>, StockLevel> levels = byKey(unpersisted.inventoryChanges().levels(),
        l -> List.of(l.storeId(), l.sku()));
    assertEquals(Map.of(List.of("a", "tea"), level("a", "tea", 8, 2, 3), List.of("b", "tea"), level("b", "tea", 5, 0, 1)),
        levels);
  }

  @Test
  void appendedRowsAreKeptEveryOneInTheOrderOfTheDrains() {
    Alert spike = alert("a", T0, "spike");
    Alert drop = alert("a", T1, "drop");
    LateEvent late1 = late(1);
    LateEvent late2 = late(2);
    Movement restock = movement("tea", 10, 0, MovementReason.RESTOCK, "e1");
    Movement reserve = movement("tea", 0, 2, MovementReason.RESERVE, "r1");
    Movement release = movement("tea", 0, -2, MovementReason.RELEASE, "r1");
    Movement order = movement("tea", -9, 0, MovementReason.ORDER, "e2");
    Reservation r1 = reservation("r1");
    Reservation r2 = reservation("r2");
    Reservation r3 = reservation("r3");
    StockLevel low = level("a", "tea", 1, 0, 4);
    StockAlert lowStock = new StockAlert(StockAlertKind.LOW_STOCK, low, MovementReason.ORDER, "e2", T1);

    unpersisted.add(changes(List.of(spike), List.of(late1)), stock(List.of(), List.of(restock, reserve), List.of(),
        List.of(r1, r2)));
    // r1 ends a drain after its creation, r3 is created and ends within one drain
    unpersisted.add(changes(List.of(), List.of(late2)), new InventoryChanges(List.of(), List.of(release), List.of(),
        List.of(r3), List.of(ended(r1, MovementReason.RELEASE), ended(r3, MovementReason.EXPIRE))));
    unpersisted.add(changes(List.of(drop), List.of()), stock(List.of(low), List.of(order), List.of(lowStock),
        List.of()));

    EngineChanges engine = unpersisted.engineChanges();
    assertEquals(List.of(spike, drop), engine.alerts());
    assertEquals(List.of(late1, late2), engine.lateEvents());
    InventoryChanges stock = unpersisted.inventoryChanges();
    assertEquals(List.of(restock, reserve, release, order), stock.movements());
    assertEquals(List.of(lowStock), stock.alerts());
    assertEquals(List.of(r1, r2, r3), stock.reservationsCreated());
    assertEquals(List.of("r1", "r3"), stock.reservationsEnded().stream().map(e -> e.reservation().id()).toList());
  }

  @Test
  void watermarkLateCountAndLastPositionAreThoseOfTheNewestDrain() {
    assertNull(unpersisted.engineChanges().watermark());
    assertEquals(-1, unpersisted.engineChanges().lastPosition());

    unpersisted.add(figures(T0, 3, 40), NO_STOCK);
    unpersisted.add(figures(T1, 5, 52), NO_STOCK);
    assertEquals(T1, unpersisted.engineChanges().watermark());
    assertEquals(5, unpersisted.engineChanges().lateCount());
    assertEquals(52, unpersisted.engineChanges().lastPosition());

    unpersisted.add(figures(null, 5, 52), NO_STOCK);
    assertEquals(T1, unpersisted.engineChanges().watermark(), "a drain before the first event has no watermark");
  }

  /**
   * A failed flush rewinds the engine to its checkpoint, which counted fewer late events: from the
   * first drain of the restored engine on, the figures are its own, not the discarded engine's.
   */
  @Test
  void afterARewindTheFiguresFollowTheRestoredEngine() {
    unpersisted.add(figures(T1, 7, 90), NO_STOCK);
    unpersisted.clear();
    unpersisted.add(figures(T0, 4, 60), NO_STOCK);

    assertEquals(T0, unpersisted.engineChanges().watermark());
    assertEquals(4, unpersisted.engineChanges().lateCount());
    assertEquals(60, unpersisted.engineChanges().lastPosition());
  }

  @Test
  void figuresAloneAreNothingToPersist() {
    assertTrue(unpersisted.isEmpty());
    unpersisted.add(figures(T0, 1, 1), NO_STOCK);
    assertTrue(unpersisted.isEmpty(), "the figures alone are nothing to persist");
  }

  @ParameterizedTest
  @ValueSource(strings = {"window", "sku", "alert", "late", "movingAverage", "level", "movement", "stockAlert",
      "created", "ended"})
  void anyRowMakesItNonEmptyAndClearForgetsIt(String row) {
    Reservation r = reservation("r1");
    List<WindowResult> windows = row.equals("window") ? List.of(window("a", "1m", T0, WindowStatus.PROVISIONAL, 1))
        : List.of();
    List<SkuResult> skus = row.equals("sku") ? List.of(sku("a", "1m", T0, "tea", 1)) : List.of();
    List<Alert> alerts = row.equals("alert") ? List.of(alert("a", T0, "spike")) : List.of();
    List<LateEvent> lates = row.equals("late") ? List.of(late(1)) : List.of();
    List<MovingAveragePoint> points = row.equals("movingAverage") ? List.of(point("a", "orders", T0, 1)) : List.of();
    List<StockLevel> levels = row.equals("level") ? List.of(level("a", "tea", 1, 0, 1)) : List.of();
    List<Movement> movements = row.equals("movement") ? List.of(movement("tea", 1, 0, MovementReason.RESTOCK, "e1"))
        : List.of();
    List<StockAlert> stockAlerts = row.equals("stockAlert") ? List.of(new StockAlert(StockAlertKind.OUT_OF_STOCK,
        level("a", "tea", 0, 0, 2), MovementReason.ORDER, "e1", T0)) : List.of();
    List<Reservation> created = row.equals("created") ? List.of(r) : List.of();
    List<EndedReservation> ended = row.equals("ended") ? List.of(ended(r, MovementReason.EXPIRE)) : List.of();

    unpersisted.add(new EngineChanges(windows, skus, alerts, lates, points, T0, 0, 1),
        new InventoryChanges(levels, movements, stockAlerts, created, ended));
    assertFalse(unpersisted.isEmpty());

    unpersisted.clear();
    assertTrue(unpersisted.isEmpty());
    assertTrue(unpersisted.engineChanges().isEmpty());
    assertTrue(unpersisted.inventoryChanges().isEmpty());
  }

  /** A flush takes the changes, then clears: what it took must not change under it. */
  @Test
  void changesTakenForAFlushStayAsTheyWereAfterClearAndLaterDrains() {
    unpersisted.add(changes(List.of(alert("a", T0, "spike")), List.of(late(1))),
        stock(List.of(level("a", "tea", 10, 0, 1)), List.of(movement("tea", 10, 0, MovementReason.RESTOCK, "e1")),
            List.of(), List.of(reservation("r1"))));
    EngineChanges engine = unpersisted.engineChanges();
    InventoryChanges stock = unpersisted.inventoryChanges();

    unpersisted.clear();
    unpersisted.add(changes(List.of(alert("a", T1, "drop")), List.of(late(2))),
        stock(List.of(level("a", "tea", 8, 0, 2)), List.of(movement("tea", -2, 0, MovementReason.ORDER, "e2")),
            List.of(), List.of(reservation("r2"))));

    assertEquals(1, engine.alerts().size());
    assertEquals(1, engine.lateEvents().size());
    assertEquals(List.of(level("a", "tea", 10, 0, 1)), stock.levels());
    assertEquals(1, stock.movements().size());
    assertEquals(List.of(reservation("r1")), stock.reservationsCreated());
  }

  /**
   * What the split must not change: draining an engine and a book often and merging the drains
   * persists the same rows as draining them once, as a partition did before it published to
   * dashboards.
   */
  @Test
  void mergedFrequentDrainsEqualOneDrainOfTheSameEvents() {
    EngineSettings settings = EngineSettings.defaults().withAnomaly(2.0, 3, 0.3);
    WindowEngine often = new WindowEngine(settings);
    WindowEngine once = new WindowEngine(settings);
    InventoryBook oftenBook = new InventoryBook(InventorySettings.defaults());
    InventoryBook onceBook = new InventoryBook(InventorySettings.defaults());

    List<CommerceEvent> events = stream(new Random(5), 3_000);
    for (int i = 0; i < events.size(); i++) {
      CommerceEvent event = events.get(i);
      often.apply(event);
      once.apply(event);
      oftenBook.apply(event);
      onceBook.apply(event);
      if (i % 7 == 0) {
        unpersisted.add(often.drainChanges(), oftenBook.drainChanges());
      }
    }
    Instant end = events.get(events.size() - 1).time().plus(Duration.ofMinutes(5));
    for (WindowEngine engine : List.of(often, once)) {
      engine.onIdle(end);
      engine.onIdle(end);
    }
    unpersisted.add(often.drainChanges(), oftenBook.drainChanges());
    EngineChanges expected = once.drainChanges();
    InventoryChanges expectedStock = onceBook.drainChanges();
    EngineChanges merged = unpersisted.engineChanges();
    InventoryChanges mergedStock = unpersisted.inventoryChanges();

    assertEquals(byKey(expected.windows(), w -> List.of(w.storeId(), w.windowKind(), w.windowStart())),
        byKey(merged.windows(), w -> List.of(w.storeId(), w.windowKind(), w.windowStart())));
    // the figures of every product row; not its status: a row keeps the status of its window when
    // the row last changed, so the products a correction did not touch stay final when the
    // correction comes in a later drain (as they did when it came in a later flush)
    assertEquals(skuFigures(expected.skus()), skuFigures(merged.skus()));
    assertEquals(byKey(expected.movingAverages(), p -> List.of(p.storeId(), p.metric(), p.windowStart())),
        byKey(merged.movingAverages(), p -> List.of(p.storeId(), p.metric(), p.windowStart())));
    assertEquals(expected.alerts(), merged.alerts());
    assertFalse(merged.alerts().isEmpty(), "the stream raises anomaly alerts");
    assertEquals(expected.lateEvents(), merged.lateEvents());
    assertFalse(merged.lateEvents().isEmpty(), "the stream has late events");
    assertEquals(expected.watermark(), merged.watermark());
    assertEquals(expected.lateCount(), merged.lateCount());
    assertEquals(expected.lastPosition(), merged.lastPosition());

    assertEquals(byKey(expectedStock.levels(), l -> List.of(l.storeId(), l.sku())),
        byKey(mergedStock.levels(), l -> List.of(l.storeId(), l.sku())));
    assertEquals(expectedStock.movements(), mergedStock.movements());
    assertEquals(expectedStock.alerts(), mergedStock.alerts());
    assertFalse(mergedStock.alerts().isEmpty(), "the stream raises stock alerts");
  }

  // ------------------------------------------------------------------ builders

  /**
   * Two stores over 40 minutes: views, carts and orders of a few products, restocks, a quiet
   * stretch of store a (an anomaly), and every 50th event 3 minutes late.
   */
  private static List<CommerceEvent> stream(Random random, int count) {
    List<CommerceEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long position = i + 1;
      String store = random.nextBoolean() ? "a" : "b";
      Instant time = T0.plusMillis(Duration.ofMinutes(40).toMillis() * i / count);
      if (i % 50 == 49) {
        time = time.minus(Duration.ofMinutes(3));
      }
      String sku = "sku-" + random.nextInt(6);
      String visitor = "v" + random.nextInt(30);
      boolean quiet = store.equals("a") && i > count * 3 / 4;
      int kind = random.nextInt(10);
      CommerceEvent event;
      if (i % 40 == 0) {
        event = new CommerceEvent(position, store, "e" + position, EventType.INVENTORY_RESTOCKED, time, null, null,
            null, sku, 8, null, null, null, List.of(), null, null, null, null);
      } else if (kind < 5) {
        event = new CommerceEvent(position, store, "e" + position, EventType.PRODUCT_VIEWED, time, visitor, null, null,
            sku, 1, new BigDecimal("4.50"), "EUR", null, List.of(), null);
      } else if (kind < 7 || quiet) {
        event = new CommerceEvent(position, store, "e" + position, EventType.PAGE_VIEWED, time, visitor, null, null,
            null, 0, null, null, null, List.of(), null);
      } else if (kind < 8) {
        event = new CommerceEvent(position, store, "e" + position, EventType.PRODUCT_ADDED, time, visitor, null, null,
            sku, 1, new BigDecimal("4.50"), "EUR", null, List.of(), null);
      } else {
        event = new CommerceEvent(position, store, "e" + position, EventType.ORDER_COMPLETED, time, visitor, null,
            null, null, 0, null, "EUR", "o" + position,
            List.of(new LineItem(sku, 1 + random.nextInt(3), new BigDecimal("4.50"))), null);
      }
      events.add(event);
    }
    return events;
  }

  private static <T> Map<List<Object>, T> byKey(Collection<T> rows, Function<T, List<Object>> key) {
    Map<List<Object>, T> byKey = new HashMap<>();
    for (T row : rows) {
      T previous = byKey.put(key.apply(row), row);
      assertNull(previous, "one row per key: " + key.apply(row));
    }
    return byKey;
  }

  private static Map<List<Object>, List<Object>> skuFigures(List<SkuResult> skus) {
    Map<List<Object>, List<Object>> figures = new HashMap<>();
    byKey(skus, s -> List.of(s.storeId(), s.windowKind(), s.windowStart(), s.sku())).forEach((key, s) ->
        figures.put(key, List.of(s.windowEnd(), s.views(), s.carts(), s.units(), s.revenue())));
    return figures;
  }

  private static StoreMetrics metrics(long events) {
    return new StoreMetrics(events, 0, events, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new TreeMap<>(), new TreeMap<>(),
        new TreeMap<>(), null, null, null, null, List.of(), List.of());
  }

  private static WindowResult window(String store, String kind, Instant start, WindowStatus status, long events) {
    return new WindowResult(store, kind, start, start.plusSeconds(60), status, metrics(events));
  }

  private static SkuResult sku(String store, String kind, Instant start, String sku, long views) {
    return new SkuResult(store, kind, start, start.plusSeconds(60), WindowStatus.PROVISIONAL, sku, views, 0, 0,
        new TreeMap<>());
  }

  private static MovingAveragePoint point(String store, String metric, Instant start, double value) {
    return new MovingAveragePoint(store, metric, start, start.plusSeconds(60), value, value, value);
  }

  private static Alert alert(String store, Instant start, String message) {
    return new Alert(AlertKind.DROP, store, "orders", 0, 5, -3, start, start.plusSeconds(60), message);
  }

  private static LateEvent late(long position) {
    CommerceEvent event = new CommerceEvent(position, "a", "late-" + position, EventType.PAGE_VIEWED, T0, "v", null,
        null, null, 0, null, null, null, List.of(), null);
    return new LateEvent(event, T1, List.of(new LateEvent.LateWindow("1m", T0, T1, true)));
  }

  private static StockLevel level(String store, String sku, long onHand, long reserved, long version) {
    return new StockLevel(store, sku, onHand, reserved, version, 5);
  }

  private static Movement movement(String sku, long onHand, long reserved, MovementReason reason, String cause) {
    return new Movement("a", sku, onHand, reserved, reason, cause, T0);
  }

  private static Reservation reservation(String id) {
    return new Reservation("a", id, "tea", 2, Holder.visitor("v1"), T0, T1);
  }

  private static EndedReservation ended(Reservation reservation, MovementReason reason) {
    return new EndedReservation(reservation, reason, T1);
  }

  private static EngineChanges engine(List<WindowResult> windows, List<SkuResult> skus,
      List<MovingAveragePoint> points) {
    return new EngineChanges(windows, skus, List.of(), List.of(), points, T0, 0, 1);
  }

  private static EngineChanges changes(List<Alert> alerts, List<LateEvent> lateEvents) {
    return new EngineChanges(List.of(), List.of(), alerts, lateEvents, List.of(), T0, 0, 1);
  }

  private static EngineChanges figures(Instant watermark, long lateCount, long lastPosition) {
    return new EngineChanges(List.of(), List.of(), List.of(), List.of(), List.of(), watermark, lateCount,
        lastPosition);
  }

  private static InventoryChanges stock(List<StockLevel> levels, List<Movement> movements, List<StockAlert> alerts,
      List<Reservation> created) {
    return new InventoryChanges(levels, movements, alerts, created, List.of());
  }
}
