package io.storepulse.http;

import io.storepulse.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.storepulse.testing.HttpAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /dashboard} over plain HTTP: the page, its assets and Chart.js come from the jar with
 * headers that suit them. What the page shows is {@link DashboardBrowserTest}'s job.
 */
class DashboardPageTest {

  private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/dashboard/[^\"]+)\"");

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/dashboard", "/dashboard/", "/dashboard/index.html", "/dashboard?store=demo&token=spr_x"})
  void thePageIsServedWithoutCredentialsRevalidatedAndLockedToItsOrigin(String path) {
    HttpResponse<Buffer> page = get(path);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertTrue(page.getHeader("Content-Type").startsWith("text/html"), page.getHeader("Content-Type"));
    assertTrue(page.bodyAsString().contains("<title>Live dashboard · storepulse</title>"), page.bodyAsString());
    assertEquals("no-cache", page.getHeader("Cache-Control"));
    assertTrue(page.getHeader("Content-Security-Policy").contains("default-src 'self'"),
        page.getHeader("Content-Security-Policy"));
    assertTrue(page.getHeader("Content-Security-Policy").contains("frame-ancestors 'none'"));
    assertEquals("no-referrer", page.getHeader("Referrer-Policy"));
    assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
  }

  @Test
  void everyAssetThePageNamesIsServedChartJsFromItsWebjar() {
    String html = get("/dashboard").bodyAsString();
    Matcher asset = ASSET.matcher(html);
    int assets = 0;
    while (asset.find()) {
      HttpResponse<Buffer> response = get(asset.group(1));
      assertEquals(200, response.statusCode(), asset.group(1) + ": " + response.bodyAsString());
      assertTrue(response.body().length() > 0, asset.group(1));
      assets++;
    }
    assertTrue(assets >= 5, "page, style, two scripts, Chart.js and the icon: " + assets + " found in " + html);

    HttpResponse<Buffer> chart = get("/dashboard/vendor/chart.umd.js");
    assertTrue(chart.getHeader("Content-Type").contains("javascript"), chart.getHeader("Content-Type"));
    assertTrue(chart.bodyAsString().contains("Chart.js v4"), "the webjar's UMD bundle");
    assertEquals("public, max-age=86400", chart.getHeader("Cache-Control"));
    assertTrue(chart.getHeader("Last-Modified") != null, "revalidation after the max-age");

    HttpResponse<Buffer> module = get("/dashboard/protocol.js");
    assertTrue(module.getHeader("Content-Type").contains("javascript"), module.getHeader("Content-Type"));
    assertEquals("no-cache", module.getHeader("Cache-Control"));
  }

  @Test
  void aFileThatIsNotThereIsANotFoundProblem() {
    assertProblem(get("/dashboard/missing.js"), 404);
    assertProblem(get("/dashboard/vendor/missing.js"), 404);
    assertProblem(get("/dashboard/../pom.xml"), 404);
  }

  /** A redirect is an answer here: the page must be served where it is asked for, query and all. */
  private static HttpResponse<Buffer> get(String path) {
    return server.client().get(path).followRedirects(false).send().await();
  }
}
