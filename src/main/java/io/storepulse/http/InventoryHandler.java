package io.storepulse.http;

import io.storepulse.api.ClientFault;
import io.storepulse.api.ServerFault;
import io.storepulse.eventlog.StoreSlot;
import io.storepulse.inventory.AdjustResult;
import io.storepulse.inventory.Holder;
import io.storepulse.inventory.ImportResult;
import io.storepulse.inventory.ImportRow;
import io.storepulse.inventory.Reservation;
import io.storepulse.inventory.ReserveResult;
import io.storepulse.inventory.StockLevel;
import io.storepulse.inventory.StockImport;
import io.storepulse.inventory.StockTarget;
import io.storepulse.pipeline.InventoryAnswer;
import io.storepulse.pipeline.InventoryOperation;
import io.storepulse.pipeline.PartitionVerticle;
import io.storepulse.pipeline.PipelineAddresses;
import io.storepulse.pipeline.ResultQueries;
import io.storepulse.store.ApiKey;
import io.storepulse.store.KeyKind;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code /v1/stores/{store}/inventory}: levels are read from {@code inventory_levels} (read token);
 * reservations, adjustments and stock imports are sent to the pipeline partition that owns the
 * store, which answers once the change is durable (write key of the store, or the admin token).
 */
final class InventoryHandler {

  private static final int MAX_BODY_BYTES = 16 * 1024;
  private static final int MAX_IMPORT_BYTES = 1024 * 1024;
  private static final int MAX_IMPORT_ROWS = 10_000;
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;
  private static final long DEFAULT_TTL_SECONDS = 15 * 60;
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final Credentials credentials;
  private final ResultQueries results;
  private final int partitions;
  private final long maxTtlSeconds;

  InventoryHandler(Credentials credentials, ResultQueries results, int partitions, Duration reservationMaxTtl) {
    this.credentials = credentials;
    this.results = results;
    this.partitions = partitions;
    this.maxTtlSeconds = reservationMaxTtl.toSeconds();
  }

  void mount(Router router) {
    // before the smaller limit of the routes below: a request's first body handler is the one that reads it
    router.post("/v1/stores/:store/inventory").handler(BodyHandler.create().setBodyLimit(MAX_IMPORT_BYTES))
        .handler(this::importStock);
    router.route("/v1/stores/:store/inventory/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
    router.get("/v1/stores/:store/inventory").handler(this::levels);
    router.get("/v1/stores/:store/inventory/:sku").handler(this::level);
    router.put("/v1/stores/:store/inventory/:sku").handler(this::adjust);
    router.post("/v1/stores/:store/inventory/:sku/reservations").handler(this::reserve);
    router.delete("/v1/stores/:store/inventory/:sku/reservations/:id").handler(this::release);
  }

  private void levels(RoutingContext ctx) {
    String store = readableStore(ctx);
    boolean lowStock = "true".equals(ctx.queryParams().get("lowStock"));
    String after = ctx.queryParams().get("after") == null ? "" : ctx.queryParams().get("after");
    int limit = limit(ctx);
    respond(ctx, 200, results.levels(store, lowStock, after, limit).map(levels -> {
      JsonObject page = new JsonObject().put("store", store).put("items", levels);
      if (levels.size() == limit) {
        page.put("next", levels.getJsonObject(levels.size() - 1).getString("sku"));
      }
      return page;
    }));
  }

  private void level(RoutingContext ctx) {
    String store = readableStore(ctx);
    String sku = ctx.pathParam("sku");
    respond(ctx, 200, results.level(store, sku).map(level -> {
      if (level == null) {
        throw ClientFault.notFound("store '" + store + "' keeps no stock for SKU '" + sku + "'");
      }
      ctx.response().putHeader("ETag", Long.toString(level.getLong("version")));
      return level.put("store", store);
    }));
  }

  private void reserve(RoutingContext ctx) {
    String store = writableStore(ctx);
    String sku = ctx.pathParam("sku");
    JsonObject body = jsonBody(ctx);
    long quantity = wholeNumber(body, "quantity", null);
    if (quantity < 1) {
      throw ClientFault.badRequest("\"quantity\" must be at least 1");
    }
    long ttlSeconds = wholeNumber(body, "ttlSeconds", Math.min(DEFAULT_TTL_SECONDS, maxTtlSeconds));
    if (ttlSeconds < 1 || ttlSeconds > maxTtlSeconds) {
      throw ClientFault.badRequest("\"ttlSeconds\" must be from 1 to " + maxTtlSeconds);
    }
    String visitorId = optionalString(body, "visitorId");
    String orderId = optionalString(body, "orderId");
    if ((visitorId == null) == (orderId == null)) {
      throw ClientFault.badRequest("give exactly one of \"visitorId\" and \"orderId\"");
    }
    Holder holder = visitorId != null ? Holder.visitor(visitorId) : Holder.order(orderId);
    InventoryOperation operation = new InventoryOperation.Reserve(store, sku, quantity, Duration.ofSeconds(ttlSeconds),
        holder, UUID.randomUUID().toString());
    respond(ctx, 201, send(ctx, store, operation).map(result -> {
      if (result instanceof ReserveResult.Insufficient shortage) {
        throw ClientFault.conflict("only " + shortage.available() + " of SKU '" + sku + "' available, "
            + quantity + " asked for").with("available", shortage.available());
      }
      Reservation reservation = ((ReserveResult.Reserved) result).reservation();
      ctx.response().putHeader("Location",
          "/v1/stores/" + store + "/inventory/" + sku + "/reservations/" + reservation.id());
      return new JsonObject()
          .put("id", reservation.id())
          .put("sku", reservation.sku())
          .put("quantity", reservation.quantity())
          .put("expiresAt", reservation.expiresAt().toString());
    }));
  }

  private void release(RoutingContext ctx) {
    String store = writableStore(ctx);
    String sku = ctx.pathParam("sku");
    String id = ctx.pathParam("id");
    send(ctx, store, new InventoryOperation.Release(store, sku, id)).onSuccess(result -> {
      if (result == null) {
        ctx.fail(ClientFault.notFound("no live reservation '" + id + "' of SKU '" + sku + "'"));
      } else {
        ctx.response().setStatusCode(204).end();
      }
    }).onFailure(ctx::fail);
  }

  private void adjust(RoutingContext ctx) {
    String store = writableStore(ctx);
    String sku = ctx.pathParam("sku");
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (key == null || key.isBlank()) {
      throw ClientFault.badRequest("an adjustment needs an " + IDEMPOTENCY_KEY + " header");
    }
    Long expectedVersion = null;
    String ifMatch = ctx.request().getHeader("If-Match");
    if (ifMatch != null) {
      try {
        expectedVersion = Long.parseLong(ifMatch.trim().replace("\"", ""));
      } catch (NumberFormatException e) {
        throw ClientFault.badRequest("If-Match must be a level's version, a whole number");
      }
    }
    JsonObject body = jsonBody(ctx);
    StockTarget target;
    try {
      if (body.containsKey("onHand") == body.containsKey("delta")) {
        throw ClientFault.badRequest("give exactly one of \"onHand\" and \"delta\"");
      }
      target = body.containsKey("onHand") ? new StockTarget.SetOnHand(wholeNumber(body, "onHand", null))
          : new StockTarget.Shift(wholeNumber(body, "delta", null));
    } catch (IllegalArgumentException e) {
      throw ClientFault.badRequest(e.getMessage());
    }
    respond(ctx, 200, send(ctx, store, new InventoryOperation.Adjust(store, sku, target, key.trim(), expectedVersion))
        .map(result -> adjusted(ctx, store, (AdjustResult) result)));
  }

  /**
   * Bulk import of initial stock, JSON or CSV. Rows that cannot be read are reported with the
   * book's per-row results; 200 when a row was imported, 400 with the results when none was.
   */
  private void importStock(RoutingContext ctx) {
    String store = writableStore(ctx);
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    String importId = key == null || key.isBlank() ? "import-" + UUID.randomUUID() : key.trim();
    List<StockImport.ReadRow> rows = readImport(ctx);
    if (rows.isEmpty()) {
      throw ClientFault.badRequest("the import has no rows");
    }
    List<ImportRow> forBook = StockImport.forBook(rows);
    Future<List<ImportResult>> decided = forBook.isEmpty()
        ? Future.succeededFuture(List.of()) // nothing for the book: answered without the partition
        : send(ctx, store, new InventoryOperation.Import(store, forBook, importId)).map(result -> {
          @SuppressWarnings("unchecked")
          List<ImportResult> results = (List<ImportResult>) result;
          return results;
        });
    respond(ctx, 200, decided.map(results -> {
      JsonArray answers = new JsonArray();
      int imported = 0;
      for (StockImport.RowOutcome outcome : StockImport.merge(rows, results)) {
        JsonObject answer = new JsonObject().put("row", outcome.number()).put("sku", outcome.sku());
        if (outcome.result() instanceof ImportResult.Imported done) {
          imported++;
          answer.put("status", "imported").put("level", level(done.level()));
        } else {
          answer.put("status", "rejected").put("error", ((ImportResult.Rejected) outcome.result()).error());
        }
        answers.add(answer);
      }
      int rejected = answers.size() - imported;
      if (imported == 0) {
        throw ClientFault.badRequest("none of the " + rejected + " rows could be imported")
            .with("imported", 0).with("rejected", rejected).with("results", answers);
      }
      return new JsonObject().put("store", store).put("imported", imported).put("rejected", rejected)
          .put("results", answers);
    }));
  }

  private static List<StockImport.ReadRow> readImport(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    try {
      if (mediaType.equals("text/csv")) {
        return StockImport.readCsv(ctx.body().asString("UTF-8"), MAX_IMPORT_ROWS);
      }
      if (mediaType.equals("application/json")) {
        return readJsonRows(ctx);
      }
    } catch (StockImport.TooManyRows e) {
      throw ClientFault.payloadTooLarge(e.getMessage());
    }
    throw ClientFault.unsupportedMediaType("an import is application/json (an array of rows) or text/csv");
  }

  private static List<StockImport.ReadRow> readJsonRows(RoutingContext ctx) {
    JsonArray array;
    try {
      array = ctx.body().asJsonArray();
    } catch (DecodeException | ClassCastException e) {
      array = null;
    }
    if (array == null) {
      throw ClientFault.badRequest("the body must be a JSON array of {\"sku\", \"onHand\", \"lowStockThreshold\"?}");
    }
    if (array.size() > MAX_IMPORT_ROWS) {
      throw new StockImport.TooManyRows(MAX_IMPORT_ROWS);
    }
    List<StockImport.ReadRow> rows = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Object element = array.getValue(i);
      if (element instanceof JsonObject row) {
        rows.add(StockImport.readFields(i + 1, row.getValue("sku"), row.getValue("onHand"),
            row.getValue("lowStockThreshold")));
      } else {
        rows.add(StockImport.readFields(i + 1, null, null, null).withError("a row must be a JSON object"));
      }
    }
    return rows;
  }

  private static JsonObject level(StockLevel level) {
    return new JsonObject()
        .put("onHand", level.onHand())
        .put("reserved", level.reserved())
        .put("available", level.available())
        .put("lowStockThreshold", level.lowStockThreshold())
        .put("version", level.version());
  }

  private static JsonObject adjusted(RoutingContext ctx, String store, AdjustResult result) {
    if (result instanceof AdjustResult.Repeated repeated) {
      return adjusted(ctx, store, repeated.first());
    }
    if (result instanceof AdjustResult.KeyReused reused) {
      throw new ClientFault(422, "idempotency-key-reused", "Idempotency key reused",
          "the " + IDEMPOTENCY_KEY + " '" + reused.idempotencyKey() + "' was used for another adjustment");
    }
    if (result instanceof AdjustResult.VersionMismatch mismatch) {
      throw new ClientFault(412, "precondition-failed", "Precondition failed",
          "the level is at version " + mismatch.currentVersion()).with("version", mismatch.currentVersion());
    }
    StockLevel level = ((AdjustResult.Applied) result).level();
    ctx.response().putHeader("ETag", Long.toString(level.version()));
    return new JsonObject()
        .put("store", store)
        .put("sku", level.sku())
        .put("onHand", level.onHand())
        .put("reserved", level.reserved())
        .put("available", level.available())
        .put("lowStockThreshold", level.lowStockThreshold())
        .put("version", level.version());
  }

  /** Runs the operation on the owner of the store's partition; its durable result. */
  private Future<Object> send(RoutingContext ctx, String store, InventoryOperation operation) {
    int partition = StoreSlot.partition(StoreSlot.of(store), partitions);
    return ctx.vertx().eventBus()
        .<InventoryAnswer>request(PipelineAddresses.inventory(partition), operation)
        .map(reply -> reply.body().result())
        .recover(failure -> {
          if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            return Future.failedFuture(reply.failureCode() == PartitionVerticle.UNAVAILABLE
                ? ServerFault.unavailable(reply.getMessage(), failure)
                : failure); // rendered as 500; the partition logged it
          }
          // no partition registered (starting, stopping, pipeline disabled) or no answer in time
          return Future.failedFuture(ServerFault.unavailable("the pipeline did not answer", failure));
        });
  }

  private String readableStore(RoutingContext ctx) {
    ApiKey key = credentials.require(ctx.request(), KeyKind.READ);
    String store = ctx.pathParam("store");
    if (!key.storeId().equals(store)) {
      throw ClientFault.forbidden("this read token is for store '" + key.storeId() + "', not '" + store + "'");
    }
    return store;
  }

  private String writableStore(RoutingContext ctx) {
    String store = ctx.pathParam("store");
    if (credentials.isAdmin(ctx.request())) {
      return store;
    }
    ApiKey key = credentials.require(ctx.request(), KeyKind.WRITE);
    if (!key.storeId().equals(store)) {
      throw ClientFault.forbidden("this write key is for store '" + key.storeId() + "', not '" + store + "'");
    }
    return store;
  }

  private static int limit(RoutingContext ctx) {
    String value = ctx.queryParams().get("limit");
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ClientFault.badRequest("\"limit\" must be from 1 to " + MAX_LIMIT);
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw ClientFault.badRequest("the body must be a JSON object");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw ClientFault.badRequest("the body must be a JSON object");
    }
  }

  private static long wholeNumber(JsonObject body, String name, Long fallback) {
    Object value = body.getValue(name);
    if (value == null && fallback != null) {
      return fallback;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw ClientFault.badRequest("\"" + name + "\" must be a whole number");
  }

  private static String optionalString(JsonObject body, String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw ClientFault.badRequest("\"" + name + "\" must be a non-empty string");
    }
    return text;
  }

  private static void respond(RoutingContext ctx, int status, Future<JsonObject> answer) {
    answer.onSuccess(body -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(body.toBuffer())).onFailure(ctx::fail);
  }
}
