package io.storepulse.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Live dashboard latency and fan-out, in one JVM so that every time is read from one clock:
 *
 * <ol>
 *   <li>stocks the store's catalog (the products {@link StoreTraffic} sells) and the probe SKU
 *       through events, and waits until the probe SKU's level is readable;
 *   <li>connects one dashboard client ({@link DashboardClients}) and reads the server's heap after a
 *       full collection (with {@code --server-pid}), then connects the other {@code --clients - 1}
 *       and reads it again: the difference per client is what a connected dashboard costs;
 *   <li>warm-up: {@link PacedIngest} at {@code --rate} for {@code --warmup} seconds, with the probes
 *       ({@link ProbeSender}) going;
 *   <li>steady phase: the same for {@code --seconds}, counting every message the clients receive
 *       per second and timing each probe from its send and from its ack to its arrival at each
 *       client ({@link ProbeLog});
 *   <li>stops the probes, waits (up to a minute) until the last one has reached every client,
 *       closes the clients and prints the report.
 * </ol>
 *
 * <p>Prints {@code steady start} and {@code steady end} as the phase starts and ends (the script
 * samples CPU then), the report, a line {@code RESULT key=value …}, and then every probe of the
 * steady phase, one per line.
 */
public final class DashboardBench {

  /** Starts with a letter that nothing else in the inventory channel's JSON holds: the clients search for it. */
  static final String PROBE_SKU = "Z-probe";
  /** The probe SKU's stock before the first probe: far from any low-stock threshold. */
  static final long PROBE_BASE = 1_000_000;
  private static final long CATALOG_STOCK = 1_000_000;
  private static final long READY_SECONDS = 180;
  /** How long the last probe may take to reach every client after the steady phase. */
  private static final long DRAIN_MILLIS = 60_000;
  private static final long MICROS_LIMIT = 60_000_000L;

  private DashboardBench() {
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args, Set.of("port", "store", "write-key", "read-token", "clients", "blocks",
        "rate", "batch", "connections", "warmup", "seconds", "probe-interval", "window", "server-pid", "run-id"));
    int port = options.positiveInt("port", 8080);
    String store = options.string("store", "bench");
    String writeKey = required(options, "write-key");
    String readToken = required(options, "read-token");
    int clients = options.positiveInt("clients", 1000);
    int blocks = options.positiveInt("blocks", 2);
    int rate = options.positiveInt("rate", 5000);
    int batch = options.positiveInt("batch", 100);
    int connections = options.positiveInt("connections", 8);
    int warmup = options.positiveInt("warmup", 10);
    int seconds = options.positiveInt("seconds", 30);
    int probeInterval = options.positiveInt("probe-interval", 50);
    String window = options.string("window", "1m");
    long serverPid = Long.parseLong(options.string("server-pid", "0"));
    String runId = options.string("run-id", "dash");

    Vertx vertx = Vertx.vertx();
    try {
      run(vertx, port, store, writeKey, readToken, clients, blocks, rate, batch, connections, warmup, seconds,
          probeInterval, window, serverPid, runId);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  private static void run(Vertx vertx, int port, String store, String writeKey, String readToken, int clients,
      int blocks, int rate, int batch, int connections, int warmup, int seconds, int probeInterval, String window,
      long serverPid, String runId) throws Exception {
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port));
    stock(http, store, writeKey, readToken, runId);

    // room for every probe of both phases, at the shortest random interval
    ProbeLog probes = new ProbeLog(clients, (warmup + seconds + 30) * 2000 / probeInterval + 100);
    LongAdder messages = new LongAdder();
    AtomicBoolean measuring = new AtomicBoolean();
    List<DashboardClients> deployed = new ArrayList<>();

    DashboardClients first = new DashboardClients(port, readToken, store, window, 0, 1, probes, PROBE_SKU, PROBE_BASE,
        messages, measuring);
    vertx.deployVerticle(first).await(READY_SECONDS, TimeUnit.SECONDS);
    deployed.add(first);
    first.ready().await(READY_SECONDS, TimeUnit.SECONDS);
    long heapOne = serverPid > 0 ? ServerHeap.usedAfterGc(serverPid) : -1;

    long connectStart = System.nanoTime();
    List<Future<Void>> ready = new ArrayList<>();
    int rest = clients - 1;
    for (int b = 0, next = 1; b < blocks && rest > 0; b++) {
      int count = rest / (blocks - b);
      DashboardClients block = new DashboardClients(port, readToken, store, window, next, count, probes, PROBE_SKU,
          PROBE_BASE, messages, measuring);
      vertx.deployVerticle(block).await(READY_SECONDS, TimeUnit.SECONDS);
      deployed.add(block);
      ready.add(block.ready());
      next += count;
      rest -= count;
    }
    Future.all(ready).await(READY_SECONDS, TimeUnit.SECONDS);
    double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
    System.out.printf(Locale.ROOT, "%d clients connected and subscribed (%d channels each) in %.1f s%n", clients,
        DashboardClients.CHANNELS.length, connectSeconds);
    long heapAll = serverPid > 0 ? ServerHeap.usedAfterGc(serverPid) : -1;

    ProbeSender prober = new ProbeSender(port, writeKey, PROBE_SKU, runId, probeInterval, probes);
    String proberId = vertx.deployVerticle(prober).await(READY_SECONDS, TimeUnit.SECONDS);
    // one storefront for both phases: the measured one carries on the warm-up's visits
    PacedIngest.Storefronts storefronts = new PacedIngest.Storefronts(Map.of(store, writeKey), runId, rate);
    System.out.printf(Locale.ROOT, "warm-up: %d events/s for %d s%n", rate, warmup);
    String warmupResult = ingest(vertx, PacedIngest.create(port, storefronts, batch, warmup, connections), warmup);

    int firstProbe = prober.acknowledged() + 1;
    long cpuStart = processCpuNanos();
    long messagesStart = messages.sum();
    long phaseStart = System.nanoTime();
    List<long[]> perSecond = new ArrayList<>();
    measuring.set(true);
    long sampler = vertx.setPeriodic(1000, id -> {
      synchronized (perSecond) {
        perSecond.add(new long[] {System.nanoTime(), messages.sum()});
      }
    });
    System.out.println("steady start");
    System.out.flush();
    String steadyResult = ingest(vertx, PacedIngest.create(port, storefronts, batch, seconds, connections), seconds);
    int lastProbe = prober.acknowledged();
    measuring.set(false);
    long phaseNanos = System.nanoTime() - phaseStart;
    long steadyMessages = messages.sum() - messagesStart;
    long cpuNanos = processCpuNanos() - cpuStart;
    vertx.cancelTimer(sampler);
    System.out.println("steady end");
    System.out.flush();

    vertx.undeploy(proberId).await(60, TimeUnit.SECONDS);
    // the last probes reach the clients; one that never does counts as missing
    long drainStart = System.nanoTime();
    while (lastProbe >= firstProbe && !probes.seenByAll(lastProbe)
        && System.nanoTime() - drainStart < TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS)) {
      Thread.sleep(100);
    }
    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    List<DashboardClients.Stats> stats = new ArrayList<>();
    for (DashboardClients block : deployed) {
      vertx.undeploy(block.deploymentID()).await(60, TimeUnit.SECONDS);
      stats.add(block.stats());
    }

    List<long[]> samples;
    synchronized (perSecond) {
      samples = new ArrayList<>(perSecond);
    }
    report(clients, rate, seconds, probeInterval, drainSeconds, heapOne, heapAll, connectSeconds, warmupResult, steadyResult,
        probes, firstProbe, lastProbe, prober.failure(), phaseNanos, steadyMessages, samples, cpuNanos, stats);
  }

  /** Restocks the catalog and the probe SKU, and waits until the pipeline has applied it. */
  private static void stock(HttpClientAgent http, String store, String writeKey, String readToken, String runId)
      throws InterruptedException {
    StringBuilder body = new StringBuilder("{\"events\":[");
    String time = Instant.now().toString();
    List<String> skus = new ArrayList<>();
    StoreTraffic.catalog().products().forEach(product -> skus.add(product.sku()));
    skus.add(PROBE_SKU);
    for (int i = 0; i < skus.size(); i++) {
      long quantity = skus.get(i).equals(PROBE_SKU) ? PROBE_BASE : CATALOG_STOCK;
      body.append(i == 0 ? "" : ",").append("{\"id\":\"stock-").append(runId).append('-').append(i)
          .append("\",\"type\":\"inventory_restocked\",\"time\":\"").append(time).append("\",\"sku\":\"")
          .append(skus.get(i)).append("\",\"quantity\":").append(quantity).append('}');
    }
    String posted = call(http, HttpMethod.POST, "/v1/events", writeKey, body.append("]}").toString());
    if (!posted.startsWith("202 ")) {
      throw new IllegalStateException("stocking answered " + posted);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
    String path = "/v1/stores/" + store + "/inventory/" + PROBE_SKU;
    while (true) {
      String level = call(http, HttpMethod.GET, path, readToken, null);
      if (level.startsWith("200 ") && new JsonObject(level.substring(4)).getLong("onHand") == PROBE_BASE) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the probe SKU's level is not readable after " + READY_SECONDS + " s: " + level);
      }
      Thread.sleep(200);
    }
  }

  /** "status body" of a request. */
  private static String call(HttpClientAgent http, HttpMethod method, String path, String token, String body) {
    RequestOptions request = new RequestOptions().setMethod(method).setURI(path)
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    if (body != null) {
      request.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    return http.request(request)
        .compose(r -> body == null ? r.send() : r.send(body))
        .compose(response -> response.body().map((Buffer b) -> response.statusCode() + " " + b))
        .await();
  }

  private static String ingest(Vertx vertx, PacedIngest ingest, int seconds) throws Exception {
    String id = vertx.deployVerticle(ingest).await(READY_SECONDS, TimeUnit.SECONDS);
    String result = ingest.result().await(seconds + 60L, TimeUnit.SECONDS);
    vertx.undeploy(id).await(60, TimeUnit.SECONDS);
    return result;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void report(int clients, int rate, int seconds, int probeInterval, double drainSeconds, long heapOne, long heapAll,
      double connectSeconds, String warmupResult, String steadyResult, ProbeLog probes, int firstProbe,
      int lastProbe, String probeFailure, long phaseNanos, long steadyMessages, List<long[]> samples, long cpuNanos,
      List<DashboardClients.Stats> stats) {
    Histogram sendToDash = new Histogram(MICROS_LIMIT, 3);
    Histogram ackToDash = new Histogram(MICROS_LIMIT, 3);
    Histogram sendToAck = new Histogram(MICROS_LIMIT, 3);
    Histogram sendToFirst = new Histogram(MICROS_LIMIT, 3);
    Histogram sendToLast = new Histogram(MICROS_LIMIT, 3);
    long missing = 0;
    long beforeAck = 0;
    int measured = 0;
    for (int probe = firstProbe; probe <= lastProbe; probe++) {
      long sent = probes.sentNanos(probe);
      long ack = probes.ackNanos(probe);
      if (sent == 0 || ack == 0) {
        continue;
      }
      measured++;
      sendToAck.recordValue(micros(ack - sent));
      long first = Long.MAX_VALUE;
      long last = 0;
      for (long arrival : probes.arrivals(probe)) {
        if (arrival == 0) {
          missing++;
          continue;
        }
        sendToDash.recordValue(micros(arrival - sent));
        if (arrival < ack) {
          beforeAck++;
        }
        ackToDash.recordValue(micros(Math.max(0, arrival - ack)));
        first = Math.min(first, arrival);
        last = Math.max(last, arrival);
      }
      if (last > 0) {
        sendToFirst.recordValue(micros(first - sent));
        sendToLast.recordValue(micros(last - sent));
      }
    }

    long updates = 0;
    long coalesced = 0;
    long bytes = 0;
    long gaps = 0;
    long errors = 0;
    long closes = 0;
    String firstError = null;
    long[] perChannel = new long[DashboardClients.CHANNELS.length];
    Histogram loopDelay = new Histogram(MICROS_LIMIT, 3);
    for (DashboardClients.Stats s : stats) {
      updates += s.updates();
      coalesced += s.coalesced();
      bytes += s.bytes();
      gaps += s.gaps();
      errors += s.errors();
      closes += s.serverCloses();
      firstError = firstError != null ? firstError : s.firstError();
      for (int i = 0; i < perChannel.length; i++) {
        perChannel[i] += s.perChannel()[i];
      }
      loopDelay.add(s.loopDelayMicros());
    }
    double phaseSeconds = phaseNanos / 1e9;
    double fanOut = steadyMessages / phaseSeconds;
    long minSecond = Long.MAX_VALUE;
    long maxSecond = 0;
    for (int i = 1; i < samples.size(); i++) {
      double dt = (samples.get(i)[0] - samples.get(i - 1)[0]) / 1e9;
      long inSecond = Math.round((samples.get(i)[1] - samples.get(i - 1)[1]) / dt);
      minSecond = Math.min(minSecond, inSecond);
      maxSecond = Math.max(maxSecond, inSecond);
    }
    StringBuilder channels = new StringBuilder();
    for (int i = 0; i < perChannel.length; i++) {
      channels.append(i == 0 ? "" : ", ").append(DashboardClients.CHANNELS[i]).append(' ')
          .append(String.format(Locale.ROOT, "%.1f", perChannel[i] / phaseSeconds / clients));
    }
    long perClient = heapOne >= 0 && clients > 1 ? (heapAll - heapOne) / (clients - 1) : -1;

    System.out.println();
    System.out.printf(Locale.ROOT, "steady phase, %.1f s, %d clients, %d events/s targeted%n", phaseSeconds, clients,
        rate);
    System.out.printf(Locale.ROOT, "  %-16s %s%n", "ingest", describeIngest(steadyResult));
    System.out.printf(Locale.ROOT, "  %-16s %d probes (one restock of the probe SKU every %d ms on average)%s%n",
        "probes", measured, probeInterval, probeFailure == null ? "" : "; STOPPED: " + probeFailure);
    System.out.printf(Locale.ROOT, "  %-16s %s%n", "send -> ack", percentiles(sendToAck));
    System.out.printf(Locale.ROOT, "  %-16s %s   (%d arrivals)%n", "send -> dashboard", percentiles(sendToDash),
        sendToDash.getTotalCount());
    System.out.printf(Locale.ROOT, "  %-16s %s   (%d arrivals before the ack, counted as 0)%n", "ack -> dashboard",
        percentiles(ackToDash), beforeAck);
    System.out.printf(Locale.ROOT, "  %-16s %s%n", "send -> first client", percentiles(sendToFirst));
    System.out.printf(Locale.ROOT, "  %-16s %s%n", "send -> last client", percentiles(sendToLast));
    System.out.printf(Locale.ROOT, "  %-16s %d probe arrivals missing (a client never saw the probe); the last probe"
        + " had reached every client %.1f s after the steady phase%n", "missing", missing, drainSeconds);
    System.out.printf(Locale.ROOT, "  %-16s %.0f messages/s to %d clients (per second: min %d, max %d), %.1f MB/s;"
            + " per client per s: %s%n", "fan-out", fanOut, clients, minSecond == Long.MAX_VALUE ? 0 : minSecond,
        maxSecond, bytes / phaseSeconds / 1e6, channels);
    System.out.printf(Locale.ROOT, "  %-16s %d updates, %d coalesced (fromSeq < seq), %d seq gaps, %d errors, %d closed"
            + " by the server%s%n", "consistency", updates, coalesced, gaps, errors, closes,
        firstError == null ? "" : "; first: " + firstError);
    System.out.printf(Locale.ROOT, "  %-16s %.2f cores; its event loops ran a 10 ms timer late by p99 %.1f ms, max %.1f"
        + " ms%n", "load generator", cpuNanos / 1e9 / phaseSeconds, loopDelay.getValueAtPercentile(99) / 1000.0,
        loopDelay.getMaxValue() / 1000.0);
    System.out.printf(Locale.ROOT, "  %-16s %d clients connected and subscribed in %.1f s%n", "connect", clients,
        connectSeconds);
    if (perClient >= 0) {
      System.out.printf(Locale.ROOT, "  %-16s %.1f MB with 1 client, %.1f MB with %d (after a full GC, least of 3):"
              + " %.1f KB per client%n", "server heap", heapOne / 1e6, heapAll / 1e6, clients, perClient / 1024.0);
    }
    System.out.println("  warm-up ingest   " + warmupResult);
    System.out.println("  steady ingest    " + steadyResult);
    System.out.printf(Locale.ROOT, "RESULT clients=%d seconds=%.3f probes=%d send_p50_ms=%.1f send_p99_ms=%.1f"
            + " send_max_ms=%.1f ack_p50_ms=%.1f ack_p99_ms=%.1f probe_ack_p50_ms=%.1f probe_ack_p99_ms=%.1f"
            + " first_p99_ms=%.1f last_p99_ms=%.1f missing=%d fanout_per_s=%.0f fanout_min_s=%d mb_per_s=%.1f coalesced=%d gaps=%d errors=%d"
            + " closes=%d driver_cores=%.2f driver_loop_p99_ms=%.1f heap_one=%d heap_all=%d heap_per_client=%d"
            + " probe_failure=%s%n",
        clients, phaseSeconds, measured, ms(sendToDash, 50), ms(sendToDash, 99), sendToDash.getMaxValue() / 1000.0,
        ms(ackToDash, 50), ms(ackToDash, 99), ms(sendToAck, 50), ms(sendToAck, 99), ms(sendToFirst, 99), ms(sendToLast, 99), missing,
        fanOut, minSecond == Long.MAX_VALUE ? 0 : minSecond, bytes / phaseSeconds / 1e6, coalesced, gaps, errors,
        closes, cpuNanos / 1e9 / phaseSeconds, loopDelay.getValueAtPercentile(99) / 1000.0, heapOne, heapAll,
        perClient, probeFailure == null ? "none" : "yes");
    System.out.println("--- probes of the steady phase: number, sent at (ms into the phase), send -> ack,"
        + " send -> first client, send -> last client (ms; - when none saw it) ---");
    long origin = firstProbe <= lastProbe ? probes.sentNanos(firstProbe) : 0;
    for (int probe = firstProbe; probe <= lastProbe; probe++) {
      long sent = probes.sentNanos(probe);
      long firstArrival = Long.MAX_VALUE;
      long lastArrival = 0;
      for (long arrival : probes.arrivals(probe)) {
        if (arrival != 0) {
          firstArrival = Math.min(firstArrival, arrival);
          lastArrival = Math.max(lastArrival, arrival);
        }
      }
      System.out.printf(Locale.ROOT, "probe %d %.0f %.1f %s %s%n", probe, (sent - origin) / 1e6,
          (probes.ackNanos(probe) - sent) / 1e6, lastArrival == 0 ? "-" : String.format(Locale.ROOT, "%.1f",
              (firstArrival - sent) / 1e6), lastArrival == 0 ? "-" : String.format(Locale.ROOT, "%.1f",
              (lastArrival - sent) / 1e6));
    }
  }

  private static String describeIngest(String result) {
    return String.format(Locale.ROOT, "%s events/s acknowledged, %s non-2xx, %s errors, ack p50 %s ms, p99 %s ms,"
            + " at most %s ms behind the schedule", field(result, "events_per_s"), field(result, "non2xx"),
        field(result, "errors"), field(result, "p50_ms"), field(result, "p99_ms"), field(result, "behind_max_ms"));
  }

  private static String field(String result, String key) {
    for (String part : result.split(" ")) {
      if (part.startsWith(key + "=")) {
        return part.substring(key.length() + 1);
      }
    }
    return "?";
  }

  private static String percentiles(Histogram h) {
    return String.format(Locale.ROOT, "p50 %6.1f ms   p99 %6.1f ms   max %6.1f ms", ms(h, 50), ms(h, 99),
        h.getMaxValue() / 1000.0);
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static long micros(long nanos) {
    return Math.max(0, Math.min(nanos / 1000, MICROS_LIMIT));
  }

  private static String required(Options options, String name) {
    String value = options.string(name, null);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
