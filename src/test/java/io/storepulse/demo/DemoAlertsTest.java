package io.storepulse.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storepulse.analytics.Alert;
import io.storepulse.analytics.AlertKind;
import io.storepulse.analytics.CommerceEventDecoder;
import io.storepulse.analytics.EngineSettings;
import io.storepulse.analytics.SeriesMetric;
import io.storepulse.analytics.WindowEngine;
import io.storepulse.demo.SimulatedRun.Sent;
import io.storepulse.ingest.BodyFormat;
import io.storepulse.ingest.EventBatchParser;
import io.storepulse.ingest.EventValidator;
import io.storepulse.ingest.IngestLimits;
import io.storepulse.ingest.RawEvent;
import io.storepulse.ingest.Validation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The demo's incidents as the server sees them: 70 simulated minutes with the demo's settings go
 * through the server's validator and its analytics engine (default settings: 30 minutes of
 * anomaly warm-up), and the engine's alerts are compared with the incidents the simulator planned.
 */
class DemoAlertsTest {

  @Test
  void incidentsRaiseTheServersAnomalyAlertsAndTheDayAndNightDoNot() {
    SimulatedRun run = SimulatedRun.of(SimulatorSettings.defaults().withRunId("alerts").withSeed(1))
        .run(Duration.ofMinutes(70));
    List<Alert> alerts = engineAlerts(run);
    Incident outage = run.incident(Incident.Kind.CHECKOUT_DOWN);
    Incident spike = run.incident(Incident.Kind.REFUND_SPIKE);
    String seen = "alerts " + alerts + " for incidents " + run.incidents;

    // With the day and night in the detector's variance, about one outage in ten shows only as
    // the payment failure spike; this seed's first outage is one of the nine.
    assertTrue(raised(alerts, AlertKind.CHECKOUT_BROKEN, SeriesMetric.ORDERS, outage), seen);
    assertTrue(raised(alerts, AlertKind.SPIKE, SeriesMetric.PAYMENT_FAILURES, outage), seen);
    assertTrue(raised(alerts, AlertKind.SPIKE, SeriesMetric.REFUNDS, spike), seen);
    for (Alert alert : alerts) {
      boolean aboutOrders = alert.kind() == AlertKind.CHECKOUT_BROKEN || alert.kind() == AlertKind.DROP;
      assertTrue(!aboutOrders || outage.covers(alert.windowStart().toEpochMilli()),
          "orders and revenue alert only during an outage, not at night: " + alert);
    }
  }

  private static boolean raised(List<Alert> alerts, AlertKind kind, String metric, Incident incident) {
    Instant start = Instant.ofEpochMilli(incident.startMillis());
    return alerts.stream().anyMatch(a -> a.kind() == kind && a.metric().equals(metric) && a.windowStart().equals(start));
  }

  /** What the engine of the store's partition raises, given what ingest would accept, duplicates removed. */
  private static List<Alert> engineAlerts(SimulatedRun run) {
    EventBatchParser parser = new EventBatchParser(IngestLimits.DEFAULTS);
    CommerceEventDecoder decoder = new CommerceEventDecoder();
    WindowEngine engine = new WindowEngine(EngineSettings.defaults());
    Set<String> logged = new HashSet<>();
    long position = 0;
    int batch = 500;
    for (int from = 0; from < run.sent.size(); from += batch) {
      List<Sent> sent = run.sent.subList(from, Math.min(from + batch, run.sent.size()));
      Clock clock = Clock.fixed(Instant.ofEpochMilli(sent.get(sent.size() - 1).sentAt()), ZoneOffset.UTC);
      EventValidator validator = new EventValidator(IngestLimits.DEFAULTS, clock);
      String body = SimulatedEvent.batchBody(sent.stream().map(Sent::event).toList());
      for (RawEvent raw : parser.parse(body.getBytes(StandardCharsets.UTF_8), BodyFormat.JSON)) {
        Validation.Accepted accepted = (Validation.Accepted) validator.validate(raw, "demo");
        if (logged.add(accepted.event().eventId())) {
          engine.apply(decoder.decode(++position, accepted.event().payload()));
        }
      }
    }
    return engine.drainChanges().alerts();
  }
}
