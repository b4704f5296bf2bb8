package io.storepulse.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/openapi.yaml} documents exactly the routes the HTTP layer registers: none missing,
 * none that does not exist. The routes are read from the sources of {@code io.storepulse.http}
 * ({@code router.get("/path/:param")} and the like), so no server is started.
 */
class OpenApiDocumentTest {

  private static final Path DOCS = Path.of("docs");
  private static final Path DOCUMENT = DOCS.resolve("openapi.yaml");
  private static final Path HTTP_SOURCES = Path.of("src", "main", "java", "io", "storepulse", "http");

  private static final Set<String> METHODS =
      Set.of("get", "head", "post", "put", "patch", "delete", "options", "trace");

  /** Every way of adding a route to a router named {@code router}. */
  private static final Pattern ROUTER_CALL = Pattern.compile(
      "\\brouter\\s*\\.\\s*(get|head|post|put|patch|delete|options|trace|route)(WithRegex)?\\s*\\(");
  /** The arguments of {@code router.get("/x")} and the like, from the opening parenthesis on. */
  private static final Pattern LITERAL_PATH = Pattern.compile("\\s*\"([^\"]*)\"\\s*\\)");
  /** {@code router.route(HttpMethod.GET, "/x")}. */
  private static final Pattern METHOD_AND_PATH = Pattern.compile("\\s*HttpMethod\\.(\\w+)\\s*,\\s*\"([^\"]*)\"\\s*\\)");
  /** {@code router.route()}: the catch-all. */
  private static final Pattern NO_ARGUMENTS = Pattern.compile("\\s*\\)");
  private static final Pattern PATH_PARAMETER = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)");

  private static JsonNode document;

  @BeforeAll
  static void readDocument() throws IOException {
    document = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile());
  }

  @Test
  void documentsExactlyTheRegisteredRoutes() throws IOException {
    Set<String> registered = registeredRoutes();
    assertTrue(registered.contains("POST /v1/events") && registered.contains("GET /health"),
        "the source scan found too little, so it no longer matches how routes are written: " + registered);

    Set<String> documented = documentedRoutes();
    Set<String> undocumented = new TreeSet<>(registered);
    undocumented.removeAll(documented);
    Set<String> nonexistent = new TreeSet<>(documented);
    nonexistent.removeAll(registered);
    assertTrue(undocumented.isEmpty() && nonexistent.isEmpty(), "routes missing from " + DOCUMENT + ": "
        + undocumented + "; documented routes the server does not have: " + nonexistent);
  }

  @Test
  void everyReferenceResolves() throws IOException {
    assertTrue(document.path("openapi").asText().startsWith("3.1."), "the document must be OpenAPI 3.1");
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);
    assertFalse(refs.isEmpty(), "no $ref found");
    ObjectMapper json = new ObjectMapper();
    for (String ref : refs) {
      int hash = ref.indexOf('#');
      String file = hash < 0 ? ref : ref.substring(0, hash);
      String pointer = hash < 0 ? "" : ref.substring(hash + 1);
      JsonNode target = document;
      if (!file.isEmpty()) {
        Path path = DOCS.resolve(file).normalize();
        assertTrue(Files.isRegularFile(path), "$ref " + ref + ": no file " + path);
        target = json.readTree(path.toFile());
      }
      assertFalse(target.at(pointer).isMissingNode(), "$ref " + ref + " points at nothing");
    }
  }

  /** "METHOD /path/{param}" for every route with a method and a path in the HTTP sources. */
  private static Set<String> registeredRoutes() throws IOException {
    Set<String> routes = new TreeSet<>();
    List<Path> sources;
    try (Stream<Path> files = Files.list(HTTP_SOURCES)) {
      sources = files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
    }
    for (Path source : sources) {
      String code = Files.readString(source);
      Matcher call = ROUTER_CALL.matcher(code);
      while (call.find()) {
        String where = source.getFileName() + ": " + excerpt(code, call.start());
        assertTrue(call.group(2) == null, "a regex route cannot be checked against the document; " + where);
        String method = call.group(1);
        int arguments = call.end();
        if (method.equals("route")) {
          Matcher withMethod = at(METHOD_AND_PATH, code, arguments);
          Matcher pathOnly = at(LITERAL_PATH, code, arguments);
          if (withMethod.lookingAt()) {
            routes.add(route(withMethod.group(1), withMethod.group(2)));
          } else if (pathOnly.lookingAt()) {
            // a route for every method: only prefix handlers (auth, body) are expected here
            assertTrue(pathOnly.group(1).endsWith("/*"),
                "a route for every method is an endpoint the document cannot describe; " + where);
          } else {
            assertTrue(at(NO_ARGUMENTS, code, arguments).lookingAt(), "cannot read the route of " + where);
          }
        } else {
          Matcher path = at(LITERAL_PATH, code, arguments);
          assertTrue(path.lookingAt(), "the path of a route must be a string literal; " + where);
          routes.add(route(method, path.group(1)));
        }
      }
    }
    return routes;
  }

  /** A matcher of {@code pattern} anchored at {@code from}, for {@link Matcher#lookingAt()}. */
  private static Matcher at(Pattern pattern, String code, int from) {
    return pattern.matcher(code).region(from, code.length());
  }

  private static String route(String method, String path) {
    return method.toUpperCase(Locale.ROOT) + " " + PATH_PARAMETER.matcher(path).replaceAll("{$1}");
  }

  /** "METHOD /path/{param}" for every operation under {@code paths}. */
  private static Set<String> documentedRoutes() {
    Set<String> routes = new TreeSet<>();
    JsonNode paths = document.path("paths");
    assertTrue(paths.isObject() && !paths.isEmpty(), DOCUMENT + " has no paths");
    for (Iterator<String> names = paths.fieldNames(); names.hasNext(); ) {
      String path = names.next();
      for (Iterator<String> keys = paths.get(path).fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (METHODS.contains(key)) {
          routes.add(key.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    return routes;
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual()) {
        refs.add(ref.textValue());
      }
    }
    node.forEach(child -> collectRefs(child, refs));
  }

  private static String excerpt(String code, int from) {
    int end = code.indexOf('\n', from);
    return code.substring(from, end < 0 ? code.length() : end).trim();
  }
}
