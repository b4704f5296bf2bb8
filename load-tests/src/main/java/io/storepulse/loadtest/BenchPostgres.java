package io.storepulse.loadtest;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The PostgreSQL that both storepulse and the raw insert baseline write to during a benchmark: an
 * embedded server with the durable settings storepulse uses for its own embedded database, so an
 * acknowledged event costs a real WAL flush. Data lives in a temporary directory removed at exit.
 *
 * <p>Prints the server's URL, its postmaster pid and data directory (so a script can clean up even
 * if this JVM is killed), then blocks until the process is stopped.
 *
 * <p>Options: {@code --port} (default 5432).
 */
public final class BenchPostgres {

  /** Durability settings that a benchmark of acknowledged-after-commit ingest must not relax. */
  private static final List<String> DURABLE_SETTINGS = List.of("fsync", "synchronous_commit", "full_page_writes");

  private BenchPostgres() {
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args, Set.of("port"));
    int port = options.positiveInt("port", 5432);

    Path dataDirectory = Files.createTempDirectory("storepulse-bench-pg-");
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setPort(port)
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(true)
        // closed by our own hook, which also owns the data directory
        .setRegisterShutdownHook(false);
    // zonky starts the server with -F (fsync off); a later -c fsync=on overrides it
    for (String setting : DURABLE_SETTINGS) {
      builder.setServerConfig(setting, "on");
    }
    // as storepulse's EmbeddedDatabase, so the raw insert and storepulse checkpoint alike
    builder.setServerConfig("max_wal_size", "4GB");
    builder.setServerConfig("checkpoint_timeout", "15min");

    EmbeddedPostgres postgres;
    try {
      postgres = builder.start();
    } catch (IOException | RuntimeException e) {
      deleteRecursively(dataDirectory);
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        postgres.close();
      } catch (IOException e) {
        System.err.println("stopping PostgreSQL failed: " + e);
      } finally {
        deleteRecursively(dataDirectory);
      }
    }, "bench-postgres-shutdown"));

    // first, so a script that has to kill this JVM can still stop the server it started
    System.out.println("postmaster pid=" + postmasterPid(dataDirectory) + " data=" + dataDirectory);
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      requireDurable(connection);
    } catch (SQLException | IllegalStateException e) {
      // the hook stops the server and removes its data
      System.err.println(e.getMessage());
      System.exit(1);
    }
    System.out.println("postgresql://postgres:postgres@127.0.0.1:" + port + "/postgres");
    // until the process is stopped; the shutdown hook closes the server
    Thread.currentThread().join();
  }

  private static void requireDurable(Connection connection) throws SQLException {
    StringBuilder shown = new StringBuilder();
    boolean durable = true;
    try (Statement statement = connection.createStatement()) {
      for (String setting : DURABLE_SETTINGS) {
        try (ResultSet result = statement.executeQuery("SHOW " + setting)) {
          result.next();
          String value = result.getString(1);
          shown.append(setting).append('=').append(value).append(' ');
          durable &= "on".equals(value);
        }
      }
    }
    System.out.println("settings " + shown.toString().trim());
    if (!durable) {
      throw new IllegalStateException("PostgreSQL is not running with durable settings: " + shown);
    }
  }

  /** The first line of postmaster.pid is the server's pid. */
  private static String postmasterPid(Path dataDirectory) throws IOException {
    try (Stream<String> lines = Files.lines(dataDirectory.resolve("postmaster.pid"))) {
      return lines.findFirst().orElseThrow(() -> new IOException("empty postmaster.pid")).trim();
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not remove " + root + ": " + e);
    }
  }
}
