package io.storepulse.loadtest;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The ceiling for storepulse's ingest path: a bare Vert.x HTTP server with the same event-loop
 * count that reads and parses the same JSON body and answers 202, with no authentication,
 * validation or database. storepulse's throughput is reported as a fraction of this server's on
 * the same machine, so the figure says how much the real work costs rather than how fast the
 * machine is.
 *
 * <p>Options: {@code --port} (default 8080), {@code --event-loops} (default 2 × available
 * processors, Vert.x's default and so storepulse's).
 */
public final class CeilingServer extends VerticleBase {

  static final String EVENTS_PATH = "/v1/events";

  private static final String NOT_FOUND = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}";

  private final int port;

  CeilingServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    Options options = Options.parse(args, Set.of("port", "event-loops"));
    int port = options.positiveInt("port", 8080);
    int eventLoops = options.positiveInt("event-loops", VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    // one instance per event loop, as storepulse deploys its HTTP verticle
    vertx
        .deployVerticle(() -> new CeilingServer(port), new DeploymentOptions().setInstances(eventLoops))
        .onSuccess(id -> System.out.printf("ceiling server on 127.0.0.1:%d, %d event loops%n", port, eventLoops))
        .onFailure(failure -> {
          System.err.println("ceiling server failed to start: " + failure);
          vertx.close().onComplete(closed -> System.exit(1));
        });
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer()
        .requestHandler(this::handle)
        .listen(port, "127.0.0.1");
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST || !EVENTS_PATH.equals(request.path())) {
      request.response()
          .setStatusCode(404)
          .putHeader("Content-Type", "application/problem+json")
          .end(NOT_FOUND);
      return;
    }
    request.body()
        .onSuccess(body -> {
          int accepted;
          try {
            accepted = countEvents(body.toJsonValue());
          } catch (DecodeException e) {
            request.response()
                .setStatusCode(400)
                .putHeader("Content-Type", "application/problem+json")
                .end(new JsonObject()
                    .put("type", "about:blank")
                    .put("title", "Bad Request")
                    .put("status", 400)
                    .put("detail", e.getMessage())
                    .toBuffer());
            return;
          }
          request.response()
              .setStatusCode(202)
              .putHeader("Content-Type", "application/json")
              .end("{\"accepted\":" + accepted + "}");
        })
        // the connection is gone; there is nobody left to answer
        .onFailure(failure -> request.connection().close());
  }

  /** One event, {@code {"events":[…]}} or a bare array, the shapes storepulse accepts as JSON. */
  private static int countEvents(Object json) {
    if (json instanceof JsonArray array) {
      return array.size();
    }
    if (json instanceof JsonObject object && object.getValue("events") instanceof JsonArray events) {
      return events.size();
    }
    return 1;
  }
}
