package io.storepulse.http;

import io.storepulse.api.ClientFault;
import io.storepulse.store.IssuedKey;
import io.storepulse.store.KeyKind;
import io.storepulse.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** {@code /v1/admin}: stores and their keys, for the holder of the admin token. */
final class AdminHandler {

  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final Credentials credentials;
  private final StoreService stores;

  AdminHandler(Credentials credentials, StoreService stores) {
    this.credentials = credentials;
    this.stores = stores;
  }

  void mount(Router router) {
    router.route("/v1/admin/*").handler(ctx -> {
      credentials.requireAdmin(ctx.request());
      ctx.next();
    });
    router.route("/v1/admin/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
    router.post("/v1/admin/stores").handler(this::createStore);
    router.post("/v1/admin/stores/:storeId/keys").handler(this::issueKey);
    router.delete("/v1/admin/keys/:keyId").handler(this::revokeKey);
  }

  private void createStore(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    stores.createStore(stringField(body, "id"), stringField(body, "name"))
        .onSuccess(created -> respond(ctx, 201, new JsonObject()
            .put("store", new JsonObject().put("id", created.store().id()).put("name", created.store().name()))
            .put("writeKey", keyJson(created.writeKey()))
            .put("readToken", keyJson(created.readToken()))))
        .onFailure(ctx::fail);
  }

  private void issueKey(RoutingContext ctx) {
    JsonObject body = ctx.body().isEmpty() ? new JsonObject() : jsonBody(ctx);
    String kindName = body.getValue("kind") == null ? KeyKind.WRITE.wireName() : stringField(body, "kind");
    KeyKind kind = KeyKind.fromWireName(kindName);
    if (kind == null) {
      throw ClientFault.badRequest("\"kind\" must be \"write\" or \"read\"");
    }
    stores.issueKey(ctx.pathParam("storeId"), kind)
        .onSuccess(issued -> respond(ctx, 201, keyJson(issued)))
        .onFailure(ctx::fail);
  }

  private void revokeKey(RoutingContext ctx) {
    stores.revokeKey(ctx.pathParam("keyId"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static JsonObject keyJson(IssuedKey issued) {
    return new JsonObject()
        .put("id", issued.key().id())
        .put("storeId", issued.key().storeId())
        .put("kind", issued.key().kind().wireName())
        .put("key", issued.secret());
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

  private static String stringField(JsonObject body, String name) {
    Object value = body.getValue(name);
    if (!(value instanceof String text)) {
      throw ClientFault.badRequest("\"" + name + "\" must be a string");
    }
    return text;
  }

  private static Future<Void> respond(RoutingContext ctx, int status, JsonObject body) {
    return ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }
}
