package io.storepulse.inventory;

import static io.storepulse.inventory.Events.STORE;
import static io.storepulse.inventory.Events.line;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.storepulse.analytics.CommerceEvent;
import io.storepulse.analytics.LineItem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Generated streams: the ledger adds up, a plain reference agrees, snapshots resume exactly. */
class InventoryStreamTest {

  private static final List<String> SKUS = List.of("tea", "mug", "pot", "cup", "jar");

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void levelsEqualTheSumOfTheirMovementsAndAReferenceOverOrdersAndReturns(long seed) {
    Random random = new Random(seed);
    List<CommerceEvent> sent = returnsStream(random, 600);
    List<CommerceEvent> log = withoutDuplicates(sent);
    InventoryBook book = new InventoryBook(InventorySettings.defaults());
    List<Movement> ledger = new ArrayList<>();
    for (CommerceEvent event : log) {
      book.apply(event);
      if (random.nextInt(20) == 0) {
        ledger.addAll(book.drainChanges().movements());
      }
    }
    ledger.addAll(book.drainChanges().movements());

    assertLedgerAddsUp(book, ledger);
    Map<String, Long> reference = reference(log);
    for (StockLevel level : book.levels()) {
      assertEquals(reference.get(level.sku()), level.onHand(), level.sku());
    }
    assertEquals(reference.keySet(), Set.copyOf(book.levels().stream().map(StockLevel::sku).toList()));
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
  void restoredBookContinuesExactlyLikeTheOriginal(long seed) {
    Random random = new Random(seed);
    List<Function<InventoryBook, Object>> operations = mixedOperations(random, 500);
    InventorySettings settings = InventorySettings.defaults().withCartReservations(Set.of(STORE));
    int split = random.nextInt(operations.size() + 1);

    InventoryBook original = new InventoryBook(settings);
    List<Object> originalOutput = new ArrayList<>();
    for (int i = 0; i < operations.size(); i++) {
      Object result = operations.get(i).apply(original);
      if (i >= split) {
        originalOutput.add(result);
      }
      if (i == split - 1) {
        original.drainChanges();
      }
    }
    originalOutput.add(original.drainChanges());

    InventoryBook before = new InventoryBook(settings);
    for (int i = 0; i < split; i++) {
      operations.get(i).apply(before);
    }
    before.drainChanges();
    InventoryBook resumed = InventoryBook.restore(settings, before.snapshot());
    List<Object> resumedOutput = new ArrayList<>();
    for (int i = split; i < operations.size(); i++) {
      resumedOutput.add(operations.get(i).apply(resumed));
    }
    resumedOutput.add(resumed.drainChanges());

    assertEquals(originalOutput, resumedOutput);
    assertEquals(original.levels(), resumed.levels());
    assertArrayEquals(original.snapshot(), resumed.snapshot());
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22, 23})
  void levelsEqualTheSumOfTheirMovementsWithReservationsAdjustmentsAndImports(long seed) {
    Random random = new Random(seed);
    InventoryBook book = new InventoryBook(InventorySettings.defaults().withCartReservations(Set.of(STORE)));
    List<Movement> ledger = new ArrayList<>();
    for (Function<InventoryBook, Object> operation : mixedOperations(random, 800)) {
      operation.apply(book);
      if (random.nextInt(10) == 0) {
        ledger.addAll(book.drainChanges().movements());
      }
    }
    ledger.addAll(book.drainChanges().movements());
    assertLedgerAddsUp(book, ledger);
  }

  private static void assertLedgerAddsUp(InventoryBook book, List<Movement> ledger) {
    Map<String, long[]> sums = new HashMap<>();
    for (Movement movement : ledger) {
      long[] sum = sums.computeIfAbsent(movement.sku(), sku -> new long[2]);
      sum[0] += movement.deltaOnHand();
      sum[1] += movement.deltaReserved();
    }
    for (StockLevel level : book.levels()) {
      long[] sum = sums.getOrDefault(level.sku(), new long[2]);
      assertEquals(level.onHand(), sum[0], "onHand of " + level.sku());
      assertEquals(level.reserved(), sum[1], "reserved of " + level.sku());
    }
  }

  /** Restocks, orders, cancellations and refunds, some sent twice with the same id. */
  private static List<CommerceEvent> returnsStream(Random random, int count) {
    Events events = new Events();
    List<CommerceEvent> sent = new ArrayList<>();
    for (String sku : SKUS.subList(0, 4)) {
      sent.add(events.restocked(sku, 20));
    }
    List<CommerceEvent> orders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int kind = random.nextInt(10);
      CommerceEvent event;
      if (kind < 2) {
        event = events.restocked(sku(random), 1 + random.nextInt(10));
      } else if (kind < 7 || orders.isEmpty()) {
        // the fifth product never gets stock declared, so its lines change nothing
        event = events.order("o" + i, "v" + random.nextInt(30), lines(random));
        orders.add(event);
      } else {
        CommerceEvent order = orders.get(random.nextInt(orders.size()));
        event = returned(events, random, order, kind < 9);
      }
      sent.add(event);
      if (random.nextInt(10) == 0) {
        sent.add(event);
      }
    }
    return sent;
  }

  private static CommerceEvent returned(Events events, Random random, CommerceEvent order, boolean cancel) {
    Boolean wholeFlag = switch (random.nextInt(3)) {
      case 0 -> null;
      case 1 -> Boolean.TRUE;
      default -> Boolean.FALSE;
    };
    LineItem[] items;
    if (random.nextBoolean()) {
      items = new LineItem[0];
    } else {
      items = order.items().stream()
          .map(item -> line(item.sku(), item.quantity(), random.nextInt(3) == 0 ? null : random.nextBoolean()))
          .toArray(LineItem[]::new);
    }
    return cancel ? events.cancelled(order.orderId(), wholeFlag, items) : events.refunded(order.orderId(), wholeFlag,
        items);
  }

  private static LineItem[] lines(Random random) {
    int count = 1 + random.nextInt(3);
    LineItem[] lines = new LineItem[count];
    for (int i = 0; i < count; i++) {
      lines[i] = line(SKUS.get(random.nextInt(SKUS.size())), 1 + random.nextInt(4));
    }
    return lines;
  }

  private static String sku(Random random) {
    return SKUS.get(random.nextInt(SKUS.size() - 1));
  }

  private static List<CommerceEvent> withoutDuplicates(List<CommerceEvent> sent) {
    Set<String> ids = new HashSet<>();
    return sent.stream().filter(event -> ids.add(event.id())).toList();
  }

  /**
   * The plain reading of the rules: stock exists once restocked; an order takes its lines; a
   * return gives back the flagged lines (all of them when it lists none and is flagged), never
   * more than the order took.
   */
  private static Map<String, Long> reference(List<CommerceEvent> log) {
    Map<String, Long> onHand = new LinkedHashMap<>();
    Map<String, Map<String, Long>> returnable = new HashMap<>();
    for (CommerceEvent event : log) {
      switch (event.type()) {
        case INVENTORY_RESTOCKED -> onHand.merge(event.sku(), (long) event.quantity(), Long::sum);
        case ORDER_COMPLETED -> {
          Map<String, Long> taken = returnable.computeIfAbsent(event.orderId(), id -> new HashMap<>());
          for (LineItem item : event.items()) {
            if (onHand.containsKey(item.sku())) {
              onHand.merge(item.sku(), (long) -item.quantity(), Long::sum);
              taken.merge(item.sku(), (long) item.quantity(), Long::sum);
            }
          }
        }
        case ORDER_CANCELLED, ORDER_REFUNDED -> {
          Map<String, Long> taken = returnable.get(event.orderId());
          boolean all = Boolean.TRUE.equals(event.restock());
          List<LineItem> lines = event.items();
          if (lines.isEmpty() && all) {
            lines = taken.entrySet().stream().map(e -> line(e.getKey(), (int) (long) e.getValue())).toList();
          }
          for (LineItem item : lines) {
            boolean back = item.restock() != null ? item.restock() : all;
            long quantity = Math.min(item.quantity(), taken.getOrDefault(item.sku(), 0L));
            if (back && quantity > 0) {
              onHand.merge(item.sku(), quantity, Long::sum);
              taken.merge(item.sku(), -quantity, Long::sum);
            }
          }
        }
        default -> throw new IllegalStateException("not generated: " + event.type());
      }
    }
    return onHand;
  }

  /** Every kind of event and operation, each returning what it answered. */
  private static List<Function<InventoryBook, Object>> mixedOperations(Random random, int count) {
    Events events = new Events();
    List<Function<InventoryBook, Object>> operations = new ArrayList<>();
    List<String> reservationIds = new ArrayList<>();
    List<CommerceEvent> orders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant now = events.time();
      String sku = SKUS.get(random.nextInt(SKUS.size()));
      String visitor = "v" + random.nextInt(8);
      int kind = random.nextInt(14);
      Function<InventoryBook, Object> operation;
      switch (kind) {
        case 0, 1 -> operation = apply(events.restocked(sku, 1 + random.nextInt(8)));
        case 2 -> operation = apply(random.nextBoolean() ? events.adjustedTo(sku, random.nextInt(12))
            : events.adjustedBy(sku, random.nextBoolean() ? -2 : 3));
        case 3, 4 -> {
          CommerceEvent order = events.order("o" + i, visitor, lines(random));
          orders.add(order);
          operation = apply(order);
        }
        case 5 -> {
          if (orders.isEmpty()) {
            continue;
          }
          operation = apply(returned(events, random, orders.get(random.nextInt(orders.size())), random.nextBoolean()));
        }
        case 6 -> operation = apply(events.added(visitor, sku, 1 + random.nextInt(3)));
        case 7 -> operation = apply(events.removed(visitor, sku));
        case 8, 9 -> {
          String id = "r" + i;
          reservationIds.add(id);
          Holder holder = random.nextBoolean() ? Holder.visitor(visitor) : Holder.order("o" + (i + random.nextInt(5)));
          long quantity = 1 + random.nextInt(3);
          Duration ttl = Duration.ofSeconds(5 + random.nextInt(60));
          operation = book -> book.reserve(STORE, sku, quantity, ttl, holder, id, now);
        }
        case 10 -> {
          if (reservationIds.isEmpty()) {
            continue;
          }
          String id = reservationIds.get(random.nextInt(reservationIds.size()));
          operation = book -> book.release(STORE, id, now);
        }
        case 11 -> operation = book -> book.expire(now);
        case 12 -> {
          String key = "k" + random.nextInt(count / 4);
          StockTarget target = random.nextBoolean() ? new StockTarget.SetOnHand(random.nextInt(10))
              : new StockTarget.Shift(1 + random.nextInt(3));
          Long expected = random.nextBoolean() ? null : (long) random.nextInt(6);
          operation = book -> book.adjust(STORE, sku, target, key, expected, now);
        }
        default -> {
          List<ImportRow> rows = List.of(new ImportRow(sku, (long) random.nextInt(15), null),
              new ImportRow(SKUS.get(random.nextInt(SKUS.size())), random.nextBoolean() ? -1L : 4L,
                  random.nextBoolean() ? null : (long) random.nextInt(8)));
          String importId = "import-" + i;
          operation = book -> book.importStock(STORE, rows, importId, now);
        }
      }
      operations.add(operation);
    }
    return operations;
  }

  private static Function<InventoryBook, Object> apply(CommerceEvent event) {
    return book -> {
      book.apply(event);
      return event.id();
    };
  }
}
