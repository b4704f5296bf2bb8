package io.storepulse.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotRestoreTest {

  private static final EngineSettings SETTINGS = EngineSettings.defaults().withAnomaly(2.5, 5, 0.2);

  /** An event, or an idle check at a wall-clock time. */
  private record Action(CommerceEvent event, Instant idleAt) {
  }

  private static List<Action> actions(long seed) {
    Random random = new Random(seed);
    List<Action> actions = new ArrayList<>();
    long latest = Long.MIN_VALUE;
    for (CommerceEvent event : GeneratedStream.events(seed, 4, 60, 6_000, 900, 5_000, 0.02)) {
      actions.add(new Action(event, null));
      latest = Math.max(latest, event.time().toEpochMilli());
      if (random.nextInt(200) == 0) {
        // a quiet spell: the second check finds the partition idle
        Instant wallClock = Instant.ofEpochMilli(latest + random.nextInt(40_000));
        actions.add(new Action(null, wallClock));
        actions.add(new Action(null, wallClock));
      }
    }
    Instant end = Instant.ofEpochMilli(latest).plusSeconds(7_200);
    actions.add(new Action(null, end));
    actions.add(new Action(null, end));
    return actions;
  }

  private static List<EngineChanges> run(WindowEngine engine, List<Action> actions, int from, int to) {
    List<EngineChanges> drained = new ArrayList<>();
    for (Action action : actions.subList(from, to)) {
      if (action.event() != null) {
        engine.apply(action.event());
      } else {
        engine.onIdle(action.idleAt());
      }
      drained.add(engine.drainChanges());
    }
    return drained;
  }

  /** Compares element by element, so that a failure names the first difference only. */
  private static void assertSameChanges(EngineChanges expected, EngineChanges actual, String context) {
    assertSameElements(expected.windows(), actual.windows(), "windows " + context);
    assertSameElements(expected.skus(), actual.skus(), "skus " + context);
    assertSameElements(expected.alerts(), actual.alerts(), "alerts " + context);
    assertSameElements(expected.lateEvents(), actual.lateEvents(), "late events " + context);
    assertSameElements(expected.movingAverages(), actual.movingAverages(), "moving averages " + context);
    assertEquals(expected, actual, context);
  }

  private static void assertSameElements(List<?> expected, List<?> actual, String context) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), context + ", element " + i);
    }
    assertEquals(expected.size(), actual.size(), context + ", size");
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void restoredEngineContinuesExactlyLikeTheOriginal(long seed) {
    List<Action> actions = actions(seed);
    List<EngineChanges> expected = run(new WindowEngine(SETTINGS), actions, 0, actions.size());

    Random random = new Random(seed);
    TreeSet<Integer> splits = new TreeSet<>();
    while (splits.size() < 4) {
      splits.add(1 + random.nextInt(actions.size() - 1));
    }
    List<EngineChanges> actual = new ArrayList<>();
    WindowEngine engine = new WindowEngine(SETTINGS);
    int from = 0;
    for (int split : splits) {
      actual.addAll(run(engine, actions, from, split));
      engine = WindowEngine.restore(SETTINGS, engine.snapshot());
      from = split;
    }
    actual.addAll(run(engine, actions, from, actions.size()));

    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertSameChanges(expected.get(i), actual.get(i), "after action " + i + " (splits " + splits + ")");
    }
    // the stream exercises what the snapshot has to carry
    assertTrue(expected.stream().anyMatch(c -> !c.lateEvents().isEmpty()), "no late events");
    assertTrue(expected.stream().flatMap(c -> c.windows().stream()).anyMatch(r -> r.status() == WindowStatus.CORRECTED),
        "no corrections");
    assertTrue(expected.stream().anyMatch(c -> !c.alerts().isEmpty()), "no alerts");
    int lastEvent = actions.size() - 3;
    assertTrue(expected.subList(0, lastEvent).stream().flatMap(c -> c.windows().stream())
        .anyMatch(r -> r.metrics().sessions() > 0), "no session closed before the end of the stream");
  }
}
