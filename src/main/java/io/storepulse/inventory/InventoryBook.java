package io.storepulse.inventory;

import io.storepulse.analytics.CommerceEvent;
import io.storepulse.analytics.LineItem;
import io.storepulse.analytics.SnapshotInput;
import io.storepulse.analytics.SnapshotOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The stock of the stores of one pipeline partition: levels per (store, SKU), reservations, the
 * ledger of movements and stock alerts, driven by the partition's events in log order and by
 * synchronous operations (reserve, release, expire, adjust, import) that the partition's owner
 * runs between two events.
 *
 * <p>Use it like the {@code WindowEngine}: {@link #apply} each event in log order, call the
 * operations as requests arrive, and at each checkpoint {@link #drainChanges} then
 * {@link #snapshot}, persisted together. The book is deterministic: nothing reads a clock (each
 * operation is given its {@code now}) and nothing depends on hash order, so a book restored from a
 * snapshot and given the same events and operations in the same order emits exactly what the
 * original did. That is what lets the owner journal its operations and replay them after a crash.
 *
 * <p>Rules beyond issue 4:
 * <ul>
 *   <li>A level exists once the store declares stock for the product (a restock, an adjustment or
 *       an import). Orders, returns and cart events for a product without a level change nothing:
 *       a store that does not keep inventory here gets no levels and no oversold alerts.
 *   <li>Every change of {@code onHand} or {@code reserved} is one {@link Movement}; a threshold
 *       change (import) increments the version without a movement, since the ledger is about units.
 *   <li>Alerts fire on crossings, decided by flags kept per level; a level's first change only
 *       sets them, so a new product does not announce that it is back in stock.
 *   <li>An order completed for a visitor or order consumes all of that holder's reservations for
 *       the SKU: the checkout is done, a surplus goes back to {@code available}.
 *   <li>A cancellation releases the order's reservations. A cancellation or refund restocks at
 *       most what the order took from stock, when the order is remembered (see
 *       {@link InventorySettings#orderRetention}), so cancelling and then refunding one order
 *       returns its goods once; a return without lines restocks the remembered order whole.
 *   <li>{@code product_removed} releases all of the visitor's cart reservations for the SKU.
 * </ul>
 *
 * <p>Not thread-safe: a partition has a single writer.
 */
public final class InventoryBook {

  private static final int SNAPSHOT_MAGIC = 0x53504942;
  private static final int SNAPSHOT_VERSION = 1;

  private final InventorySettings settings;
  private final Map<StockKey, Level> levels = new LinkedHashMap<>();
  private final Map<ReservationKey, Held> reservations = new LinkedHashMap<>();
  private final Map<HolderKey, Map<ReservationKey, Held>> byHolder = new LinkedHashMap<>();
  private final TreeSet<Held> byExpiry = new TreeSet<>(
      Comparator.comparing((Held held) -> held.reservation.expiresAt()).thenComparingLong(held -> held.sequence));
  private final Map<IdempotencyKey, Adjustment> adjustments = new LinkedHashMap<>();
  private final Map<OrderKey, OrderLines> orders = new LinkedHashMap<>();
  private long nextSequence;
  private Instant maxEventTime;

  private final Set<StockKey> changedLevels = new LinkedHashSet<>();
  private final List<Movement> movements = new ArrayList<>();
  private final List<StockAlert> alerts = new ArrayList<>();
  private final List<Reservation> created = new ArrayList<>();
  private final List<EndedReservation> ended = new ArrayList<>();

  public InventoryBook(InventorySettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  // ---------------------------------------------------------------- events

  /** Applies the next event of the partition's log. Duplicates must have been removed upstream. */
  public void apply(CommerceEvent event) {
    if (maxEventTime == null || event.time().isAfter(maxEventTime)) {
      maxEventTime = event.time();
      forgetOldOrders();
    }
    switch (event.type()) {
      case ORDER_COMPLETED -> orderCompleted(event);
      case ORDER_CANCELLED -> {
        endHeldBy(new HolderKey(event.storeId(), orderHolder(event)), null, MovementReason.CANCEL, event.id(),
            event.time());
        restock(event, MovementReason.CANCEL);
      }
      case ORDER_REFUNDED -> restock(event, MovementReason.REFUND);
      case INVENTORY_RESTOCKED -> {
        if (event.sku() != null && event.quantity() > 0) {
          Level level = declare(event.storeId(), event.sku());
          move(level, event.quantity(), 0, MovementReason.RESTOCK, event.id(), event.time());
        }
      }
      case INVENTORY_ADJUSTED -> {
        if (event.sku() != null && (event.set() != null || event.delta() != null)) {
          Level level = declare(event.storeId(), event.sku());
          long delta = event.set() != null ? event.set() - level.onHand : event.delta();
          move(level, delta, 0, MovementReason.ADJUST, event.id(), event.time());
        }
      }
      case PRODUCT_ADDED -> cartAdded(event);
      case PRODUCT_REMOVED -> {
        if (settings.cartReservations(event.storeId()) && event.visitorId() != null && event.sku() != null) {
          endHeldBy(new HolderKey(event.storeId(), Holder.visitor(event.visitorId())), event.sku(),
              MovementReason.RELEASE, event.id(), event.time());
        }
      }
      default -> { }
    }
  }

  private void orderCompleted(CommerceEvent event) {
    Holder order = orderHolder(event);
    OrderLines remembered = null;
    for (LineItem item : event.items()) {
      Level level = levels.get(new StockKey(event.storeId(), item.sku()));
      if (level == null) {
        continue;
      }
      long consumed = 0;
      if (order != null) {
        consumed += endHeldBy(new HolderKey(event.storeId(), order), item.sku(), MovementReason.ORDER, null, event.time());
      }
      if (event.visitorId() != null) {
        consumed += endHeldBy(new HolderKey(event.storeId(), Holder.visitor(event.visitorId())), item.sku(),
            MovementReason.ORDER, null, event.time());
      }
      move(level, -item.quantity(), -consumed, MovementReason.ORDER, event.id(), event.time());
      if (order != null) {
        if (remembered == null) {
          remembered = orders.computeIfAbsent(new OrderKey(event.storeId(), order.id()),
              key -> new OrderLines(event.time(), new LinkedHashMap<>()));
        }
        remembered.restockable.merge(item.sku(), (long) item.quantity(), Long::sum);
      }
    }
  }

  private void restock(CommerceEvent event, MovementReason reason) {
    OrderLines order = event.orderId() == null ? null : orders.get(new OrderKey(event.storeId(), event.orderId()));
    boolean wholeEvent = Boolean.TRUE.equals(event.restock());
    if (event.items().isEmpty()) {
      if (wholeEvent && order != null) {
        for (Map.Entry<String, Long> line : List.copyOf(order.restockable.entrySet())) {
          returnToStock(event, reason, order, line.getKey(), line.getValue());
        }
      }
      return;
    }
    for (LineItem item : event.items()) {
      boolean restock = item.restock() != null ? item.restock() : wholeEvent;
      if (restock) {
        returnToStock(event, reason, order, item.sku(), item.quantity());
      }
    }
  }

  private void returnToStock(CommerceEvent event, MovementReason reason, OrderLines order, String sku, long quantity) {
    Level level = levels.get(new StockKey(event.storeId(), sku));
    if (level == null) {
      return;
    }
    if (order != null) {
      long left = order.restockable.getOrDefault(sku, 0L);
      quantity = Math.min(quantity, left);
      order.restockable.put(sku, left - quantity);
    }
    if (quantity > 0) {
      move(level, quantity, 0, reason, event.id(), event.time());
    }
  }

  private void cartAdded(CommerceEvent event) {
    if (!settings.cartReservations(event.storeId()) || event.visitorId() == null || event.sku() == null) {
      return;
    }
    Level level = levels.get(new StockKey(event.storeId(), event.sku()));
    ReservationKey key = new ReservationKey(event.storeId(), event.id());
    if (level == null || reservations.containsKey(key)) {
      return;
    }
    // a soft hold: the cart keeps what is left rather than failing, and never drives available below zero
    long quantity = Math.min(Math.max(1, event.quantity()), level.available());
    if (quantity > 0) {
      hold(level, key, quantity, Holder.visitor(event.visitorId()), event.time(),
          event.time().plus(settings.cartReservationTtl()));
    }
  }

  private void forgetOldOrders() {
    Instant horizon = maxEventTime.minus(settings.orderRetention());
    // orders are remembered in log order, which is nearly time order: stop at the first recent one
    Iterator<OrderLines> it = orders.values().iterator();
    while (it.hasNext() && it.next().time.isBefore(horizon)) {
      it.remove();
    }
  }

  private static Holder orderHolder(CommerceEvent event) {
    return event.orderId() == null ? null : Holder.order(event.orderId());
  }

  // ---------------------------------------------------------------- synchronous operations

  /**
   * Holds {@code quantity} units of a product for {@code holder} until {@code now + ttl}, when that
   * many are available. A reservation id the store already holds answers with that reservation.
   */
  public ReserveResult reserve(String storeId, String sku, long quantity, Duration ttl, Holder holder,
      String reservationId, Instant now) {
    if (quantity < 1) {
      throw new IllegalArgumentException("a reservation is for at least 1 unit, got " + quantity);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a reservation's ttl must be positive, got " + ttl);
    }
    ReservationKey key = new ReservationKey(storeId, reservationId);
    Held existing = reservations.get(key);
    if (existing != null) {
      return new ReserveResult.Reserved(existing.reservation);
    }
    Level level = levels.get(new StockKey(storeId, sku));
    long available = level == null ? 0 : level.available();
    if (available < quantity) {
      return new ReserveResult.Insufficient(Math.max(0, available));
    }
    return new ReserveResult.Reserved(hold(level, key, quantity, Objects.requireNonNull(holder, "holder"), now,
        now.plus(ttl)));
  }

  /** Releases a reservation of the store; empty when it does not hold one by that id (any more). */
  public Optional<Reservation> release(String storeId, String reservationId, Instant now) {
    Held held = reservations.get(new ReservationKey(storeId, reservationId));
    if (held == null) {
      return Optional.empty();
    }
    end(held, MovementReason.RELEASE, reservationId, now);
    return Optional.of(held.reservation);
  }

  /**
   * Releases every reservation whose expiry is not after {@code now}, and forgets adjustment keys
   * older than the retention. Returns the expired reservations, earliest expiry first.
   */
  public List<Reservation> expire(Instant now) {
    List<Reservation> expired = new ArrayList<>();
    while (!byExpiry.isEmpty() && !byExpiry.first().reservation.expiresAt().isAfter(now)) {
      Held held = byExpiry.first();
      end(held, MovementReason.EXPIRE, held.reservation.id(), now);
      expired.add(held.reservation);
    }
    Instant horizon = now.minus(settings.idempotencyRetention());
    Iterator<Adjustment> it = adjustments.values().iterator();
    while (it.hasNext() && it.next().time.isBefore(horizon)) {
      it.remove();
    }
    return expired;
  }

  /** The earliest expiry among the reservations, so the owner can set its timer; empty when none. */
  public Optional<Instant> nextExpiry() {
    return byExpiry.isEmpty() ? Optional.empty() : Optional.of(byExpiry.first().reservation.expiresAt());
  }

  /**
   * Sets or shifts a product's {@code onHand}. The idempotency key is scoped to the store: a repeat
   * of the same request answers {@link AdjustResult.Repeated} with the first answer, whatever it
   * was. With {@code expectedVersion}, the adjustment applies only to that version of the level
   * (0 for a product without a level).
   */
  public AdjustResult adjust(String storeId, String sku, StockTarget target, String idempotencyKey,
      Long expectedVersion, Instant now) {
    IdempotencyKey key = new IdempotencyKey(storeId, Objects.requireNonNull(idempotencyKey, "idempotencyKey"));
    Adjustment first = adjustments.get(key);
    if (first != null) {
      return first.sku.equals(sku) && first.target.equals(target)
          ? new AdjustResult.Repeated(first.result)
          : new AdjustResult.KeyReused(idempotencyKey);
    }
    Level existing = levels.get(new StockKey(storeId, sku));
    long version = existing == null ? 0 : existing.version;
    AdjustResult result;
    if (expectedVersion != null && expectedVersion != version) {
      result = new AdjustResult.VersionMismatch(version);
    } else {
      Level level = declare(storeId, sku);
      long delta = target instanceof StockTarget.SetOnHand set
          ? set.onHand() - level.onHand
          : ((StockTarget.Shift) target).delta();
      move(level, delta, 0, MovementReason.ADJUST, idempotencyKey, now);
      result = new AdjustResult.Applied(level.view());
    }
    adjustments.put(key, new Adjustment(sku, target, result, now));
    return result;
  }

  /**
   * Sets the levels of a store from a bulk import, row by row; a bad row is refused and the others
   * still apply. Returns one result per row, in order.
   *
   * @param importId the cause recorded in the ledger
   */
  public List<ImportResult> importStock(String storeId, List<ImportRow> rows, String importId, Instant now) {
    List<ImportResult> results = new ArrayList<>(rows.size());
    Set<String> seen = new HashSet<>();
    for (ImportRow row : rows) {
      String error = importError(row, seen);
      if (error != null) {
        results.add(new ImportResult.Rejected(error));
        continue;
      }
      Level level = declare(storeId, row.sku());
      long threshold = row.lowStockThreshold() == null ? level.threshold : row.lowStockThreshold();
      long delta = row.onHand() - level.onHand;
      if (threshold != level.threshold) {
        level.threshold = threshold;
        if (delta == 0) {
          changed(level);
          checkCrossings(level, MovementReason.IMPORT, importId, now);
        }
      }
      move(level, delta, 0, MovementReason.IMPORT, importId, now);
      results.add(new ImportResult.Imported(level.view()));
    }
    return results;
  }

  private static String importError(ImportRow row, Set<String> seen) {
    if (row.sku() == null || row.sku().isBlank()) {
      return "sku is required";
    }
    if (row.onHand() == null) {
      return "on_hand is required";
    }
    if (row.onHand() < 0) {
      return "on_hand must not be negative, got " + row.onHand();
    }
    if (row.lowStockThreshold() != null && row.lowStockThreshold() < 0) {
      return "low_stock_threshold must not be negative, got " + row.lowStockThreshold();
    }
    if (!seen.add(row.sku())) {
      return "sku " + row.sku() + " appears in an earlier row";
    }
    return null;
  }

  // ---------------------------------------------------------------- queries

  /** A product's level, empty when the store has not declared stock for it. */
  public Optional<StockLevel> level(String storeId, String sku) {
    Level level = levels.get(new StockKey(storeId, sku));
    return level == null ? Optional.empty() : Optional.of(level.view());
  }

  /** A live reservation of the store. */
  public Optional<Reservation> reservation(String storeId, String reservationId) {
    Held held = reservations.get(new ReservationKey(storeId, reservationId));
    return held == null ? Optional.empty() : Optional.of(held.reservation);
  }

  /** Every level in the book, in the order they were created. */
  public List<StockLevel> levels() {
    List<StockLevel> all = new ArrayList<>(levels.size());
    for (Level level : levels.values()) {
      all.add(level.view());
    }
    return all;
  }

  // ---------------------------------------------------------------- changes

  private Level declare(String storeId, String sku) {
    return levels.computeIfAbsent(new StockKey(storeId, sku), key -> {
      Level level = new Level(storeId, sku, settings.defaultLowStockThreshold());
      changedLevels.add(key);
      return level;
    });
  }

  private Reservation hold(Level level, ReservationKey key, long quantity, Holder holder, Instant now,
      Instant expiresAt) {
    Reservation reservation = new Reservation(key.storeId, key.id, level.sku, quantity, holder, now, expiresAt);
    Held held = new Held(reservation, nextSequence++);
    index(key, held);
    created.add(reservation);
    move(level, 0, quantity, MovementReason.RESERVE, key.id, now);
    return reservation;
  }

  private void index(ReservationKey key, Held held) {
    reservations.put(key, held);
    byHolder.computeIfAbsent(new HolderKey(key.storeId, held.reservation.holder()), k -> new LinkedHashMap<>())
        .put(key, held);
    byExpiry.add(held);
  }

  /**
   * Ends the reservations of a holder, for one SKU or all ({@code sku == null}), oldest first. With a
   * {@code cause}, each end is its own movement; without, the caller folds the returned units into
   * its own movement (an order consuming them).
   */
  private long endHeldBy(HolderKey holder, String sku, MovementReason reason, String cause, Instant time) {
    Map<ReservationKey, Held> held = byHolder.get(holder);
    if (held == null) {
      return 0;
    }
    long units = 0;
    for (Held one : List.copyOf(held.values())) {
      if (sku == null || one.reservation.sku().equals(sku)) {
        units += one.reservation.quantity();
        if (cause == null) {
          unindex(one);
          ended.add(new EndedReservation(one.reservation, reason, time));
        } else {
          end(one, reason, cause, time);
        }
      }
    }
    return units;
  }

  private void end(Held held, MovementReason reason, String cause, Instant time) {
    unindex(held);
    ended.add(new EndedReservation(held.reservation, reason, time));
    Level level = levels.get(new StockKey(held.reservation.storeId(), held.reservation.sku()));
    move(level, 0, -held.reservation.quantity(), reason, cause, time);
  }

  private void unindex(Held held) {
    ReservationKey key = new ReservationKey(held.reservation.storeId(), held.reservation.id());
    reservations.remove(key);
    HolderKey holder = new HolderKey(key.storeId, held.reservation.holder());
    Map<ReservationKey, Held> ofHolder = byHolder.get(holder);
    ofHolder.remove(key);
    if (ofHolder.isEmpty()) {
      byHolder.remove(holder);
    }
    byExpiry.remove(held);
  }

  /** The one place a level's units change: one movement, one version, the crossings it makes. */
  private void move(Level level, long deltaOnHand, long deltaReserved, MovementReason reason, String cause,
      Instant time) {
    if (deltaOnHand == 0 && deltaReserved == 0) {
      return;
    }
    level.onHand = Math.addExact(level.onHand, deltaOnHand);
    level.reserved += deltaReserved;
    movements.add(new Movement(level.storeId, level.sku, deltaOnHand, deltaReserved, reason, cause, time));
    changed(level);
    checkCrossings(level, reason, cause, time);
  }

  private void changed(Level level) {
    level.version++;
    changedLevels.add(new StockKey(level.storeId, level.sku));
  }

  private void checkCrossings(Level level, MovementReason reason, String cause, Instant time) {
    long available = level.available();
    boolean low = available < level.threshold;
    boolean out = available <= 0;
    boolean oversold = available < 0;
    if (level.version > 1) {
      if (low && !level.low) {
        alert(StockAlertKind.LOW_STOCK, level, reason, cause, time);
      }
      if (out && !level.out) {
        alert(StockAlertKind.OUT_OF_STOCK, level, reason, cause, time);
      }
      if (!out && level.out) {
        alert(StockAlertKind.BACK_IN_STOCK, level, reason, cause, time);
      }
      if (oversold && !level.oversold) {
        alert(StockAlertKind.OVERSOLD, level, reason, cause, time);
      }
    }
    level.low = low;
    level.out = out;
    level.oversold = oversold;
  }

  private void alert(StockAlertKind kind, Level level, MovementReason reason, String cause, Instant time) {
    alerts.add(new StockAlert(kind, level.view(), reason, cause, time));
  }

  /** Everything changed since the last drain; the book forgets it once returned. */
  public InventoryChanges drainChanges() {
    List<StockLevel> changed = new ArrayList<>(changedLevels.size());
    for (StockKey key : changedLevels) {
      changed.add(levels.get(key).view());
    }
    InventoryChanges changes = new InventoryChanges(changed, movements, alerts, created, ended);
    changedLevels.clear();
    movements.clear();
    alerts.clear();
    created.clear();
    ended.clear();
    return changes;
  }

  /** Whether {@link #drainChanges} has something to return. */
  public boolean hasPendingChanges() {
    return !changedLevels.isEmpty() || !movements.isEmpty() || !alerts.isEmpty() || !created.isEmpty()
        || !ended.isEmpty();
  }

  // ---------------------------------------------------------------- snapshot

  /**
   * The complete state needed to resume, in a versioned binary form: levels with their alert
   * flags, reservations with their expiries, remembered adjustments and orders. Changes must be
   * drained first, as for the window engine.
   *
   * @throws IllegalStateException when changes are pending
   */
  public byte[] snapshot() {
    if (hasPendingChanges()) {
      throw new IllegalStateException("drain the inventory changes before taking a snapshot");
    }
    try {
      SnapshotOutput out = new SnapshotOutput();
      out.writeInt(SNAPSHOT_MAGIC);
      out.writeInt(SNAPSHOT_VERSION);
      writeInstant(out, maxEventTime);
      out.writeVarLong(nextSequence);
      out.writeVarLong(levels.size());
      for (Level level : levels.values()) {
        out.writeString(level.storeId);
        out.writeString(level.sku);
        out.writeSignedVarLong(level.onHand);
        out.writeVarLong(level.reserved);
        out.writeVarLong(level.version);
        out.writeVarLong(level.threshold);
        out.writeVarLong((level.low ? 1 : 0) | (level.out ? 2 : 0) | (level.oversold ? 4 : 0));
      }
      // in creation order, so that every index rebuilds in the order the original kept
      List<Held> held = new ArrayList<>(reservations.values());
      held.sort(Comparator.comparingLong(one -> one.sequence));
      out.writeVarLong(held.size());
      for (Held one : held) {
        Reservation reservation = one.reservation;
        out.writeVarLong(one.sequence);
        out.writeString(reservation.storeId());
        out.writeString(reservation.id());
        out.writeString(reservation.sku());
        out.writeVarLong(reservation.quantity());
        out.writeVarLong(reservation.holder().kind().ordinal());
        out.writeString(reservation.holder().id());
        writeInstant(out, reservation.createdAt());
        writeInstant(out, reservation.expiresAt());
      }
      out.writeVarLong(adjustments.size());
      for (Map.Entry<IdempotencyKey, Adjustment> entry : adjustments.entrySet()) {
        Adjustment adjustment = entry.getValue();
        out.writeString(entry.getKey().storeId);
        out.writeString(entry.getKey().key);
        out.writeString(adjustment.sku);
        writeTarget(out, adjustment.target);
        writeResult(out, adjustment.result);
        writeInstant(out, adjustment.time);
      }
      out.writeVarLong(orders.size());
      for (Map.Entry<OrderKey, OrderLines> entry : orders.entrySet()) {
        out.writeString(entry.getKey().storeId);
        out.writeString(entry.getKey().orderId);
        writeInstant(out, entry.getValue().time);
        out.writeVarLong(entry.getValue().restockable.size());
        for (Map.Entry<String, Long> line : entry.getValue().restockable.entrySet()) {
          out.writeString(line.getKey());
          out.writeVarLong(line.getValue());
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
  }

  /**
   * A book that continues from {@code snapshot}.
   *
   * @throws IllegalArgumentException when the snapshot is not one this version wrote
   */
  public static InventoryBook restore(InventorySettings settings, byte[] snapshot) {
    InventoryBook book = new InventoryBook(settings);
    SnapshotInput in = new SnapshotInput(snapshot);
    try {
      if (in.readInt() != SNAPSHOT_MAGIC) {
        throw new IllegalArgumentException("not an inventory snapshot");
      }
      int version = in.readInt();
      if (version != SNAPSHOT_VERSION) {
        throw new IllegalArgumentException("unsupported inventory snapshot version " + version);
      }
      book.maxEventTime = readInstant(in);
      book.nextSequence = in.readVarLong();
      for (int i = in.readCount(); i > 0; i--) {
        Level level = new Level(in.readString(), in.readString(), 0);
        level.onHand = in.readSignedVarLong();
        level.reserved = in.readVarLong();
        level.version = in.readVarLong();
        level.threshold = in.readVarLong();
        long flags = in.readVarLong();
        level.low = (flags & 1) != 0;
        level.out = (flags & 2) != 0;
        level.oversold = (flags & 4) != 0;
        book.levels.put(new StockKey(level.storeId, level.sku), level);
      }
      Holder.Kind[] kinds = Holder.Kind.values();
      for (int i = in.readCount(); i > 0; i--) {
        long sequence = in.readVarLong();
        String storeId = in.readString();
        String id = in.readString();
        String sku = in.readString();
        long quantity = in.readVarLong();
        Holder holder = new Holder(kinds[in.readCount()], in.readString());
        Reservation reservation = new Reservation(storeId, id, sku, quantity, holder, readInstant(in),
            readInstant(in));
        book.index(new ReservationKey(storeId, id), new Held(reservation, sequence));
      }
      for (int i = in.readCount(); i > 0; i--) {
        IdempotencyKey key = new IdempotencyKey(in.readString(), in.readString());
        String sku = in.readString();
        StockTarget target = readTarget(in);
        AdjustResult result = readResult(in);
        book.adjustments.put(key, new Adjustment(sku, target, result, readInstant(in)));
      }
      for (int i = in.readCount(); i > 0; i--) {
        OrderKey key = new OrderKey(in.readString(), in.readString());
        OrderLines lines = new OrderLines(readInstant(in), new LinkedHashMap<>());
        for (int j = in.readCount(); j > 0; j--) {
          lines.restockable.put(in.readString(), in.readVarLong());
        }
        book.orders.put(key, lines);
      }
      in.expectEnd();
    } catch (IOException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("corrupt inventory snapshot: " + e.getMessage(), e);
    }
    return book;
  }

  private static void writeInstant(SnapshotOutput out, Instant instant) throws IOException {
    out.writeBoolean(instant != null);
    if (instant != null) {
      out.writeSignedVarLong(instant.getEpochSecond());
      out.writeVarLong(instant.getNano());
    }
  }

  private static Instant readInstant(SnapshotInput in) throws IOException {
    return in.readBoolean() ? Instant.ofEpochSecond(in.readSignedVarLong(), in.readVarLong()) : null;
  }

  private static void writeTarget(SnapshotOutput out, StockTarget target) throws IOException {
    if (target instanceof StockTarget.SetOnHand set) {
      out.writeVarLong(0);
      out.writeVarLong(set.onHand());
    } else {
      out.writeVarLong(1);
      out.writeSignedVarLong(((StockTarget.Shift) target).delta());
    }
  }

  private static StockTarget readTarget(SnapshotInput in) throws IOException {
    return in.readVarLong() == 0 ? new StockTarget.SetOnHand(in.readVarLong())
        : new StockTarget.Shift(in.readSignedVarLong());
  }

  private static void writeResult(SnapshotOutput out, AdjustResult result) throws IOException {
    if (result instanceof AdjustResult.Applied applied) {
      StockLevel level = applied.level();
      out.writeVarLong(0);
      out.writeString(level.storeId());
      out.writeString(level.sku());
      out.writeSignedVarLong(level.onHand());
      out.writeVarLong(level.reserved());
      out.writeVarLong(level.version());
      out.writeVarLong(level.lowStockThreshold());
    } else {
      out.writeVarLong(1);
      out.writeVarLong(((AdjustResult.VersionMismatch) result).currentVersion());
    }
  }

  private static AdjustResult readResult(SnapshotInput in) throws IOException {
    if (in.readVarLong() == 0) {
      return new AdjustResult.Applied(new StockLevel(in.readString(), in.readString(), in.readSignedVarLong(),
          in.readVarLong(), in.readVarLong(), in.readVarLong()));
    }
    return new AdjustResult.VersionMismatch(in.readVarLong());
  }

  // ---------------------------------------------------------------- state

  private record StockKey(String storeId, String sku) {
  }

  private record ReservationKey(String storeId, String id) {
  }

  private record HolderKey(String storeId, Holder holder) {
  }

  private record IdempotencyKey(String storeId, String key) {
  }

  private record OrderKey(String storeId, String orderId) {
  }

  private record Held(Reservation reservation, long sequence) {
  }

  private record Adjustment(String sku, StockTarget target, AdjustResult result, Instant time) {
  }

  /** What an order took from stock per SKU and has not been returned yet. */
  private record OrderLines(Instant time, Map<String, Long> restockable) {
  }

  private static final class Level {
    final String storeId;
    final String sku;
    long onHand;
    long reserved;
    long version;
    long threshold;
    /** The crossing states: what {@code available} was after the previous change. */
    boolean low;
    boolean out;
    boolean oversold;

    Level(String storeId, String sku, long threshold) {
      this.storeId = storeId;
      this.sku = sku;
      this.threshold = threshold;
    }

    long available() {
      return onHand - reserved;
    }

    StockLevel view() {
      return new StockLevel(storeId, sku, onHand, reserved, version, threshold);
    }
  }
}
