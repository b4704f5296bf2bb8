package io.storepulse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * storepulse in a child JVM ({@code java -cp <test classpath> io.storepulse.Main}), configured
 * through its environment like an operator would, so that signals, exit codes, console output
 * and crashes are the real ones. Output goes to {@code stdout.log} and {@code stderr.log} in a
 * directory of its own under {@code target/forked-servers}, which is also its working directory
 * (so no {@code conf/} file is picked up unless a test passes {@code --config}).
 */
public final class ForkedServer implements AutoCloseable {

  public static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Path LOG_ROOT = Path.of("target", "forked-servers").toAbsolutePath();
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final HttpClient PROBE = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1))
      .build();

  private final String name;
  private final Process process;
  private final int port;
  private final Path dataDir;
  private final Path directory;

  private ForkedServer(String name, Process process, int port, Path dataDir, Path directory) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.directory = directory;
  }

  /** @param name names the log directory; a sequence number keeps names unique within a run */
  public static Builder builder(String name, Path dataDir) {
    return new Builder(name, dataDir);
  }

  /** What the child is started with. Any {@code STOREPULSE_*} variable of the test JVM is dropped. */
  public static final class Builder {
    private final String name;
    private final Path dataDir;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> arguments = new ArrayList<>();
    private int port = FreePort.next();

    private Builder(String name, Path dataDir) {
      this.name = name;
      this.dataDir = dataDir;
    }

    /** Sets {@code STOREPULSE_HTTP_PORT} to this port rather than a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder adminToken(String token) {
      return env("STOREPULSE_ADMIN_TOKEN", token);
    }

    /** An external database instead of the embedded one. */
    public Builder databaseUrl(String url) {
      return env("STOREPULSE_DB_URL", url);
    }

    /** An environment variable; also overrides the ones this builder sets itself. */
    public Builder env(String variable, String value) {
      environment.put(variable, value);
      return this;
    }

    public Builder args(String... args) {
      arguments.addAll(Arrays.asList(args));
      return this;
    }

    /** Starts the child and returns at once; see {@link #awaitReady()} and {@link #awaitExit}. */
    public ForkedServer start() {
      Path directory = LOG_ROOT.resolve(name + "-" + SEQUENCE.incrementAndGet());
      try {
        Files.createDirectories(directory);
        Files.deleteIfExists(directory.resolve("stdout.log"));
        Files.deleteIfExists(directory.resolve("stderr.log"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m",
          "-cp", System.getProperty("java.class.path"),
          "io.storepulse.Main"));
      command.addAll(arguments);
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(directory.toFile())
          .redirectOutput(directory.resolve("stdout.log").toFile())
          .redirectError(directory.resolve("stderr.log").toFile());
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(variable -> variable.startsWith("STOREPULSE_"));
      env.put("STOREPULSE_HTTP_HOST", "127.0.0.1");
      env.put("STOREPULSE_HTTP_PORT", Integer.toString(port));
      env.put("STOREPULSE_DATA_DIR", dataDir.toAbsolutePath().toString());
      env.putAll(environment);
      try {
        return new ForkedServer(name, builder.start(), port, dataDir, directory);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + command, e);
      }
    }

    /** Starts the child and waits until {@code /health/ready} answers 200. */
    public ForkedServer startReady() {
      ForkedServer server = start();
      server.awaitReady();
      return server;
    }
  }

  /** Waits up to {@link #READY_TIMEOUT} for {@code /health/ready} to answer 200. */
  public void awaitReady() {
    try {
      Deadline.await(READY_TIMEOUT, name + " to be ready on port " + port, () -> {
        if (!process.isAlive()) {
          throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready");
        }
        return readyStatus() == 200;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + describe(), e);
    }
  }

  /** The status of {@code /health/ready}, or -1 when nothing answers. */
  public int readyStatus() {
    HttpRequest request = HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(2)).GET().build();
    try {
      return PROBE.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** {@link ProcessHandle#destroy()}: SIGTERM, which the server answers by draining and exiting 0. */
  public void sigterm() {
    process.destroy();
  }

  /** SIGKILL: the JVM ends at once; an embedded PostgreSQL it started keeps running. */
  public void sigkill() {
    process.destroyForcibly();
  }

  /** Waits for the process to end and returns its exit code; fails the test after {@code timeout}. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still running " + timeout + " later" + describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public String stdout() {
    return read(directory.resolve("stdout.log"));
  }

  public String stderr() {
    return read(directory.resolve("stderr.log"));
  }

  /** Everything the process wrote: standard output, then standard error. */
  public String logText() {
    return stdout() + stderr();
  }

  /** The end of both outputs, for assertion messages. */
  public String describe() {
    return "\n--- " + name + " (pid " + process.pid() + ", logs in " + directory + ") stdout, last lines:\n"
        + tail(stdout(), 40) + "\n--- stderr, last lines:\n" + tail(stderr(), 20) + "\n---";
  }

  /**
   * Leaves nothing running: a live server gets SIGTERM (so it stops its database itself) and
   * SIGKILL if it does not exit in time; a PostgreSQL still running on its data directory
   * afterwards (orphaned by a SIGKILL) is stopped too.
   */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    EmbeddedPostmaster.of(dataDir).filter(EmbeddedPostmaster::isRunning)
        .ifPresent(postmaster -> postmaster.stop(Duration.ofSeconds(20)));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
