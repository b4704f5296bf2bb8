package io.storepulse.inventory;

import static io.storepulse.inventory.Events.STORE;
import static io.storepulse.inventory.Events.T0;
import static io.storepulse.inventory.Events.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storepulse.inventory.AdjustResult.Applied;
import io.storepulse.inventory.ReserveResult.Insufficient;
import io.storepulse.inventory.ReserveResult.Reserved;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InventoryBookTest {

  private static final Duration TTL = Duration.ofMinutes(10);

  private final Events events = new Events();
  private InventoryBook book = new InventoryBook(InventorySettings.defaults());

  private StockLevel level(String sku) {
    return book.level(STORE, sku).orElseThrow();
  }

  private List<StockAlertKind> alertKinds() {
    return book.drainChanges().alerts().stream().map(StockAlert::kind).toList();
  }

  @Test
  void restockAddsAndAdjustmentSetsOrShifts() {
    book.apply(events.restocked("tea", 10));
    assertEquals(10, level("tea").onHand());
    book.apply(events.adjustedTo("tea", 4));
    assertEquals(4, level("tea").onHand());
    book.apply(events.adjustedBy("tea", -3));
    assertEquals(1, level("tea").onHand());
    assertEquals(3, level("tea").version());
    List<Movement> movements = book.drainChanges().movements();
    assertEquals(List.of(10L, -6L, -3L), movements.stream().map(Movement::deltaOnHand).toList());
    assertEquals(List.of(MovementReason.RESTOCK, MovementReason.ADJUST, MovementReason.ADJUST),
        movements.stream().map(Movement::reason).toList());
    assertEquals("e1", movements.get(0).cause());
  }

  @Test
  void orderCommitsEachLine() {
    book.apply(events.restocked("tea", 10));
    book.apply(events.restocked("mug", 5));
    book.apply(events.order("o1", "v1", line("tea", 3), line("mug", 1)));
    assertEquals(7, level("tea").onHand());
    assertEquals(4, level("mug").onHand());
  }

  @Test
  void orderForAProductWithoutDeclaredStockChangesNothing() {
    book.apply(events.order("o1", "v1", line("tea", 3)));
    assertTrue(book.level(STORE, "tea").isEmpty());
    assertTrue(book.drainChanges().isEmpty());
  }

  @Test
  void cancellationWithRestockReturnsTheListedLines() {
    book.apply(events.restocked("tea", 10));
    book.apply(events.order("o1", "v1", line("tea", 3)));
    book.apply(events.cancelled("o1", true, line("tea", 3)));
    assertEquals(10, level("tea").onHand());
    assertEquals(MovementReason.CANCEL, book.drainChanges().movements().get(2).reason());
  }

  @Test
  void cancellationWithoutRestockKeepsTheStockOut() {
    book.apply(events.restocked("tea", 10));
    book.apply(events.order("o1", "v1", line("tea", 3)));
    book.apply(events.cancelled("o1", null, line("tea", 3)));
    book.apply(events.refunded("o1", false, line("tea", 3)));
    assertEquals(7, level("tea").onHand());
  }

  @Test
  void restockOfAWholeOrderWithoutLinesReturnsWhatTheOrderTook() {
    book.apply(events.restocked("tea", 10));
    book.apply(events.restocked("mug", 10));
    book.apply(events.order("o1", "v1", line("tea", 3), line("mug", 2)));
    book.apply(events.refunded("o1", true));
    assertEquals(10, level("tea").onHand());
    assertEquals(10, level("mug").onHand());
    assertEquals(MovementReason.REFUND, book.drainChanges().movements().get(4).reason());
  }

  @Test
  void lineRestockFlagOverridesTheEventFlag() {
    book.apply(events.restocked("tea", 10));
    book.apply(events.restocked("mug", 10));
    book.apply(events.order("o1", "v1", line("tea", 3), line("mug", 2)));
    book.apply(events.refunded("o1", true, line("tea", 3, false), line("mug", 2)));
    assertEquals(7, level("tea").onHand());
    assertEquals(10, level("mug").onHand());
    book.apply(events.order("o2", "v1", line("tea", 1), line("mug", 1)));
    book.apply(events.cancelled("o2", null, line("tea", 1, true), line("mug", 1)));
    assertEquals(7, level("tea").onHand());
    assertEquals(9, level("mug").onHand());
  }

  @Test
  void cancellingThenRefundingOneOrderRestocksItOnce() {
    book.apply(events.restocked("tea", 10));
    book.apply(events.order("o1", "v1", line("tea", 3)));
    book.apply(events.cancelled("o1", true, line("tea", 3)));
    book.apply(events.refunded("o1", true, line("tea", 3)));
    assertEquals(10, level("tea").onHand());
  }

  @Test
  void orderConsumesTheVisitorsReservationInsteadOfCountingTwice() {
    book.apply(events.restocked("tea", 10));
    book.reserve(STORE, "tea", 3, TTL, Holder.visitor("v1"), "r1", events.time());
    assertEquals(7, level("tea").available());
    book.apply(events.order("o1", "v1", line("tea", 3)));
    StockLevel tea = level("tea");
    assertEquals(7, tea.onHand());
    assertEquals(0, tea.reserved());
    assertEquals(7, tea.available());
    assertTrue(book.reservation(STORE, "r1").isEmpty());
    InventoryChanges changes = book.drainChanges();
    Movement order = changes.movements().get(2);
    assertEquals(new Movement(STORE, "tea", -3, -3, MovementReason.ORDER, "e2", order.time()), order);
    assertEquals(MovementReason.ORDER, changes.reservationsEnded().get(0).reason());
  }

  @Test
  void orderConsumesAReservationHeldByTheOrderId() {
    book.apply(events.restocked("tea", 10));
    book.reserve(STORE, "tea", 2, TTL, Holder.order("o1"), "r1", events.time());
    book.reserve(STORE, "tea", 1, TTL, Holder.visitor("someone-else"), "r2", events.time());
    book.apply(events.order("o1", "v1", line("tea", 2)));
    assertEquals(new StockLevel(STORE, "tea", 8, 1, 4, 5), level("tea"));
  }

  @Test
  void cancellationReleasesTheOrdersReservations() {
    book.apply(events.restocked("tea", 10));
    book.reserve(STORE, "tea", 2, TTL, Holder.order("o1"), "r1", events.time());
    book.apply(events.cancelled("o1", null));
    assertEquals(0, level("tea").reserved());
    assertEquals(10, level("tea").available());
  }

  @Test
  void cartEventsHoldStockOnlyWhereEnabled() {
    book.apply(events.restocked("tea", 10));
    book.apply(events.added("v1", "tea", 2));
    assertEquals(0, level("tea").reserved());

    book = new InventoryBook(InventorySettings.defaults().withCartReservations(Set.of(STORE)));
    book.apply(events.restocked("tea", 10));
    book.apply(events.added("v1", "tea", 2));
    assertEquals(2, level("tea").reserved());
    Reservation cart = book.drainChanges().reservationsCreated().get(0);
    assertEquals(cart.createdAt().plus(Duration.ofMinutes(15)), cart.expiresAt());
    book.apply(events.removed("v1", "tea"));
    assertEquals(0, level("tea").reserved());
    assertEquals(MovementReason.RELEASE, book.drainChanges().movements().get(0).reason());
  }

  @Test
  void oversoldOrderIsAppliedAndAlertsOncePerCrossing() {
    book.apply(events.restocked("tea", 2));
    book.drainChanges();
    book.apply(events.order("o1", "v1", line("tea", 3)));
    assertEquals(-1, level("tea").available());
    assertTrue(alertKinds().contains(StockAlertKind.OVERSOLD));
    book.apply(events.order("o2", "v2", line("tea", 1)));
    assertEquals(List.of(), alertKinds());
    book.apply(events.restocked("tea", 5));
    book.apply(events.order("o3", "v3", line("tea", 5)));
    assertEquals(List.of(StockAlertKind.BACK_IN_STOCK, StockAlertKind.OUT_OF_STOCK, StockAlertKind.OVERSOLD),
        alertKinds());
  }

  @Test
  void thresholdAlertsFireOncePerCrossing() {
    book.apply(events.restocked("tea", 8));
    assertEquals(List.of(), alertKinds());
    book.apply(events.order("o1", "v1", line("tea", 2)));
    assertEquals(List.of(), alertKinds());
    book.apply(events.order("o2", "v1", line("tea", 2)));
    assertEquals(List.of(StockAlertKind.LOW_STOCK), alertKinds());
    book.apply(events.order("o3", "v1", line("tea", 1)));
    book.apply(events.order("o4", "v1", line("tea", 1)));
    assertEquals(List.of(), alertKinds());
    book.apply(events.order("o5", "v1", line("tea", 2)));
    assertEquals(List.of(StockAlertKind.OUT_OF_STOCK), alertKinds());
    book.apply(events.restocked("tea", 1));
    assertEquals(List.of(StockAlertKind.BACK_IN_STOCK), alertKinds());
    book.apply(events.restocked("tea", 10));
    book.apply(events.order("o6", "v1", line("tea", 8)));
    assertEquals(List.of(StockAlertKind.LOW_STOCK), alertKinds());
  }

  @Test
  void fiftyReservationsOfOneUnitAgainstTenAvailableGrantExactlyTen() {
    book.apply(events.restocked("tea", 10));
    int reserved = 0;
    int refused = 0;
    for (int i = 0; i < 50; i++) {
      ReserveResult result = book.reserve(STORE, "tea", 1, TTL, Holder.visitor("v" + i), "r" + i, events.time());
      if (result instanceof Reserved) {
        reserved++;
      } else {
        assertEquals(new Insufficient(0), result);
        refused++;
      }
    }
    assertEquals(10, reserved);
    assertEquals(40, refused);
    assertEquals(0, level("tea").available());
  }

  @Test
  void expiryReleasesReservationsPastTheirTtlWithExpireMovements() {
    book.apply(events.restocked("tea", 10));
    Instant now = events.time();
    book.reserve(STORE, "tea", 2, Duration.ofMinutes(1), Holder.visitor("v1"), "r1", now);
    book.reserve(STORE, "tea", 3, Duration.ofMinutes(5), Holder.visitor("v2"), "r2", now);
    book.drainChanges();
    assertEquals(now.plus(Duration.ofMinutes(1)), book.nextExpiry().orElseThrow());
    assertEquals(List.of(), book.expire(now.plusSeconds(59)));
    List<Reservation> expired = book.expire(now.plusSeconds(60));
    assertEquals(List.of("r1"), expired.stream().map(Reservation::id).toList());
    assertEquals(3, level("tea").reserved());
    InventoryChanges changes = book.drainChanges();
    assertEquals(List.of(new Movement(STORE, "tea", 0, -2, MovementReason.EXPIRE, "r1", now.plusSeconds(60))),
        changes.movements());
    assertEquals(MovementReason.EXPIRE, changes.reservationsEnded().get(0).reason());
  }

  @Test
  void releaseFreesTheUnitsOnceAndIsScopedToTheStore() {
    book.apply(events.restocked("tea", 10));
    book.reserve(STORE, "tea", 4, TTL, Holder.visitor("v1"), "r1", events.time());
    assertTrue(book.release("other-store", "r1", events.time()).isEmpty());
    assertEquals(4, book.release(STORE, "r1", events.time()).orElseThrow().quantity());
    assertTrue(book.release(STORE, "r1", events.time()).isEmpty());
    assertEquals(10, level("tea").available());
  }

  @Test
  void repeatedAdjustmentAnswersTheFirstResultAndChangesNothing() {
    Instant now = T0;
    AdjustResult first = book.adjust(STORE, "tea", new StockTarget.Shift(5), "k1", null, now);
    AdjustResult again = book.adjust(STORE, "tea", new StockTarget.Shift(5), "k1", null, now.plusSeconds(1));
    assertEquals(new AdjustResult.Repeated(first), again);
    assertEquals(5, level("tea").onHand());
    assertInstanceOf(AdjustResult.KeyReused.class,
        book.adjust(STORE, "tea", new StockTarget.Shift(6), "k1", null, now));
    book.expire(now.plus(Duration.ofHours(25)));
    assertInstanceOf(Applied.class, book.adjust(STORE, "tea", new StockTarget.Shift(5), "k1", null, now));
    assertEquals(10, level("tea").onHand());
  }

  @Test
  void adjustmentWithAStaleVersionIsRefused() {
    AdjustResult created = book.adjust(STORE, "tea", new StockTarget.SetOnHand(10), "k1", 0L, T0);
    assertEquals(1, ((Applied) created).level().version());
    assertEquals(new AdjustResult.VersionMismatch(1),
        book.adjust(STORE, "tea", new StockTarget.SetOnHand(3), "k2", 0L, T0));
    assertEquals(10, level("tea").onHand());
    AdjustResult applied = book.adjust(STORE, "tea", new StockTarget.SetOnHand(3), "k3", 1L, T0);
    assertEquals(new StockLevel(STORE, "tea", 3, 0, 2, 5), ((Applied) applied).level());
  }

  @Test
  void importReportsBadRowsAndAppliesTheOthers() {
    List<ImportResult> results = book.importStock(STORE, List.of(
        new ImportRow("tea", 10L, null),
        new ImportRow("", 5L, null),
        new ImportRow("mug", null, null),
        new ImportRow("cup", -1L, null),
        new ImportRow("jar", 4L, -2L),
        new ImportRow("tea", 7L, null),
        new ImportRow("pot", 3L, 1L)), "import-1", T0);
    assertEquals(new ImportResult.Imported(new StockLevel(STORE, "tea", 10, 0, 1, 5)), results.get(0));
    for (int row = 1; row <= 5; row++) {
      assertInstanceOf(ImportResult.Rejected.class, results.get(row), "row " + row);
    }
    assertEquals(new ImportResult.Imported(new StockLevel(STORE, "pot", 3, 0, 1, 1)), results.get(6));
    assertEquals(List.of("tea", "pot"), book.levels().stream().map(StockLevel::sku).toList());
    List<Movement> movements = book.drainChanges().movements();
    assertEquals(List.of(MovementReason.IMPORT, MovementReason.IMPORT),
        movements.stream().map(Movement::reason).toList());
    assertEquals("import-1", movements.get(0).cause());
  }

  @Test
  void importRaisingTheThresholdAboveAvailableIsALowStockCrossing() {
    book.apply(events.restocked("tea", 8));
    book.drainChanges();
    book.importStock(STORE, List.of(new ImportRow("tea", 8L, 20L)), "import-1", T0);
    InventoryChanges changes = book.drainChanges();
    assertEquals(List.of(StockAlertKind.LOW_STOCK), changes.alerts().stream().map(StockAlert::kind).toList());
    assertEquals(List.of(), changes.movements());
    assertEquals(2, level("tea").version());
  }

  @Test
  void changesListEachChangedLevelOnceWithItsLatestValues() {
    book.apply(events.restocked("tea", 10));
    book.apply(events.restocked("tea", 5));
    book.apply(events.restocked("mug", 1));
    List<StockLevel> levels = new ArrayList<>(book.drainChanges().levels());
    assertEquals(List.of(new StockLevel(STORE, "tea", 15, 0, 2, 5), new StockLevel(STORE, "mug", 1, 0, 1, 5)),
        levels);
    assertTrue(book.drainChanges().isEmpty());
  }
}
