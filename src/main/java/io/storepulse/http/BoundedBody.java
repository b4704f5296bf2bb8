package io.storepulse.http;

import io.storepulse.api.ClientFault;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reads a request body, inflating gzip itself, with a limit counted after decompression. Past
 * the limit it stops at once: the answer is 413, the connection is closed, and a compressed bomb
 * is never inflated further than the limit (the server's own decompressor would inflate whole
 * chunks first, so it is not used).
 */
final class BoundedBody {

  /** Content codings this reader understands. */
  static final Set<String> CODINGS = Set.of("gzip", "x-gzip", "identity");

  private static final int INFLATE_CHUNK = 16 * 1024;

  private BoundedBody() {
  }

  /** Whether {@code contentEncoding} (the header's value, or null) is one this reader inflates. */
  static boolean readable(String contentEncoding) {
    return contentEncoding == null || CODINGS.contains(contentEncoding.trim().toLowerCase());
  }

  static Future<Buffer> read(HttpServerRequest request, int limit) {
    String declared = request.getHeader("Content-Length");
    if (declared != null) {
      try {
        // a compressed body larger than the limit would inflate larger still
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
    String encoding = request.getHeader("Content-Encoding");
    boolean gzip = encoding != null && !encoding.trim().equalsIgnoreCase("identity");
    return gzip ? promise.future().map(compressed -> inflate(compressed, limit)) : promise.future();
  }

  static boolean isTooLarge(Throwable failure) {
    return failure instanceof ClientFault fault && fault.status() == 413;
  }

  /** Inflates at most {@code limit} bytes; one byte more and the body is refused. */
  private static Buffer inflate(Buffer compressed, int limit) {
    ByteArrayOutputStream inflated = new ByteArrayOutputStream(Math.min(limit, compressed.length() * 4));
    byte[] chunk = new byte[INFLATE_CHUNK];
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed.getBytes()), INFLATE_CHUNK)) {
      int read;
      while ((read = in.read(chunk)) > 0) {
        if (inflated.size() + read > limit) {
          throw tooLarge(limit);
        }
        inflated.write(chunk, 0, read);
      }
    } catch (IOException e) {
      throw ClientFault.badRequest("the body is not valid gzip: " + e.getMessage());
    }
    return Buffer.buffer(inflated.toByteArray());
  }

  private static ClientFault tooLarge(int limit) {
    return ClientFault.payloadTooLarge("the request body exceeds " + limit + " bytes (after decompression)");
  }
}
