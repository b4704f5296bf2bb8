package io.storepulse.http;

import io.storepulse.api.ClientFault;
import io.storepulse.api.ServerFault;
import io.storepulse.eventlog.AppendRequest;
import io.storepulse.eventlog.AppendResult;
import io.storepulse.eventlog.AppendResult.Status;
import io.storepulse.eventlog.EventLogAddresses;
import io.storepulse.eventlog.EventLogWriterVerticle;
import io.storepulse.health.IngestStats;
import io.storepulse.health.ServerState;
import io.storepulse.ingest.BodyFormat;
import io.storepulse.ingest.EventBatchParser;
import io.storepulse.ingest.EventValidator;
import io.storepulse.ingest.IngestLimits;
import io.storepulse.ingest.LogEvent;
import io.storepulse.ingest.RawEvent;
import io.storepulse.ingest.Validation;
import io.storepulse.store.ApiKey;
import io.storepulse.store.KeyKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/events}: authenticate, read and validate the body, hand the valid events to
 * the log writer and answer 202 only once they are durable.
 */
final class IngestHandler {

  private final Vertx vertx;
  private final Credentials credentials;
  private final IngestLimits limits;
  private final EventBatchParser parser;
  private final EventValidator validator;
  private final IngestStats stats;
  private final ServerState state;
  private final DeliveryOptions appendOptions;

  IngestHandler(Vertx vertx, Credentials credentials, IngestLimits limits, Duration ackTimeout,
      IngestStats stats, ServerState state) {
    this.vertx = vertx;
    this.credentials = credentials;
    this.limits = limits;
    this.parser = new EventBatchParser(limits);
    this.validator = new EventValidator(limits, Clock.systemUTC());
    this.stats = stats;
    this.state = state;
    this.appendOptions = new DeliveryOptions().setSendTimeout(ackTimeout.toMillis());
  }

  void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    HttpServerRequest request = ctx.request();
    ApiKey key;
    BodyFormat format;
    try {
      if (state.phase() != ServerState.Phase.READY) {
        throw ServerFault.unavailable("the server is " + state.phase().name().toLowerCase() + "; retry shortly", null);
      }
      key = credentials.require(request, KeyKind.WRITE);
      format = bodyFormat(request);
    } catch (ClientFault | ServerFault fault) {
      request.resume();
      fail(ctx, fault);
      return;
    }
    BoundedBody.read(request, limits.maxRequestBytes())
        .compose(body -> ingest(body, format, key.storeId()))
        .onSuccess(answer -> {
          stats.recordAckLatency(System.nanoTime() - started);
          ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json").end(answer);
        })
        .onFailure(failure -> {
          if (BoundedBody.isTooLarge(failure)) {
            // stop reading (and inflating) the rest of an oversized body
            ctx.response().putHeader("Connection", "close");
            Problems.send(ctx.response(), failure, "POST /v1/events").onComplete(v -> request.connection().close());
          } else {
            fail(ctx, failure);
          }
        });
  }

  private Future<Buffer> ingest(Buffer body, BodyFormat format, String storeId) {
    List<RawEvent> raw = parser.parse(body.getBytes(), format);
    Validation[] outcomes = new Validation[raw.size()];
    List<LogEvent> valid = new ArrayList<>(raw.size());
    int rejected = 0;
    for (RawEvent event : raw) {
      Validation outcome = validator.validate(event, storeId);
      outcomes[event.index()] = outcome;
      if (outcome instanceof Validation.Accepted accepted) {
        valid.add(accepted.event());
      } else {
        rejected++;
      }
    }
    if (valid.isEmpty()) {
      stats.recordOutcomes(0, 0, rejected);
      return Future.failedFuture(ClientFault.badRequest(raw.isEmpty()
              ? "the request carries no events"
              : "none of the " + raw.size() + " events is valid; see results")
          .with("results", results(outcomes, List.of()).getList()));
    }
    int rejectedCount = rejected;
    return vertx.eventBus().<AppendResult>request(EventLogAddresses.APPEND, new AppendRequest(valid), appendOptions)
        .recover(failure -> Future.failedFuture(EventLogWriterVerticle.faultOf(failure)))
        .map(Message::body)
        .map(appended -> {
          JsonArray results = results(outcomes, appended.statuses());
          int accepted = count(appended.statuses(), Status.ACCEPTED);
          int duplicates = appended.statuses().size() - accepted;
          stats.recordOutcomes(accepted, duplicates, rejectedCount);
          return new JsonObject()
              .put("accepted", accepted)
              .put("duplicates", duplicates)
              .put("rejected", rejectedCount)
              .put("results", results)
              .toBuffer();
        });
  }

  /** One entry per event of the request, in request order. */
  private static JsonArray results(Validation[] outcomes, List<Status> appended) {
    JsonArray results = new JsonArray(new ArrayList<>(outcomes.length));
    int next = 0;
    for (Validation outcome : outcomes) {
      if (outcome instanceof Validation.Accepted accepted) {
        Status status = appended.get(next++);
        results.add(new JsonObject()
            .put("index", outcome.index())
            .put("id", accepted.event().eventId())
            .put("status", status == Status.ACCEPTED ? "accepted" : "duplicate"));
      } else {
        Validation.Rejected rejected = (Validation.Rejected) outcome;
        results.add(new JsonObject()
            .put("index", rejected.index())
            .put("id", rejected.eventId())
            .put("status", "rejected")
            .put("error", rejected.reason()));
      }
    }
    return results;
  }

  private static int count(List<Status> statuses, Status wanted) {
    int n = 0;
    for (Status status : statuses) {
      if (status == wanted) {
        n++;
      }
    }
    return n;
  }

  private void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ServerFault fault) {
      if ("overloaded".equals(fault.type())) {
        stats.recordOverloaded();
      } else {
        stats.recordUnavailable();
      }
    }
    ctx.fail(failure);
  }

  /** @throws ClientFault 415 for a media type or content coding we do not read */
  private static BodyFormat bodyFormat(HttpServerRequest request) {
    String encoding = request.getHeader("Content-Encoding");
    if (!BoundedBody.readable(encoding)) {
      throw ClientFault.unsupportedMediaType("Content-Encoding '" + encoding + "' is not supported; use gzip or none");
    }
    String contentType = request.getHeader("Content-Type");
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase();
    switch (mediaType) {
      case "application/json":
      case "text/plain": // what navigator.sendBeacon sends for a string body
        return BodyFormat.JSON;
      case "application/x-ndjson":
      case "application/jsonl":
        return BodyFormat.NDJSON;
      default:
        throw ClientFault.unsupportedMediaType("Content-Type must be application/json, application/x-ndjson or text/plain"
            + (mediaType.isEmpty() ? "" : ", not " + mediaType));
    }
  }
}
