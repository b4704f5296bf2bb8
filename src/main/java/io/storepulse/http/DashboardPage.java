package io.storepulse.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The dashboard page: {@code GET /dashboard} and its assets under {@code /dashboard/}, static
 * files from the jar ({@code webroot/dashboard}), and the Chart.js bundle of the
 * {@code org.webjars.npm:chart.js} webjar under {@code /dashboard/vendor/}. The page holds no
 * data: it reads everything over the dashboard WebSocket with the read token its user gives it.
 */
final class DashboardPage {

  /** Where the page's files live on the classpath. */
  static final String WEBROOT = "webroot/dashboard";
  private static final String CHART_JS_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

  /** The page and its scripts change with the server, under the same names: revalidated on every load. */
  private static final String REVALIDATE = "no-cache";
  /** Chart.js changes only with a new webjar; a day of staleness after an upgrade is harmless. */
  private static final String VENDOR_MAX_AGE = "public, max-age=86400";
  /**
   * The page runs only its own scripts and talks only to its own origin (the WebSocket included),
   * and may not be framed: a read token typed into it stays there.
   */
  private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  void mount(Router router) {
    StaticHandler page = StaticHandler.create(WEBROOT).setCachingEnabled(true).setDirectoryListing(false);
    StaticHandler vendor = StaticHandler.create(chartJsDist()).setCachingEnabled(true).setDirectoryListing(false);
    // also answers /dashboard/ (a trailing slash matches the route); the page, not StaticHandler's
    // redirect to /dashboard/, which would drop the query (?store=&token=)
    router.get("/dashboard").handler(DashboardPage::pageHeaders).handler(DashboardPage::index);
    router.route("/dashboard/vendor/*").handler(ctx -> cacheFor(ctx, VENDOR_MAX_AGE)).handler(vendor);
    router.route("/dashboard/*").handler(DashboardPage::pageHeaders).handler(page);
  }

  private static void index(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").sendFile(WEBROOT + "/index.html")
        .onFailure(ctx::fail);
  }

  /** Headers for the page and its own assets; {@link StaticHandler} keeps a Cache-Control set before it. */
  private static void pageHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY");
    cacheFor(ctx, REVALIDATE);
  }

  private static void cacheFor(RoutingContext ctx, String cacheControl) {
    ctx.response()
        .putHeader("Cache-Control", cacheControl)
        .putHeader("X-Content-Type-Options", "nosniff");
    ctx.next();
  }

  /** The webjar's {@code dist} directory, found through its version so that an upgrade needs no code change. */
  private static String chartJsDist() {
    try (InputStream in = DashboardPage.class.getClassLoader().getResourceAsStream(CHART_JS_POM)) {
      if (in == null) {
        throw new IllegalStateException("the Chart.js webjar is not on the classpath (" + CHART_JS_POM + ")");
      }
      Properties pom = new Properties();
      pom.load(in);
      return "META-INF/resources/webjars/chart.js/" + pom.getProperty("version") + "/dist";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
