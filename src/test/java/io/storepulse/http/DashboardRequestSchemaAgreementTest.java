package io.storepulse.http;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.Validator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The published client-message schema and the server's parser accept and refuse the same messages. */
class DashboardRequestSchemaAgreementTest {

  private static final List<String> WINDOW_KINDS = List.of("1m", "1h", "5m");

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"op\":\"subscribe\",\"id\":\"m\",\"channel\":\"metrics\",\"store\":\"demo\"}",
      "{\"op\":\"subscribe\",\"id\":\"m\",\"channel\":\"metrics\",\"store\":\"demo\",\"window\":\"1h\",\"since\":17}",
      "{\"op\":\"subscribe\",\"id\":\"t\",\"channel\":\"trending\",\"store\":\"demo\",\"window\":\"5m\"}",
      "{\"op\":\"subscribe\",\"id\":\"i\",\"channel\":\"inventory\",\"store\":\"demo\",\"skus\":[\"A\",\"B\"]}",
      "{\"op\":\"subscribe\",\"id\":\"a\",\"channel\":\"alerts\",\"store\":\"demo\"}",
      "{\"op\":\"subscribe\",\"id\":\"h\",\"channel\":\"health\"}",
      "{\"op\":\"unsubscribe\",\"id\":\"m\"}",
      "{\"op\":\"subscribe\",\"id\":\"\",\"channel\":\"metrics\",\"store\":\"demo\"}",
      "{\"op\":\"subscribe\",\"channel\":\"metrics\",\"store\":\"demo\"}",
      "{\"op\":\"publish\",\"id\":\"m\"}",
      "{\"op\":\"subscribe\",\"id\":\"m\",\"channel\":\"orders\",\"store\":\"demo\"}",
      "{\"op\":\"subscribe\",\"id\":\"m\",\"channel\":\"metrics\"}",
      "{\"op\":\"subscribe\",\"id\":\"h\",\"channel\":\"health\",\"store\":\"demo\"}",
      "{\"op\":\"subscribe\",\"id\":\"m\",\"channel\":\"metrics\",\"store\":\"demo\",\"since\":-1}",
      "{\"op\":\"subscribe\",\"id\":\"m\",\"channel\":\"metrics\",\"store\":\"demo\",\"since\":1.5}",
      "{\"op\":\"subscribe\",\"id\":\"m\",\"channel\":\"metrics\",\"store\":\"demo\",\"since\":\"5\"}",
      "{\"op\":\"subscribe\",\"id\":\"i\",\"channel\":\"inventory\",\"store\":\"demo\",\"skus\":[]}",
      "{\"op\":\"subscribe\",\"id\":\"i\",\"channel\":\"inventory\",\"store\":\"demo\",\"skus\":[\"\"]}",
      "{\"op\":\"subscribe\",\"id\":\"m\",\"channel\":\"metrics\",\"store\":\"demo\",\"skus\":[\"A\"]}",
      "{\"op\":\"subscribe\",\"id\":\"a\",\"channel\":\"alerts\",\"store\":\"demo\",\"window\":\"1m\"}",
      "{\"op\":\"subscribe\",\"id\":\"m\",\"channel\":\"metrics\",\"store\":7}",
  })
  void schemaAndParserAgree(String message) throws Exception {
    Validator schema = Validator.create(
        JsonSchema.of(new JsonObject(Files.readString(Path.of("docs/schema/dashboard-client-message.schema.json")))),
        new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://storepulse.io/"));
    boolean schemaAccepts = schema.validate(new JsonObject(message)).getValid();
    boolean parserAccepts;
    try {
      DashboardRequest.parse(message, WINDOW_KINDS);
      parserAccepts = true;
    } catch (DashboardRequest.Refused refused) {
      parserAccepts = false;
    }
    assertEquals(schemaAccepts, parserAccepts, message);
  }
}
