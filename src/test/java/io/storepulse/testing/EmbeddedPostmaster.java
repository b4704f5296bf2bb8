package io.storepulse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The embedded PostgreSQL of a storepulse data directory, as its {@code postmaster.pid} describes
 * it: line 1 is the postmaster's pid, line 4 its port. Lets a test reach the database of a
 * forked server over JDBC, and kill the database the way a dying machine would.
 */
public record EmbeddedPostmaster(long pid, int port) {

  /** The running embedded PostgreSQL of {@code dataDir}, if its pid file is there. */
  public static Optional<EmbeddedPostmaster> of(Path dataDir) {
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile(dataDir));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (lines.size() < 4 || lines.get(0).isBlank() || lines.get(3).isBlank()) {
      return Optional.empty(); // being written by a postmaster that is still starting
    }
    long pid = Long.parseLong(lines.get(0).trim());
    return Optional.of(new EmbeddedPostmaster(pid, Integer.parseInt(lines.get(3).trim())));
  }

  /** As {@link #of}, failing the test when there is none. */
  public static EmbeddedPostmaster running(Path dataDir) {
    return of(dataDir).orElseThrow(() -> new AssertionError("no postmaster.pid under " + dataDir.resolve("postgres")));
  }

  public static Path pidFile(Path dataDir) {
    return dataDir.resolve("postgres").resolve("postmaster.pid");
  }

  /** A JDBC connection as the embedded server's superuser, independent of the storepulse process. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
  }

  /**
   * Whether the postmaster runs. The pid is checked to belong to a {@code postgres} process: a
   * stale pid file may name a pid that has since been given to something else.
   */
  public boolean isRunning() {
    return process().isPresent();
  }

  private Optional<ProcessHandle> process() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(command -> command.contains("postgres")).orElse(false));
  }

  /**
   * SIGKILLs the postmaster and every process it started, as a power cut would end them, and
   * waits until they are gone: only what PostgreSQL had made durable is left.
   *
   * @throws AssertionError when the postmaster is not running
   */
  public void killWithChildren(Duration timeout) {
    ProcessHandle postmaster = process().orElseThrow(() -> new AssertionError("postmaster " + pid + " is not running"));
    // taken before the kill: once the postmaster is dead its children are no longer its descendants;
    // "gone" includes being reaped, as PostgreSQL will not start while the old pid still exists
    List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
    all.add(0, postmaster);
    all.forEach(ProcessHandle::destroyForcibly);
    Deadline.await(timeout, "postmaster " + pid + " and its children to be gone",
        () -> all.stream().noneMatch(ProcessHandle::isAlive));
  }

  /** Asks the postmaster for a smart shutdown, then kills it if it has not gone by {@code timeout}. */
  public void stop(Duration timeout) {
    Optional<ProcessHandle> postmaster = process();
    if (postmaster.isEmpty()) {
      return;
    }
    postmaster.get().destroy();
    try {
      Deadline.await(timeout, "postmaster " + pid + " to stop", () -> !postmaster.get().isAlive());
    } catch (AssertionError e) {
      if (isRunning()) {
        killWithChildren(timeout);
      }
    }
  }
}
