package io.storepulse.loadtest;

import io.storepulse.demo.SimulatedEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends the simulated storefronts' events ({@link StoreTraffic}) to storepulse's {@code POST
 * /v1/events} at a steady rate, on a fixed schedule: request {@code k} is due {@code k × batch /
 * rate} seconds after the start and goes out as soon as it is due and a connection is free. A
 * server that cannot keep up makes the generator fall behind its schedule, which it reports,
 * instead of lowering the offered rate unseen as a closed-loop client would. Each request carries
 * up to {@code --batch} events that are due at one store, the stores taken in turn; each store's
 * traffic runs at its share of {@code --rate}, so the requests' slots and the events made match.
 *
 * <p>Options: {@code --port}, {@code --keys} (a file of {@code storeId writeKey} lines),
 * {@code --rate} events/s (20000), {@code --batch} (100), {@code --seconds} (30),
 * {@code --connections} (16), {@code --run-id} (a prefix that keeps event ids unique per run: letters,
 * digits, '-' or '_', short enough that the simulator's run id {@code <run-id>-<store index>} stays
 * within 32 characters).
 *
 * <p>Prints a line starting {@code sending} when the first request is due, then {@code RESULT
 * requests=… ok=… events=… duration_s=… events_per_s=… non2xx=… errors=… behind_max_ms=… p50_ms=…
 * p99_ms=… max_ms=…}, where events counts the events of 2xx responses (a slot with no event due
 * sends nothing), duration runs from the first
 * request to the last response, and the latencies are of answered requests, from sending to the
 * full response (an acknowledgement: storepulse answers once the events are durable).
 */
public final class PacedIngest extends VerticleBase {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long REQUEST_TIMEOUT_MILLIS = 30_000;
  private static final long DRAIN_MILLIS = 35_000;

  private record Store(StoreTraffic traffic, String authorization) {
  }

  /**
   * The stores' simulated traffic, made once so that generators run one after another (a
   * warm-up, then the measured phase) carry on the same visits instead of starting new ones.
   */
  static final class Storefronts {

    private final List<Store> stores = new ArrayList<>();
    private final int rate;

    /**
     * @param writeKeys store id to its write key; the stores are taken in turn, each at its share
     *     of {@code rate}
     * @param runId a prefix that keeps event ids unique per run
     */
    Storefronts(Map<String, String> writeKeys, String runId, int rate) {
      if (writeKeys.isEmpty()) {
        throw new IllegalArgumentException("no 'storeId writeKey' to send to");
      }
      this.rate = rate;
      double storeRate = (double) rate / writeKeys.size();
      long startMillis = System.currentTimeMillis();
      writeKeys.forEach((storeId, key) -> stores.add(new Store(
          new StoreTraffic(runId + "-" + stores.size(), storeRate, storeId.hashCode(), startMillis), "Bearer " + key)));
    }
  }

  private final int port;
  private final List<Store> stores;
  private final int batch;
  private final long intervalNanos;
  private final long durationNanos;
  private final int connections;
  private final Promise<String> result = Promise.promise();

  private HttpClientAgent client;
  private long startNanos;
  private long lastResponseNanos;
  private long timer;
  private boolean sending = true;
  /** Slots of the schedule passed so far; a slot with no event due sends nothing. */
  private long slots;
  private long requests;
  private int inFlight;
  private long ok;
  private long eventsAcknowledged;
  private long non2xx;
  private long errors;
  private long behindMaxNanos;
  private long[] latencies = new long[1024];
  private int answered;

  private PacedIngest(int port, List<Store> stores, int rate, int batch, int seconds, int connections) {
    this.port = port;
    this.stores = stores;
    this.batch = batch;
    this.intervalNanos = NANOS_PER_SECOND * batch / rate;
    this.durationNanos = NANOS_PER_SECOND * seconds;
    this.connections = connections;
  }

  public static void main(String[] args) throws IOException {
    Options options = Options.parse(args, Set.of("port", "keys", "rate", "batch", "seconds", "connections", "run-id"));
    Map<String, String> keys = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(options.string("keys", "keys.txt")))) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2) {
        keys.put(parts[0], parts[1]);
      }
    }
    Storefronts storefronts = new Storefronts(keys, options.string("run-id", "run"), options.positiveInt("rate", 20_000));
    PacedIngest ingest = create(options.positiveInt("port", 8080), storefronts, options.positiveInt("batch", 100),
        options.positiveInt("seconds", 30), options.positiveInt("connections", 16));

    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(ingest)
        .compose(id -> ingest.result())
        .onComplete(done -> {
          if (done.succeeded()) {
            System.out.println(done.result());
          } else {
            System.err.println("paced ingest failed: " + done.cause());
          }
          vertx.close().onComplete(closed -> System.exit(done.succeeded() ? 0 : 1));
        });
  }

  /**
   * A generator to deploy, e.g. next to other load in one JVM ({@code DashboardBench}), sending
   * these storefronts' traffic at their rate.
   */
  static PacedIngest create(int port, Storefronts storefronts, int batch, int seconds, int connections) {
    return new PacedIngest(port, storefronts.stores, storefronts.rate, batch, seconds, connections);
  }

  /** The {@code RESULT …} line, once every request is answered (or given up). */
  Future<String> result() {
    return result.future();
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(connections));
    startNanos = System.nanoTime();
    timer = vertx.setPeriodic(1, id -> tick());
    // the benchmark script starts its lag sampling on this line, not at JVM start
    System.out.printf(Locale.ROOT, "sending %d events/s in batches of %d to %d stores over %d connections%n",
        NANOS_PER_SECOND * batch / intervalNanos, batch, stores.size(), connections);
    return Future.succeededFuture();
  }

  private void tick() {
    long elapsed = System.nanoTime() - startNanos;
    if (elapsed >= durationNanos) {
      vertx.cancelTimer(timer);
      sending = false;
      // a server that stopped answering must not hold the run: count what is unanswered as errors
      vertx.setTimer(DRAIN_MILLIS, id -> finish());
      finishWhenAnswered();
      return;
    }
    long due = elapsed / intervalNanos + 1;
    while (slots < due && inFlight < connections) {
      send();
    }
    if (slots < due) {
      behindMaxNanos = Math.max(behindMaxNanos, elapsed - slots * intervalNanos);
    }
  }

  private void send() {
    Store store = stores.get((int) (slots % stores.size()));
    slots++;
    List<SimulatedEvent> events = store.traffic().due(batch, System.currentTimeMillis());
    if (events.isEmpty()) {
      return;
    }
    String body = SimulatedEvent.batchBody(events);
    requests++;
    inFlight++;
    long sentAt = System.nanoTime();
    client.request(new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setURI("/v1/events")
            .setIdleTimeout(REQUEST_TIMEOUT_MILLIS)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.AUTHORIZATION, store.authorization()))
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(ignored -> response.statusCode()))
        .onComplete(answer -> {
          inFlight--;
          lastResponseNanos = System.nanoTime();
          if (answer.failed()) {
            errors++;
            finishWhenAnswered();
            return;
          }
          if (answered == latencies.length) {
            latencies = Arrays.copyOf(latencies, answered * 2);
          }
          latencies[answered++] = lastResponseNanos - sentAt;
          if (answer.result() / 100 == 2) {
            ok++;
            eventsAcknowledged += events.size();
          } else {
            non2xx++;
          }
          finishWhenAnswered();
        });
  }

  private void finishWhenAnswered() {
    if (!sending && inFlight == 0) {
      finish();
    }
  }

  private void finish() {
    double seconds = (Math.max(lastResponseNanos, startNanos + 1) - startNanos) / 1e9;
    long[] sorted = Arrays.copyOf(latencies, answered);
    Arrays.sort(sorted);
    result.tryComplete(String.format(Locale.ROOT,
        "RESULT requests=%d ok=%d events=%d duration_s=%.3f events_per_s=%.1f non2xx=%d errors=%d behind_max_ms=%d"
            + " p50_ms=%.1f p99_ms=%.1f max_ms=%.1f",
        requests, ok, eventsAcknowledged, seconds, eventsAcknowledged / seconds, non2xx, errors + inFlight, behindMaxNanos / 1_000_000,
        percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 1.0)));
  }

  /** Nearest rank, in milliseconds; 0 when nothing was answered. */
  private static double percentile(long[] sorted, double rank) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(rank * sorted.length) - 1;
    return sorted[Math.max(index, 0)] / 1e6;
  }
}
