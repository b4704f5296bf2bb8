package io.storepulse.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks of the answers every API client relies on: problem documents and ingest results. */
public final class HttpAssertions {

  private static final Path INGEST_RESPONSE_SCHEMA = Path.of("docs", "schema", "ingest-response.schema.json");
  private static Validator ingestResponseSchema;

  private HttpAssertions() {
  }

  /**
   * Asserts an RFC 9457 problem answer with this status and a reason for the client to read.
   *
   * @return the problem document
   */
  public static JsonObject assertProblem(HttpResponse<Buffer> response, int status) {
    return assertProblem(status, response.statusCode(), response.getHeader("Content-Type"), response.bodyAsString());
  }

  /** As {@link #assertProblem(HttpResponse, int)}, for an answer read by other means. */
  public static JsonObject assertProblem(int expectedStatus, int status, String contentType, String body) {
    assertEquals(expectedStatus, status, body);
    assertNotNull(contentType, "no Content-Type on " + status + ": " + body);
    assertTrue(contentType.startsWith("application/problem+json"), "Content-Type is " + contentType);
    JsonObject problem = new JsonObject(body);
    assertEquals(status, problem.getInteger("status"), body);
    assertTrue(problem.getString("type", "").startsWith("https://"), "problem type is a URI: " + body);
    assertFalse(problem.getString("title", "").isBlank(), "problem has a title: " + body);
    assertFalse(problem.getString("detail", "").isBlank(), "problem gives a reason: " + body);
    return problem;
  }

  /**
   * Asserts a 202 ingest answer whose body follows the published response schema, with counts
   * that agree with its per-event results, one result per event in request order.
   *
   * @return the answer
   */
  public static JsonObject assertIngestAnswer(HttpResponse<Buffer> response, int events) {
    String body = response.bodyAsString();
    assertEquals(202, response.statusCode(), body);
    assertTrue(String.valueOf(response.getHeader("Content-Type")).startsWith("application/json"),
        "Content-Type is " + response.getHeader("Content-Type"));
    JsonObject answer = new JsonObject(body);
    OutputUnit validation = ingestResponseSchema().validate(answer);
    assertTrue(validation.getValid(),
        "the answer follows ingest-response.schema.json: " + validation.getErrors() + " in " + body);
    JsonArray results = answer.getJsonArray("results");
    assertEquals(events, results.size(), "one result per event: " + body);
    int[] counts = new int[3];
    for (int i = 0; i < results.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      assertEquals(i, result.getInteger("index"), "results in request order: " + body);
      switch (result.getString("status")) {
        case "accepted" -> counts[0]++;
        case "duplicate" -> counts[1]++;
        default -> counts[2]++;
      }
    }
    assertEquals(counts[0], answer.getInteger("accepted"), "accepted count agrees with results: " + body);
    assertEquals(counts[1], answer.getInteger("duplicates"), "duplicates count agrees with results: " + body);
    assertEquals(counts[2], answer.getInteger("rejected"), "rejected count agrees with results: " + body);
    return answer;
  }

  private static synchronized Validator ingestResponseSchema() {
    if (ingestResponseSchema == null) {
      try {
        JsonObject schema = new JsonObject(Files.readString(INGEST_RESPONSE_SCHEMA));
        ingestResponseSchema = Validator.create(JsonSchema.of(schema),
            new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://storepulse.io/"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return ingestResponseSchema;
  }
}
