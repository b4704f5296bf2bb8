package io.storepulse.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Posts the latency probes: one {@code inventory_restocked} of one unit of the probe SKU at a
 * time, on a connection of its own, the next one a random 0.5 to 1.5 intervals after the
 * previous one was sent (never in step with the server's publish timer) and never before the
 * previous one is acknowledged, so the log holds the probes in the order of their numbers (see
 * {@link ProbeLog}). The send time is taken just before the request is written, the ack time
 * when the 202 has arrived. A probe that is not accepted stops the probing: the probes after it
 * would be misnumbered.
 */
final class ProbeSender extends VerticleBase {

  private static final long REQUEST_TIMEOUT_MILLIS = 30_000;

  private final int port;
  private final String authorization;
  private final String probeSku;
  private final String runId;
  private final long intervalNanos;
  private final ProbeLog probes;
  private final SplittableRandom random = new SplittableRandom(11);
  private final AtomicInteger acknowledged = new AtomicInteger();
  private final Promise<Void> stopped = Promise.promise();

  private HttpClientAgent client;
  private int sent;
  private boolean running = true;
  private boolean inFlight;
  private volatile String failure;

  ProbeSender(int port, String writeKey, String probeSku, String runId, int intervalMillis, ProbeLog probes) {
    this.port = port;
    this.authorization = "Bearer " + writeKey;
    this.probeSku = probeSku;
    this.runId = runId;
    this.intervalNanos = intervalMillis * 1_000_000L;
    this.probes = probes;
  }

  /** The highest probe number acknowledged so far; probes are acknowledged in order. */
  int acknowledged() {
    return acknowledged.get();
  }

  /** Why probing stopped early, or null. */
  String failure() {
    return failure;
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(1));
    send();
    return Future.succeededFuture();
  }

  /** Sends no more probes and completes once the one in flight is answered. */
  @Override
  public Future<?> stop() {
    running = false;
    if (!inFlight) {
      stopped.tryComplete();
    }
    return stopped.future();
  }

  private void send() {
    if (!running) {
      stopped.tryComplete();
      return;
    }
    if (sent == probes.capacity()) {
      fail("more probes than the log holds (" + probes.capacity() + ")");
      return;
    }
    int probe = ++sent;
    long due = System.nanoTime() + (long) (intervalNanos * (0.5 + random.nextDouble()));
    String body = "{\"id\":\"probe-" + runId + "-" + probe + "\",\"type\":\"inventory_restocked\",\"time\":\""
        + Instant.now() + "\",\"sku\":\"" + probeSku + "\",\"quantity\":1}";
    inFlight = true;
    client.request(new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setURI("/v1/events")
            .setIdleTimeout(REQUEST_TIMEOUT_MILLIS)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.AUTHORIZATION, authorization))
        .compose(request -> {
          probes.sent(probe, System.nanoTime());
          return request.send(body);
        })
        .compose(response -> response.body().map(answer -> response.statusCode() == 202
            && answer.toString().contains("\"accepted\":1") ? null : response.statusCode() + " " + answer))
        .onComplete(answered -> {
          long now = System.nanoTime();
          inFlight = false;
          if (answered.failed() || answered.result() != null) {
            fail("probe " + probe + " not accepted: " + (answered.failed() ? answered.cause() : answered.result()));
            return;
          }
          probes.acknowledged(probe, now);
          acknowledged.set(probe);
          long wait = Math.max(1, (due - now) / 1_000_000);
          vertx.setTimer(wait, id -> send());
        });
  }

  private void fail(String why) {
    failure = why;
    running = false;
    stopped.tryComplete();
  }
}
