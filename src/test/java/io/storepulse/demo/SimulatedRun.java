package io.storepulse.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storepulse.ingest.EventType;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A simulator driven the way the driver drives it, on a simulated clock: asked every
 * {@code step} for the events due, then emptied; everything it handed out is kept in order, with
 * the time it was handed out, and the incidents it announced on the way.
 */
final class SimulatedRun {

  static final Instant ORIGIN = Instant.parse("2026-11-21T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event as the storefront sent it, and when. */
  record Sent(SimulatedEvent event, long sentAt) {

    JsonNode json() {
      try {
        return JSON.readTree(event.json());
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }

    long time() {
      return event.timeMillis();
    }

    EventType type() {
      return event.type();
    }
  }

  final StorefrontSimulator simulator;
  final List<Sent> sent = new ArrayList<>();
  final Set<Incident> incidents = new LinkedHashSet<>();
  final long origin;
  long now;

  private SimulatedRun(SimulatorSettings settings, long origin) {
    this.simulator = StorefrontSimulator.create(settings, origin);
    this.origin = origin;
    this.now = origin;
  }

  static SimulatedRun of(SimulatorSettings settings) {
    return new SimulatedRun(settings, ORIGIN.toEpochMilli());
  }

  /** Runs for {@code length} in steps, then hands out what is left (as a stopping driver does). */
  SimulatedRun run(Duration length, Duration step, int maxPerStep) {
    long end = origin + length.toMillis();
    while (now < end) {
      now = Math.min(now + step.toMillis(), end);
      if (simulator.nextIncident() != null) {
        incidents.add(simulator.nextIncident());
      }
      for (SimulatedEvent event : simulator.due(now, maxPerStep)) {
        sent.add(new Sent(event, now));
      }
    }
    for (SimulatedEvent event : simulator.remaining(Integer.MAX_VALUE)) {
      sent.add(new Sent(event, now));
    }
    return this;
  }

  SimulatedRun run(Duration length) {
    return run(length, Duration.ofMillis(250), Integer.MAX_VALUE);
  }

  /** The first copy of each event. */
  List<Sent> originals() {
    return sent.stream().filter(s -> !s.event().resend()).toList();
  }

  List<Sent> originals(EventType type) {
    return sent.stream().filter(s -> !s.event().resend() && s.type() == type).toList();
  }

  long count(EventType type, Predicate<Sent> where) {
    return originals(type).stream().filter(where).count();
  }

  Incident incident(Incident.Kind kind) {
    return incidents.stream().filter(i -> i.kind() == kind && i.endMillis() <= now).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " within the run: " + incidents));
  }
}
