package io.storepulse.analytics;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The per-visitor {@link SessionWindows} of one partition, keyed by (store, visitor).
 *
 * <p>Sessions follow the same lateness rule as the other windows: a session is final when the
 * watermark reaches its {@code maxTimestamp + allowedLateness}; it is then handed to the caller
 * and forgotten. An event that joins no open session and whose own window would already be final
 * is late for sessions ({@code isWindowLate} of the merged window, as in Flink); an event that
 * falls between two open sessions, late or not, merges them.
 *
 * <p>Timers are kept lazily: a session has one pending timer at or before its cleanup time; when
 * it fires early because the session grew, it is re-armed at the new cleanup time. Timers order
 * by (time, session sequence number), both restored from snapshots, so closing order is the same
 * in a restored partition.
 */
final class SessionTracker {

  /** Distinct products remembered per session for co-view recommendations. */
  static final int MAX_VIEWED_SKUS = 20;

  private static final Comparator<Timer> TIMER_ORDER =
      Comparator.comparingLong(Timer::time).thenComparingLong(timer -> timer.session().seq);

  private final SessionWindows windows;
  private final long allowedLateness;
  private final HashMap<String, HashMap<String, ArrayList<Session>>> stores = new HashMap<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>(TIMER_ORDER);
  private long watermark = Long.MIN_VALUE;
  private long nextSeq;
  private long sessionCount;

  SessionTracker(SessionWindows windows, Duration allowedLateness) {
    this.windows = windows;
    this.allowedLateness = allowedLateness.toMillis();
  }

  SessionWindows windows() {
    return windows;
  }

  /**
   * Adds an event of a visitor to its session, opening or merging sessions as needed.
   *
   * @return whether the event was late for sessions and dropped; events without a visitor are
   *     not part of any session and never late here
   */
  boolean add(CommerceEvent event, long timestamp) {
    String visitor = event.visitorId();
    if (visitor == null) {
      return false;
    }
    TimeWindow own = windows.windowFor(timestamp);
    HashMap<String, ArrayList<Session>> visitors = stores.get(event.storeId());
    ArrayList<Session> sessions = visitors == null ? null : visitors.get(visitor);
    Session target = null;
    if (sessions != null) {
      for (Iterator<Session> it = sessions.iterator(); it.hasNext(); ) {
        Session session = it.next();
        if (windows.shouldMerge(session.window, own)) {
          if (target == null) {
            target = session;
          } else {
            target.absorb(session, windows);
            it.remove();
            sessionCount--;
          }
        }
      }
    }
    if (target == null) {
      if (own.maxTimestamp() + allowedLateness <= watermark) {
        return true;
      }
      if (sessions == null) {
        if (visitors == null) {
          visitors = new HashMap<>();
          stores.put(event.storeId(), visitors);
        }
        sessions = new ArrayList<>(1);
        visitors.put(visitor, sessions);
      }
      target = new Session(event.storeId(), visitor, nextSeq++, own);
      int i = 0;
      while (i < sessions.size() && sessions.get(i).window.start() < own.start()) {
        i++;
      }
      sessions.add(i, target);
      timers.add(new Timer(cleanupTime(target), target));
      sessionCount++;
    } else {
      target.window = windows.merge(target.window, own);
    }
    target.record(event);
    return false;
  }

  private long cleanupTime(Session session) {
    return session.window.maxTimestamp() + allowedLateness;
  }

  /** Closes every session that the watermark made final, in (cleanup time, sequence) order. */
  void advanceWatermark(long newWatermark, Consumer<Session> onClose) {
    if (newWatermark <= watermark) {
      return;
    }
    watermark = newWatermark;
    while (!timers.isEmpty() && timers.peek().time() <= newWatermark) {
      Timer timer = timers.poll();
      Session session = timer.session();
      if (session.merged) {
        continue;
      }
      long due = cleanupTime(session);
      if (due > timer.time()) {
        timers.add(new Timer(due, session));
        continue;
      }
      HashMap<String, ArrayList<Session>> visitors = stores.get(session.storeId);
      ArrayList<Session> sessions = visitors.get(session.visitorId);
      sessions.remove(session);
      if (sessions.isEmpty()) {
        visitors.remove(session.visitorId);
        if (visitors.isEmpty()) {
          stores.remove(session.storeId);
        }
      }
      sessionCount--;
      onClose.accept(session);
    }
  }

  /** Open sessions held in memory. */
  long sessionCount() {
    return sessionCount;
  }

  void write(SnapshotOutput out) throws IOException {
    out.writeLong(watermark);
    out.writeVarLong(nextSeq);
    List<String> storeIds = new ArrayList<>(stores.keySet());
    Collections.sort(storeIds);
    out.writeVarLong(storeIds.size());
    for (String storeId : storeIds) {
      HashMap<String, ArrayList<Session>> visitors = stores.get(storeId);
      List<String> visitorIds = new ArrayList<>(visitors.keySet());
      Collections.sort(visitorIds);
      out.writeString(storeId);
      out.writeVarLong(visitorIds.size());
      for (String visitorId : visitorIds) {
        List<Session> sessions = visitors.get(visitorId);
        out.writeString(visitorId);
        out.writeVarLong(sessions.size());
        for (Session session : sessions) {
          out.writeVarLong(session.seq);
          out.writeSignedVarLong(session.window.start());
          out.writeSignedVarLong(session.window.end());
          out.writeBoolean(session.hasOrder);
          out.writeVarLong(session.viewedCount);
          for (int i = 0; i < session.viewedCount; i++) {
            out.writeString(session.viewed[i]);
          }
        }
      }
    }
  }

  void read(SnapshotInput in) throws IOException {
    watermark = in.readLong();
    nextSeq = in.readVarLong();
    int storeCount = in.readCount();
    for (int s = 0; s < storeCount; s++) {
      String storeId = in.readString();
      HashMap<String, ArrayList<Session>> visitors = new HashMap<>();
      int visitorCount = in.readCount();
      for (int v = 0; v < visitorCount; v++) {
        String visitorId = in.readString();
        int count = in.readCount();
        ArrayList<Session> sessions = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
          long seq = in.readVarLong();
          TimeWindow window = new TimeWindow(in.readSignedVarLong(), in.readSignedVarLong());
          Session session = new Session(storeId, visitorId, seq, window);
          session.hasOrder = in.readBoolean();
          int viewed = in.readCount();
          for (int i = 0; i < viewed; i++) {
            session.addViewed(in.readString());
          }
          sessions.add(session);
          timers.add(new Timer(cleanupTime(session), session));
          sessionCount++;
        }
        visitors.put(visitorId, sessions);
      }
      stores.put(storeId, visitors);
    }
  }

  /** One visitor session: its window, whether it contains an order, and what it viewed. */
  static final class Session {
    final String storeId;
    final String visitorId;
    final long seq;
    TimeWindow window;
    boolean hasOrder;
    boolean merged;
    private String[] viewed;
    private int viewedCount;

    Session(String storeId, String visitorId, long seq, TimeWindow window) {
      this.storeId = storeId;
      this.visitorId = visitorId;
      this.seq = seq;
      this.window = window;
    }

    void record(CommerceEvent event) {
      switch (event.type()) {
        case ORDER_COMPLETED -> hasOrder = true;
        case PRODUCT_VIEWED -> {
          if (event.sku() != null) {
            addViewed(event.sku());
          }
        }
        default -> {
          // other events extend the session only
        }
      }
    }

    void absorb(Session other, SessionWindows windows) {
      window = windows.merge(window, other.window);
      hasOrder |= other.hasOrder;
      for (int i = 0; i < other.viewedCount; i++) {
        addViewed(other.viewed[i]);
      }
      other.merged = true;
    }

    private void addViewed(String sku) {
      if (viewed == null) {
        viewed = new String[4];
      }
      for (int i = 0; i < viewedCount; i++) {
        if (viewed[i].equals(sku)) {
          return;
        }
      }
      if (viewedCount == MAX_VIEWED_SKUS) {
        return;
      }
      if (viewedCount == viewed.length) {
        viewed = Arrays.copyOf(viewed, Math.min(MAX_VIEWED_SKUS, viewed.length * 2));
      }
      viewed[viewedCount++] = sku;
    }

    /** The distinct products viewed in the session, in first-view order. */
    List<String> viewedSkus() {
      return viewed == null ? List.of() : Arrays.asList(Arrays.copyOf(viewed, viewedCount));
    }

    /** The time of the session's last event. */
    long lastEventTime(SessionWindows windows) {
      return window.end() - windows.gap();
    }
  }

  private record Timer(long time, Session session) {
  }
}
