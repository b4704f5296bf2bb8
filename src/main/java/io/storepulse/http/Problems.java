package io.storepulse.http;

import io.storepulse.api.ClientFault;
import io.storepulse.api.ServerFault;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders every failure as {@code application/problem+json} (RFC 9457): client faults with their
 * status, server faults as 503 with {@code Retry-After}, anything else as 500 with a log line.
 */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://storepulse.io/problems/";
  private static final Logger log = LoggerFactory.getLogger(Problems.class);

  private Problems() {
  }

  /** The router's failure handler. */
  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure == null) {
      // routing failures without an exception: 404, 405, 413 from web handlers
      int status = ctx.statusCode();
      send(ctx.response(), problem(status, routingType(status),
          HttpResponseStatus.valueOf(status).reasonPhrase(), routingDetail(ctx, status)), null);
      return;
    }
    send(ctx.response(), failure, ctx.request().method() + " " + ctx.request().path());
  }

  private static String routingType(int status) {
    switch (status) {
      case 404:
        return "not-found";
      case 405:
        return "method-not-allowed";
      case 413:
        return "payload-too-large";
      default:
        return "http-" + status;
    }
  }

  private static String routingDetail(RoutingContext ctx, int status) {
    switch (status) {
      case 404:
        return "no resource at " + ctx.request().path();
      case 405:
        return ctx.request().method() + " is not allowed on " + ctx.request().path();
      case 413:
        return "the request body is too large";
      default:
        return null;
    }
  }

  /** Answers with the problem that {@code failure} describes. */
  public static Future<Void> send(HttpServerResponse response, Throwable failure, String context) {
    if (failure instanceof ClientFault fault) {
      JsonObject body = problem(fault.status(), fault.type(), fault.title(), fault.detail());
      fault.extensions().forEach(body::put);
      return send(response, body, null);
    }
    if (failure instanceof ServerFault fault) {
      // the component that failed (writer, database) logs once; a line per refused request would flood
      if (fault.getCause() != null && log.isDebugEnabled()) {
        log.debug("{}: {} ({})", context, fault.getMessage(), fault.getCause().toString());
      }
      JsonObject body = problem(fault.status(), fault.type(), "Service unavailable", fault.getMessage());
      return send(response, body, Long.toString(Math.max(1, fault.retryAfter().toSeconds())));
    }
    log.error("{}: unexpected failure", context, failure);
    return send(response, problem(500, "internal", "Internal server error",
        "the server failed to handle the request; it has been logged"), null);
  }

  private static JsonObject problem(int status, String type, String title, String detail) {
    JsonObject body = new JsonObject()
        .put("type", TYPE_BASE + type)
        .put("title", title)
        .put("status", status);
    if (detail != null) {
      body.put("detail", detail);
    }
    return body;
  }

  private static Future<Void> send(HttpServerResponse response, JsonObject body, String retryAfter) {
    if (response.headWritten()) {
      // the answer has begun; the only honest signal left is to break the stream
      response.reset();
      return Future.succeededFuture();
    }
    response.setStatusCode(body.getInteger("status")).putHeader("Content-Type", CONTENT_TYPE);
    if (retryAfter != null) {
      response.putHeader("Retry-After", retryAfter);
    }
    return response.end(body.toBuffer());
  }
}
