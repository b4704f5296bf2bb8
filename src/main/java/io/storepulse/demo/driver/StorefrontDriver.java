package io.storepulse.demo.driver;

import io.storepulse.demo.Incident;
import io.storepulse.demo.SimulatedEvent;
import io.storepulse.demo.StorefrontSimulator;
import io.storepulse.ingest.EventType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link StorefrontSimulator}'s events to storepulse over HTTP, as a storefront would:
 * first the catalog's initial stock through the bulk import ({@code POST /v1/stores/{store}/inventory}),
 * then, on a timer, the events due in batches ({@code POST /v1/events}, the store's write key as
 * Bearer). A 429 or 503 pauses sending for its {@code Retry-After} and sends the same batch again
 * (the server answers the events it already has as duplicates); so does a failed connection, after
 * a second. A batch is given up after {@link Options#maxAttempts} tries, and any other answer
 * (401, 403, 413…) gives it up at once; both are logged, once per status per summary period, and
 * counted. A one-line summary is logged every {@link Options#summaryEvery}.
 *
 * <p>Stopping (undeploying) sends what the simulator has made but not yet handed out and waits for
 * the answers, for up to {@link Options#drainTimeout}, then logs a last summary.
 */
public final class StorefrontDriver extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(StorefrontDriver.class);
  private static final long REQUEST_TIMEOUT_MILLIS = 30_000;
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
  private static final long CONNECTION_RETRY_MILLIS = 1_000;
  private static final long MAX_RETRY_AFTER_SECONDS = 60;
  /** The owning partition answers 503 while it catches up after a start; one without a pipeline never answers. */
  private static final int IMPORT_ATTEMPTS = 10;
  private static final String JSON = "application/json";

  /**
   * Where and how to send.
   *
   * @param host and {@code port}: the storepulse server
   * @param storeId the store whose write key this is
   * @param writeKey the store's write key ({@code spw_…})
   * @param tick how often due events are sent
   * @param maxBatch events in one request, at most 1000 (the server's default limit)
   * @param maxInFlight requests under way at once (connections)
   * @param maxAttempts tries of one request before its events are given up
   * @param summaryEvery how often a summary line is logged
   * @param drainTimeout how long a stop waits for the answers to the last requests
   */
  public record Options(String host, int port, String storeId, String writeKey, Duration tick, int maxBatch,
      int maxInFlight, int maxAttempts, Duration summaryEvery, Duration drainTimeout) {

    public Options {
      if (maxBatch < 1 || maxBatch > 1000 || maxInFlight < 1 || maxAttempts < 1) {
        throw new IllegalArgumentException("need 1 <= maxBatch <= 1000, maxInFlight >= 1, maxAttempts >= 1");
      }
      if (tick.toMillis() < 1 || summaryEvery.toMillis() < 1) {
        throw new IllegalArgumentException("tick and summaryEvery must be at least 1 ms");
      }
    }

    /** Every 200 ms, up to 500 events per request, 2 requests at once, 30 tries, a summary every 30 s. */
    public static Options of(String host, int port, String storeId, String writeKey) {
      return new Options(host, port, storeId, writeKey, Duration.ofMillis(200), 500, 2, 30, Duration.ofSeconds(30),
          Duration.ofSeconds(5));
    }

    public Options withTick(Duration tick) {
      return new Options(host, port, storeId, writeKey, tick, maxBatch, maxInFlight, maxAttempts, summaryEvery,
          drainTimeout);
    }

    public Options withBatches(int maxBatch, int maxInFlight) {
      return new Options(host, port, storeId, writeKey, tick, maxBatch, maxInFlight, maxAttempts, summaryEvery,
          drainTimeout);
    }

    public Options withDrainTimeout(Duration drainTimeout) {
      return new Options(host, port, storeId, writeKey, tick, maxBatch, maxInFlight, maxAttempts, summaryEvery,
          drainTimeout);
    }
  }

  /** One request body and its events; retried as is. */
  private static final class Batch {
    final List<SimulatedEvent> events;
    final Buffer body;
    int attempts;

    Batch(List<SimulatedEvent> events) {
      this.events = events;
      this.body = Buffer.buffer(SimulatedEvent.batchBody(events));
    }
  }

  private final StorefrontSimulator simulator;
  private final Options options;
  private final LongSupplier clock;
  private final String authorization;
  private final Deque<Batch> retries = new ArrayDeque<>();
  private final Set<String> loggedProblems = new HashSet<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong resends = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicInteger importedSkus = new AtomicInteger();
  private final AtomicLongArray acceptedByType = new AtomicLongArray(EventType.values().length);
  private HttpClientAgent client;
  private long sendTimer = -1;
  private long summaryTimer = -1;
  private long pausedUntil;
  private int inFlight;
  private boolean stopping;
  private boolean closed;
  private Promise<Void> drained;

  /**
   * @param clock wall-clock milliseconds: the simulator's events carry the time they are made at,
   *     which the server compares with its own clock
   */
  public StorefrontDriver(StorefrontSimulator simulator, Options options, LongSupplier clock) {
    this.simulator = simulator;
    this.options = options;
    this.clock = clock;
    this.authorization = "Bearer " + options.writeKey();
  }

  public StorefrontDriver(StorefrontSimulator simulator, Options options) {
    this(simulator, options, System::currentTimeMillis);
  }

  /** Imports the catalog's stock, then starts sending; the import's failure is logged, not fatal. */
  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(
        new HttpClientOptions().setDefaultHost(options.host()).setDefaultPort(options.port())
            .setConnectTimeout(CONNECT_TIMEOUT_MILLIS),
        new PoolOptions().setHttp1MaxSize(options.maxInFlight()));
    return importStock(1).recover(failure -> {
      log.warn("demo storefront: the stock import failed ({}); sending events without it", failure.getMessage());
      return Future.succeededFuture();
    }).onSuccess(v -> {
      sendTimer = vertx.setPeriodic(options.tick().toMillis(), id -> send());
      summaryTimer = vertx.setPeriodic(options.summaryEvery().toMillis(), id -> {
        log.info("demo storefront: {}", summary());
        loggedProblems.clear();
      });
    });
  }

  /**
   * Drains: sends what the simulator has made but not handed out yet, through the same loop (at
   * most {@link Options#maxInFlight} requests, pausing on {@code Retry-After}), until every event
   * is answered or {@link Options#drainTimeout} passes; then logs a last summary.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(summaryTimer);
    drained = Promise.promise();
    long timeout = vertx.setTimer(options.drainTimeout().toMillis(), id -> {
      abandonRetries();
      drained.tryComplete();
    });
    send();
    return drained.future().eventually(() -> {
      vertx.cancelTimer(timeout);
      vertx.cancelTimer(sendTimer);
      if (simulator.pending() > 0) {
        log.warn("demo storefront: stopped with {} events not sent", simulator.pending());
      }
      log.info("demo storefront stopped: {}", summary());
      closed = true;
      return client.close();
    });
  }

  public DriverStats stats() {
    Map<EventType, Long> byType = new EnumMap<>(EventType.class);
    for (EventType type : EventType.values()) {
      long count = acceptedByType.get(type.ordinal());
      if (count > 0) {
        byType.put(type, count);
      }
    }
    return new DriverStats(requests.get(), events.get(), resends.get(), accepted.get(), duplicates.get(),
        rejected.get(), retried.get(), dropped.get(), importedSkus.get(), byType);
  }

  /** Sends due events (all that are left, when stopping) while requests are free and not paused. */
  private void send() {
    if (closed) {
      return;
    }
    long now = clock.getAsLong();
    if (now >= pausedUntil) {
      while (inFlight < options.maxInFlight()) {
        Batch batch = retries.pollFirst();
        if (batch == null) {
          List<SimulatedEvent> next = stopping
              ? simulator.remaining(options.maxBatch())
              : simulator.due(now, options.maxBatch());
          if (next.isEmpty()) {
            break;
          }
          batch = newBatch(next);
        }
        post(batch);
      }
    }
    if (stopping && inFlight == 0 && retries.isEmpty() && simulator.pending() == 0) {
      drained.tryComplete();
    }
  }

  private Batch newBatch(List<SimulatedEvent> due) {
    Batch batch = new Batch(due);
    events.addAndGet(due.size());
    resends.addAndGet(due.stream().filter(SimulatedEvent::resend).count());
    return batch;
  }

  private void post(Batch batch) {
    inFlight++;
    batch.attempts++;
    client.request(new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setURI("/v1/events")
            .setIdleTimeout(REQUEST_TIMEOUT_MILLIS)
            .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
            .putHeader(HttpHeaders.AUTHORIZATION, authorization))
        .compose(request -> request.send(batch.body))
        .compose(response -> response.body().map(body -> new Answer(response.statusCode(),
            response.getHeader("Retry-After"), body)))
        .onComplete(done -> {
          inFlight--;
          requests.incrementAndGet();
          if (done.succeeded()) {
            answered(batch, done.result());
          } else {
            retryLater(batch, CONNECTION_RETRY_MILLIS, "no answer", done.cause().getMessage());
          }
          if (stopping) {
            send(); // draining: no need to wait for the tick (while running, the tick batches what came due)
          }
        });
  }

  private record Answer(int status, String retryAfter, Buffer body) {
  }

  private void answered(Batch batch, Answer answer) {
    switch (answer.status()) {
      case 202 -> counted(batch, answer.body());
      case 400 -> {
        rejected.addAndGet(batch.events.size());
        problem("400", "the server rejected a whole batch: " + detail(answer.body()));
      }
      case 429, 503 -> retryLater(batch, retryAfterMillis(answer.retryAfter()), Integer.toString(answer.status()),
          detail(answer.body()));
      default -> {
        dropped.addAndGet(batch.events.size());
        problem(Integer.toString(answer.status()), "the server answered " + answer.status() + " ("
            + detail(answer.body()) + "); " + batch.events.size() + " events given up");
      }
    }
  }

  /** Counts a 202 answer's results per event; the first rejection reason of a period is logged. */
  private void counted(Batch batch, Buffer body) {
    JsonArray results;
    try {
      results = new JsonObject(body).getJsonArray("results");
    } catch (DecodeException | ClassCastException e) {
      results = null;
    }
    if (results == null || results.size() != batch.events.size()) {
      dropped.addAndGet(batch.events.size());
      problem("202", "a 202 answer without one result per event: " + body.toString());
      return;
    }
    for (int i = 0; i < results.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      switch (result.getString("status", "")) {
        case "accepted" -> {
          accepted.incrementAndGet();
          acceptedByType.incrementAndGet(batch.events.get(i).type().ordinal());
        }
        case "duplicate" -> duplicates.incrementAndGet();
        default -> {
          rejected.incrementAndGet();
          problem("rejected", "the server rejected event " + batch.events.get(i).id() + ": "
              + result.getString("error"));
        }
      }
    }
  }

  private void retryLater(Batch batch, long delayMillis, String problem, String detail) {
    if (batch.attempts >= options.maxAttempts()) {
      dropped.addAndGet(batch.events.size());
      problem("gave up", batch.events.size() + " events given up after " + batch.attempts + " attempts (last: "
          + problem + ", " + detail + ")");
      return;
    }
    retried.incrementAndGet();
    retries.addLast(batch);
    pausedUntil = Math.max(pausedUntil, clock.getAsLong() + delayMillis);
    problem(problem, "sending paused for " + delayMillis + " ms after " + problem + " (" + detail
        + "); the batch will be sent again");
  }

  /** What waits for a retry when the drain times out is given up. */
  private void abandonRetries() {
    long events = retries.stream().mapToLong(batch -> batch.events.size()).sum();
    if (events > 0) {
      dropped.addAndGet(events);
      log.warn("demo storefront: {} events given up at stop, still refused after {}", events, options.drainTimeout());
    }
    retries.clear();
  }

  private Future<Void> importStock(int attempt) {
    return client.request(new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setURI("/v1/stores/" + options.storeId() + "/inventory")
            .setIdleTimeout(REQUEST_TIMEOUT_MILLIS)
            .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
            .putHeader(HttpHeaders.AUTHORIZATION, authorization)
            .putHeader("Idempotency-Key", simulator.settings().runId() + "-initial-stock"))
        .compose(request -> request.send(simulator.catalog().stockImportJson()))
        .compose(response -> response.body().map(body -> new Answer(response.statusCode(),
            response.getHeader("Retry-After"), body)))
        .transform(done -> {
          boolean retry = done.failed() || done.result().status() == 429 || done.result().status() == 503;
          if (retry && attempt < IMPORT_ATTEMPTS) {
            long delay = done.failed() ? CONNECTION_RETRY_MILLIS : retryAfterMillis(done.result().retryAfter());
            Promise<Void> later = Promise.promise();
            vertx.setTimer(delay, id -> importStock(attempt + 1).onComplete(later));
            return later.future();
          }
          if (done.failed()) {
            return Future.failedFuture(done.cause());
          }
          Answer answer = done.result();
          if (answer.status() != 200) {
            return Future.failedFuture("the import was answered " + answer.status() + ": " + detail(answer.body()));
          }
          int imported = new JsonObject(answer.body()).getInteger("imported", 0);
          importedSkus.set(imported);
          log.info("demo storefront: initial stock of {} products imported into store '{}'", imported,
              options.storeId());
          return Future.succeededFuture();
        });
  }

  private String summary() {
    long now = clock.getAsLong();
    double hour = simulator.hourOfDay(now);
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "%d events sent (%d accepted, %d duplicates, %d rejected, %d given up), %d requests, %d retried;"
            + " simulated %02d:%02d, %d visits under way",
        events.get(), accepted.get(), duplicates.get(), rejected.get(), dropped.get(), requests.get(), retried.get(),
        (int) hour, (int) (hour * 60) % 60, simulator.sessionsUnderWay()));
    Incident incident = simulator.nextIncident();
    if (incident != null) {
      String what = incident.kind() == Incident.Kind.CHECKOUT_DOWN ? "checkout outage" : "refund spike";
      line.append(incident.covers(now)
          ? "; " + what + " under way until " + Instant.ofEpochMilli(incident.endMillis())
          : "; next incident: " + what + " at " + Instant.ofEpochMilli(incident.startMillis()));
    }
    return line.toString();
  }

  /** Logs a problem once per kind per summary period; the summary counts them all. */
  private void problem(String kind, String message) {
    if (loggedProblems.add(kind)) {
      log.warn("demo storefront: {}", message);
    }
  }

  private static long retryAfterMillis(String header) {
    long seconds = 1;
    if (header != null) {
      try {
        seconds = Long.parseLong(header.trim());
      } catch (NumberFormatException e) {
        // an HTTP date, or garbage: a second is a sensible pause either way
      }
    }
    return Math.max(1, Math.min(seconds, MAX_RETRY_AFTER_SECONDS)) * 1000;
  }

  private static String detail(Buffer body) {
    try {
      String detail = new JsonObject(body).getString("detail");
      if (detail != null) {
        return detail;
      }
    } catch (DecodeException | ClassCastException e) {
      // not a problem document: show the start of the body
    }
    String text = body.toString();
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
