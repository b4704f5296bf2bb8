package io.storepulse.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven through Selenium by Debian's chromedriver, both named
 * explicitly so that Selenium Manager never tries to download a browser; a fresh profile per
 * instance, deleted on close. Runs as root on a closed network, hence the flags.
 */
public final class Chromium implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");
  /**
   * Selenium warns on every session that it has no DevTools bindings for this Chromium's version;
   * the one DevTools command used here ({@link #beforeEveryPage}) goes through chromedriver and
   * needs none. Held here so that the level set on it is not lost with a collected logger.
   */
  private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_VERSION_FINDER.setLevel(Level.SEVERE);
  }

  private final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Whether the browser and its driver are installed ({@code apt-get install chromium chromium-driver}). */
  public static boolean installed() {
    return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
  }

  /** A browser whose viewport is {@code width} x {@code height} CSS pixels, speaking US English. */
  public static Chromium start(int width, int height) {
    Path profile;
    try {
      profile = Files.createTempDirectory("storepulse-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--lang=en-US", "--hide-scrollbars",
        "--window-size=" + width + "," + height);
    options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort()
        .build();
    Chromium chromium = new Chromium(new ChromeDriver(service, options), profile);
    chromium.resize(width, height);
    return chromium;
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Makes the viewport (not the window) {@code width} x {@code height}. */
  public void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
    Number innerWidth = (Number) script("return window.innerWidth");
    Number innerHeight = (Number) script("return window.innerHeight");
    if (innerWidth.intValue() != width || innerHeight.intValue() != height) {
      driver.manage().window().setSize(new Dimension(2 * width - innerWidth.intValue(),
          2 * height - innerHeight.intValue()));
    }
  }

  /** Runs JavaScript in the page. */
  public Object script(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(script, arguments);
  }

  /** Runs {@code source} in every document before the page's own scripts (DevTools {@code Page.addScriptToEvaluateOnNewDocument}). */
  public void beforeEveryPage(String source) {
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source));
  }

  /** The visible text of the first element matching {@code css}, or null when there is none. */
  public String text(String css) {
    try {
      return driver.findElement(By.cssSelector(css)).getText();
    } catch (NoSuchElementException | StaleElementReferenceException e) {
      return null;
    }
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits until the element's visible text is {@code expected}. */
  public void awaitText(String css, String expected) {
    await(css, "read '" + expected + "'", () -> expected.equals(text(css)));
  }

  /** Waits until the element's visible text contains {@code part}. */
  public void awaitTextContaining(String css, String part) {
    await(css, "contain '" + part + "'", () -> {
      String text = text(css);
      return text != null && text.contains(part);
    });
  }

  private void await(String css, String what, BooleanSupplier condition) {
    try {
      Deadline.await(Duration.ofSeconds(30), css + " to " + what, condition);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; it reads '" + text(css) + "'; console: "
          + consoleMessages(Level.ALL), e);
    }
  }

  /** Saves what the viewport shows as {@code target/screenshots/<name>.png}. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Saves the whole page, beyond the viewport, as {@code target/screenshots/<name>.png}. */
  public Path fullPageScreenshot(String name) {
    Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
        Map.of("format", "png", "captureBeyondViewport", true));
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The console messages logged at {@code level} or above since the last call. */
  public List<String> consoleMessages(Level level) {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= level.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // a leftover temporary profile is harmless
      }
    }
  }
}
