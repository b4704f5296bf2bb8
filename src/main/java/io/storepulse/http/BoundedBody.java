package io.storepulse.http;

import io.storepulse.api.ClientFault;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a limit counted after decompression. Past the limit it stops at
 * once: the answer is 413 and the connection is closed, so the rest of a compressed bomb is
 * never inflated.
 */
final class BoundedBody {

  private BoundedBody() {
  }

  static Future<Buffer> read(HttpServerRequest request, int limit) {
    String declared = request.getHeader("Content-Length");
    if (declared != null && request.getHeader("Content-Encoding") == null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          return Future.failedFuture(tooLarge(limit));
        }
      } catch (NumberFormatException e) {
        return Future.failedFuture(ClientFault.badRequest("Content-Length is not a number"));
      }
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        request.pause();
        promise.fail(tooLarge(limit));
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(promise::tryFail);
    request.endHandler(v -> promise.tryComplete(body));
    request.resume();
    return promise.future();
  }

  static boolean isTooLarge(Throwable failure) {
    return failure instanceof ClientFault fault && fault.status() == 413;
  }

  private static ClientFault tooLarge(int limit) {
    return ClientFault.payloadTooLarge("the request body exceeds " + limit + " bytes (after decompression)");
  }
}
