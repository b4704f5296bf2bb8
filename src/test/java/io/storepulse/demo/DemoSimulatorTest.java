package io.storepulse.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.storepulse.demo.SimulatedRun.Sent;
import io.storepulse.ingest.BodyFormat;
import io.storepulse.ingest.EventBatchParser;
import io.storepulse.ingest.EventType;
import io.storepulse.ingest.EventValidator;
import io.storepulse.ingest.IngestLimits;
import io.storepulse.ingest.RawEvent;
import io.storepulse.ingest.Validation;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pure simulator: what a storefront sends over 45 simulated minutes at the demo's rate, with
 * the first incident brought forward to minute 2 so that both kinds happen within the run.
 */
class DemoSimulatorTest {

  private static final Duration LENGTH = Duration.ofMinutes(45);
  private static final SimulatorSettings SETTINGS = SimulatorSettings.defaults()
      .withRunId("t1").withSeed(11).withFirstIncidentAfter(Duration.ofMinutes(2));
  private static SimulatedRun run;

  @BeforeAll
  static void simulate() {
    run = SimulatedRun.of(SETTINGS).run(LENGTH);
  }

  @Test
  void sameSeedAndOriginGiveTheSameEvents() {
    List<String> first = jsonOf(SimulatedRun.of(SETTINGS).run(Duration.ofMinutes(3)));
    List<String> again = jsonOf(SimulatedRun.of(SETTINGS).run(Duration.ofMinutes(3)));
    List<String> otherSeed = jsonOf(SimulatedRun.of(SETTINGS.withSeed(12)).run(Duration.ofMinutes(3)));

    assertTrue(first.size() > 5000, "events in 3 minutes: " + first.size());
    assertEquals(first, again);
    assertNotEquals(first, otherSeed);
  }

  @Test
  void everyEventPassesTheServersParserAndValidator() {
    EventBatchParser parser = new EventBatchParser(IngestLimits.DEFAULTS);
    Set<EventType> types = EnumSet.noneOf(EventType.class);
    int batch = 500;
    for (int from = 0; from < run.sent.size(); from += batch) {
      List<Sent> sent = run.sent.subList(from, Math.min(from + batch, run.sent.size()));
      List<SimulatedEvent> events = sent.stream().map(Sent::event).toList();
      byte[] body = SimulatedEvent.batchBody(events).getBytes(StandardCharsets.UTF_8);
      // the server's clock when the request arrives: the time the last of them was sent
      Clock clock = Clock.fixed(Instant.ofEpochMilli(sent.get(sent.size() - 1).sentAt()), ZoneOffset.UTC);
      EventValidator validator = new EventValidator(IngestLimits.DEFAULTS, clock);
      List<RawEvent> raw = parser.parse(body, BodyFormat.JSON);
      assertEquals(events.size(), raw.size());
      for (int i = 0; i < raw.size(); i++) {
        Validation verdict = validator.validate(raw.get(i), "demo");
        if (!(verdict instanceof Validation.Accepted accepted)) {
          throw new AssertionError(((Validation.Rejected) verdict).reason() + " in " + events.get(i).json());
        }
        assertEquals(events.get(i).id(), accepted.event().eventId());
        assertEquals(events.get(i).type(), accepted.event().type());
        assertEquals(events.get(i).timeMillis(), accepted.event().eventTime().toEpochMilli());
        types.add(events.get(i).type());
      }
    }
    assertEquals(EnumSet.complementOf(EnumSet.of(EventType.INVENTORY_ADJUSTED, EventType.CUSTOM)), types,
        "every kind of storefront and back-office event occurs");
  }

  @Test
  void funnelDropsOffFromProductViewsToCartsToCheckoutsToOrders() {
    long views = run.originals(EventType.PRODUCT_VIEWED).size();
    long carts = run.originals(EventType.PRODUCT_ADDED).size();
    long checkouts = run.originals(EventType.CHECKOUT_STARTED).size();
    long orders = run.originals(EventType.ORDER_COMPLETED).size();
    Set<String> sessions = new HashSet<>();
    Set<String> sessionsWithOrder = new HashSet<>();
    for (Sent sent : run.originals()) {
      JsonNode session = sent.json().get("sessionId");
      if (session != null) {
        sessions.add(session.textValue());
        if (sent.type() == EventType.ORDER_COMPLETED) {
          sessionsWithOrder.add(session.textValue());
        }
      }
    }
    String funnel = "views " + views + ", carts " + carts + ", checkouts " + checkouts + ", orders " + orders
        + ", sessions " + sessions.size() + ", with an order " + sessionsWithOrder.size();

    assertTrue(views > carts && carts > checkouts && checkouts > orders && orders > 500, funnel);
    assertBetween(0.03, 0.12, (double) carts / views, "view to cart, " + funnel);
    assertBetween(0.35, 0.65, (double) checkouts / carts, "cart to checkout, " + funnel);
    assertBetween(0.45, 0.75, (double) orders / checkouts, "checkout to order, " + funnel);
    assertBetween(0.02, 0.07, (double) sessionsWithOrder.size() / sessions.size(), "session to order, " + funnel);
  }

  @Test
  void ordersCarryCatalogItemsWhoseLinesAddUpToTheTotalInEuro() {
    Catalog catalog = run.simulator.catalog();
    for (Sent sent : run.originals(EventType.ORDER_COMPLETED)) {
      JsonNode order = sent.json();
      assertEquals("EUR", order.get("currency").textValue());
      assertTrue(order.get("items").size() >= 1, order.toString());
      BigDecimal sum = BigDecimal.ZERO;
      for (JsonNode item : order.get("items")) {
        Product product = catalog.bySku(item.get("sku").textValue());
        assertNotNull(product, order.toString());
        BigDecimal price = new BigDecimal(item.get("price").textValue());
        assertEquals(2, price.scale(), "prices have cents: " + order);
        assertEquals(BigDecimal.valueOf(product.priceCents(), 2), price);
        assertTrue(item.get("quantity").intValue() >= 1);
        sum = sum.add(price.multiply(BigDecimal.valueOf(item.get("quantity").intValue())));
      }
      assertEquals(sum, new BigDecimal(order.get("total").textValue()), order.toString());
    }
  }

  @Test
  void cancellationsAndRefundsSettleEarlierOrdersOnce() {
    Map<String, JsonNode> orders = new HashMap<>();
    Set<String> settled = new HashSet<>();
    int returns = 0;
    for (Sent sent : run.originals()) {
      JsonNode event = sent.json();
      if (sent.type() == EventType.ORDER_COMPLETED) {
        orders.put(event.get("orderId").textValue(), event);
      } else if (sent.type() == EventType.ORDER_CANCELLED || sent.type() == EventType.ORDER_REFUNDED) {
        returns++;
        String orderId = event.get("orderId").textValue();
        JsonNode order = orders.get(orderId);
        assertNotNull(order, "sent after the order it refers to: " + event);
        assertTrue(settled.add(orderId), "an order is cancelled or refunded once: " + event);
        assertTrue(Instant.parse(order.get("time").textValue()).isBefore(Instant.parse(event.get("time").textValue())),
            "happens after its order: " + event);
        assertEquals(order.get("visitorId"), event.get("visitorId"));
        Map<String, Integer> ordered = new HashMap<>();
        order.get("items").forEach(item -> ordered.put(item.get("sku").textValue(), item.get("quantity").intValue()));
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode item : event.get("items")) {
          assertEquals(ordered.get(item.get("sku").textValue()), item.get("quantity").intValue(),
              "whole lines of the order: " + event);
          sum = sum.add(new BigDecimal(item.get("price").textValue())
              .multiply(BigDecimal.valueOf(item.get("quantity").intValue())));
        }
        String money = sent.type() == EventType.ORDER_REFUNDED ? "amount" : "total";
        assertEquals(sum, new BigDecimal(event.get(money).textValue()), event.toString());
      }
    }
    assertTrue(returns > 50, "cancellations and refunds: " + returns);
  }

  @Test
  void checkoutOutageStopsOrdersAndFailsPaymentsWhileCheckoutsGoOn() {
    Incident outage = run.incident(Incident.Kind.CHECKOUT_DOWN);
    long length = outage.endMillis() - outage.startMillis();
    long before = outage.startMillis() - length;

    assertEquals(0, run.count(EventType.ORDER_COMPLETED, s -> outage.covers(s.time())));
    long failuresDuring = run.count(EventType.PAYMENT_FAILED, s -> outage.covers(s.time()));
    long failuresBefore = run.count(EventType.PAYMENT_FAILED, s -> s.time() >= before && s.time() < outage.startMillis());
    assertTrue(failuresDuring > 20 && failuresDuring > 5 * failuresBefore,
        "payment failures during the outage " + failuresDuring + ", before it " + failuresBefore);
    assertTrue(run.count(EventType.CHECKOUT_STARTED, s -> outage.covers(s.time())) > 20);
    assertTrue(run.count(EventType.ORDER_COMPLETED, s -> s.time() >= before && s.time() < outage.startMillis()) > 20);
    assertTrue(run.count(EventType.ORDER_COMPLETED, s -> s.time() >= outage.endMillis()
        && s.time() < outage.endMillis() + length) > 20, "orders come back after the outage");
    assertEquals(0, outage.startMillis() % 60_000, "an outage fills whole 1-minute windows");
  }

  @Test
  void refundSpikeMultipliesRefunds() {
    Incident spike = run.incident(Incident.Kind.REFUND_SPIKE);
    long length = spike.endMillis() - spike.startMillis();
    long during = run.count(EventType.ORDER_REFUNDED, s -> spike.covers(s.time()));
    long before = run.count(EventType.ORDER_REFUNDED,
        s -> s.time() >= spike.startMillis() - length && s.time() < spike.startMillis());

    assertTrue(during >= 20 && during >= 10 * Math.max(1, before),
        "refunds during the spike " + during + ", before it " + before);
  }

  @Test
  void resentEventsRepeatAnEarlierEventWithTheSameIdAndText() {
    Map<String, String> firstCopies = new HashMap<>();
    long resends = 0;
    for (Sent sent : run.sent) {
      SimulatedEvent event = sent.event();
      if (event.resend()) {
        resends++;
        assertEquals(firstCopies.get(event.id()), event.json(), "a resend follows its first copy: " + event.id());
      } else {
        assertEquals(null, firstCopies.put(event.id(), event.json()), "ids are unique: " + event.id());
      }
    }
    assertEquals(run.simulator.resends(), resends);
    assertBetween(0.01, 0.03, (double) resends / firstCopies.size(), "share of resends");
  }

  @Test
  void eventsArriveOutOfOrderOnlyWithinTheBound() {
    long bound = SETTINGS.maxDisorder().toMillis();
    long latestTime = Long.MIN_VALUE;
    long behind = 0;
    long furthestBehind = 0;
    for (Sent sent : run.sent) {
      assertTrue(sent.time() <= sent.sentAt(), "never sent before its time");
      if (sent.sentAt() < run.now) {
        assertTrue(sent.sentAt() - sent.time() <= bound + 250, "sent within the bound and a step of its time");
      }
      if (sent.time() < latestTime) {
        behind++;
        furthestBehind = Math.max(furthestBehind, latestTime - sent.time());
      }
      latestTime = Math.max(latestTime, sent.time());
    }
    assertTrue(furthestBehind <= bound, "at most " + bound + " ms behind the latest event: " + furthestBehind);
    assertTrue(furthestBehind > bound / 2, "disorder close to the bound occurs: " + furthestBehind);
    assertTrue(behind > run.sent.size() / 4, "many events arrive after a later one: " + behind);
  }

  @Test
  void newEventsFollowTheRequestedRateExactly() {
    SimulatorSettings flat = SETTINGS.withFlatRate().withIncidents(false);
    SimulatedRun steady = SimulatedRun.of(flat.withRate(500)).run(Duration.ofSeconds(60), Duration.ofMillis(100), 1000);
    assertEquals(30_000, steady.simulator.generated());
    assertEquals(30_000, steady.originals().size());

    SimulatedRun loadTest = SimulatedRun.of(flat.withRate(20_000)).run(Duration.ofSeconds(5), Duration.ofMillis(5), 1000);
    assertEquals(100_000, loadTest.originals().size());

    // over one whole simulated day the day and night average out to the requested rate
    SimulatedRun day = SimulatedRun.of(SETTINGS.withIncidents(false)).run(SETTINGS.dayLength());
    assertEquals(30 * SETTINGS.dayLength().toSeconds(), day.originals().size(), 1);
    long firstHalf = day.originals().stream()
        .filter(s -> s.time() < day.origin + SETTINGS.dayLength().toMillis() / 2).count();
    assertTrue(firstHalf > 0.55 * day.originals().size(), "10:00 to 22:00 is the busier half: " + firstHalf);
  }

  @Test
  void stockNeverGoesBelowZeroAndLowProductsAreRestocked() {
    Catalog catalog = run.simulator.catalog();
    Map<String, Integer> onHand = new HashMap<>();
    catalog.products().forEach(p -> onHand.put(p.sku(), p.initialStock()));
    Set<String> ranLow = new HashSet<>();
    int restocks = 0;
    for (Sent sent : run.originals()) {
      JsonNode event = sent.json();
      switch (sent.type()) {
        case ORDER_COMPLETED -> event.get("items").forEach(item -> {
          String sku = item.get("sku").textValue();
          int left = onHand.merge(sku, -item.get("quantity").intValue(), Integer::sum);
          assertTrue(left >= 0, "the store does not sell what it does not have: " + event);
          if (left <= catalog.bySku(sku).lowStockThreshold()) {
            ranLow.add(sku);
          }
        });
        case ORDER_CANCELLED, ORDER_REFUNDED -> {
          if (event.get("restock").booleanValue()) {
            event.get("items").forEach(item -> onHand.merge(item.get("sku").textValue(),
                item.get("quantity").intValue(), Integer::sum));
          }
        }
        case INVENTORY_RESTOCKED -> {
          restocks++;
          String sku = event.get("sku").textValue();
          assertTrue(ranLow.remove(sku), "restocked after running low: " + event);
          onHand.merge(sku, event.get("quantity").intValue(), Integer::sum);
        }
        default -> { }
      }
    }
    assertTrue(restocks >= 10, "restocks: " + restocks);
    for (Product product : catalog.products()) {
      assertEquals(onHand.get(product.sku()), run.simulator.onHand(product.sku()),
          "the simulator's count of " + product.sku() + " is what its events say");
    }
  }

  @Test
  void catalogHasNamedProductsWithEuroPricesAndStockAboveTheirThreshold() {
    Catalog catalog = Catalog.generate(300, 1);
    assertEquals(catalog.products(), Catalog.generate(300, 1).products(), "the same catalog for the same seed");
    Set<String> skus = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (Product product : catalog.products()) {
      assertTrue(skus.add(product.sku()) && names.add(product.name()), "SKUs and names are unique: " + product);
      assertTrue(product.name().matches("[A-Za-z0-9 '()-]+"), "needs no JSON escaping: " + product.name());
      assertTrue(product.priceCents() >= 390 && product.priceCents() <= 24_999, product.toString());
      assertTrue(product.initialStock() > product.lowStockThreshold(), product.toString());
      assertEquals(product, catalog.bySku(product.sku()));
    }
    assertFalse(catalog.products().stream().allMatch(p -> p.priceCents() % 100 == 99), "not every price ends in .99");
    String json = catalog.stockImportJson();
    assertTrue(json.startsWith("[{\"sku\":\"" + catalog.product(0).sku() + "\",\"onHand\":"
        + catalog.product(0).initialStock() + ",\"lowStockThreshold\":" + catalog.product(0).lowStockThreshold() + "}"),
        json.substring(0, 80));
  }

  private static List<String> jsonOf(SimulatedRun run) {
    return run.sent.stream().map(s -> s.event().json()).toList();
  }

  private static void assertBetween(double low, double high, double value, String what) {
    assertTrue(value >= low && value <= high, what + ": " + value + " not in [" + low + ", " + high + "]");
  }
}
