package io.storepulse.bench;

import io.storepulse.analytics.CommerceEventDecoder;
import io.storepulse.analytics.EngineSettings;
import io.storepulse.analytics.WindowEngine;
import io.storepulse.demo.SimulatedEvent;
import io.storepulse.demo.SimulatorSettings;
import io.storepulse.demo.StorefrontSimulator;
import io.storepulse.ingest.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * How one partition's engine checkpoint grows under the demo storefront's traffic, and what taking
 * it costs: one store's simulated events (flat rate, no incidents, no resends, 2 s disorder, as the
 * load tests send them) applied to a {@link WindowEngine} in simulated time, with a snapshot taken
 * and timed at the end of every simulated minute. Open visitor sessions stay for the session gap
 * after a visitor's last event, so the snapshot grows until the gap has passed.
 *
 * <p>Arguments: events/s (2500), simulated minutes (40), session gap in minutes (the engine's
 * default, 30). Prints one line per minute (the first two, then every tenth of the run) and the
 * event mix of the whole run.
 */
public final class SessionSnapshotGrowth {

  private static final long STEP_MILLIS = 50;

  private SessionSnapshotGrowth() {
  }

  public static void main(String[] args) {
    double rate = args.length > 0 ? Double.parseDouble(args[0]) : 2_500;
    int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    EngineSettings engineSettings = args.length > 2
        ? EngineSettings.defaults().withSessionGap(Duration.ofMinutes(Long.parseLong(args[2])))
        : EngineSettings.defaults();
    SimulatorSettings settings = SimulatorSettings.defaults().withRunId("growth").withRate(rate).withFlatRate()
        .withIncidents(false).withDisorder(Duration.ofSeconds(2), 0).withCatalog(500, 1);
    long origin = System.currentTimeMillis() - minutes * 60_000L;
    StorefrontSimulator simulator = StorefrontSimulator.create(settings, origin);
    CommerceEventDecoder decoder = new CommerceEventDecoder();
    WindowEngine engine = new WindowEngine(engineSettings);
    Map<EventType, Long> mix = new EnumMap<>(EventType.class);
    long position = 0;
    System.out.printf(Locale.ROOT, "one store at %.0f events/s, session gap %s%n", rate,
        engineSettings.sessionGap());
    for (int minute = 1; minute <= minutes; minute++) {
      long end = origin + minute * 60_000L;
      for (long now = end - 60_000L + STEP_MILLIS; now <= end; now += STEP_MILLIS) {
        for (SimulatedEvent event : simulator.due(now, Integer.MAX_VALUE)) {
          // the log's payload: the event as sent, with the store id ingest adds
          engine.apply(decoder.decode(++position, "{\"storeId\":\"store\"," + event.json().substring(1)));
          mix.merge(event.type(), 1L, Long::sum);
        }
        engine.onIdle(Instant.ofEpochMilli(now));
      }
      engine.drainChanges();
      long start = System.nanoTime();
      int bytes = engine.snapshot().length;
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (minute <= 2 || minute % Math.max(1, minutes / 10) == 0) {
        System.out.printf(Locale.ROOT, "minute %d: %d events applied, snapshot %.1f MB, taken in %d ms%n", minute,
            position, bytes / 1e6, millis);
      }
    }
    StringBuilder line = new StringBuilder("mix:");
    long total = position;
    mix.forEach((type, count) -> line.append(String.format(Locale.ROOT, " %s %.2f%%", type.wireName(),
        100.0 * count / total)));
    System.out.println(line);
  }
}
