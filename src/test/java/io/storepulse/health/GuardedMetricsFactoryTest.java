package io.storepulse.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuardedMetricsFactoryTest {

  private static final VertxOptions OPTIONS = new VertxOptions()
      .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
  private static final Pattern REQUESTS = Pattern.compile("^vertx_http_server_requests_total\\{[^}]*} (\\S+)$",
      Pattern.MULTILINE);

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.builder().with(OPTIONS).withMetrics(new GuardedMetricsFactory(new MicrometerMetricsFactory(registry)))
        .build();
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  @Test
  void serverRequestsAreStillMeasured() throws Exception {
    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> req.response().end("ok"))
        .listen(0, "127.0.0.1"));
    for (int i = 0; i < 3; i++) {
      get(server);
    }
    assertEquals(3.0, requestsCounted());
  }

  /**
   * What a connection accepted before Vert.x attached the server's metrics meets: the request's
   * {@code requestBegin} gets no socket metric. Micrometer's metrics fail there (the request would
   * never be answered); the guarded ones skip the request and the calls that follow for it.
   */
  @Test
  void aRequestWithoutSocketMetricIsServedUnmeasured() throws Exception {
    SocketAddress local = SocketAddress.inetSocketAddress(0, "127.0.0.1");
    HttpServerMetrics<Object, Object, Object> micrometer = httpServerMetrics(
        new MicrometerMetricsFactory(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), local);
    HttpServerMetrics<Object, Object, Object> guarded = httpServerMetrics(
        new GuardedMetricsFactory(new MicrometerMetricsFactory(registry)), local);

    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
      io.vertx.core.spi.observability.HttpRequest observed = (io.vertx.core.spi.observability.HttpRequest) req;
      String micrometerOutcome;
      try {
        micrometer.requestBegin(null, observed);
        micrometerOutcome = "measured";
      } catch (NullPointerException e) {
        micrometerOutcome = "failed";
      }
      Object requestMetric = guarded.requestBegin(null, observed);
      guarded.requestRouted(requestMetric, "/");
      guarded.requestEnd(requestMetric, observed, 0);
      guarded.bytesRead(null, req.remoteAddress(), 10);
      guarded.disconnected(null, req.remoteAddress());
      req.response().end("micrometer " + micrometerOutcome + ", guarded " + (requestMetric == null ? "unmeasured" : "measured"));
    }).listen(0, "127.0.0.1"));

    assertEquals("micrometer failed, guarded unmeasured", get(server));
  }

  @SuppressWarnings("unchecked")
  private static HttpServerMetrics<Object, Object, Object> httpServerMetrics(
      io.vertx.core.spi.VertxMetricsFactory factory, SocketAddress local) {
    return (HttpServerMetrics<Object, Object, Object>) factory.metrics(OPTIONS)
        .createHttpServerMetrics(new HttpServerOptions(), local);
  }

  private double requestsCounted() {
    Matcher matcher = REQUESTS.matcher(registry.scrape());
    double total = 0;
    while (matcher.find()) {
      total += Double.parseDouble(matcher.group(1));
    }
    return total;
  }

  private static String get(HttpServer server) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"))
        .timeout(Duration.ofSeconds(10))
        .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
