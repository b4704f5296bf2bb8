package io.storepulse.pipeline;

import io.storepulse.config.DatabaseUrl;
import io.storepulse.testing.Deadline;
import io.storepulse.testing.TestPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Holds a partition's flush in flight: a transaction of the test's own locks the partition's
 * checkpoint row, so the flush's last statement waits for it. The flush then completes when the
 * lock is released, or fails when its connection is terminated.
 */
final class CheckpointLock implements AutoCloseable {

  private static final String WAITING_FLUSH = "FROM pg_stat_activity WHERE datname = current_database()"
      + " AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO pipeline_checkpoints%'";

  private final Connection lock;
  private final Connection watch;

  /** Locks the checkpoint row of {@code partition}, which must exist (the partition has flushed once). */
  CheckpointLock(DatabaseUrl database, int partition) throws SQLException {
    lock = TestPostgres.connect(database);
    watch = TestPostgres.connect(database);
    lock.setAutoCommit(false);
    try (PreparedStatement row = lock.prepareStatement(
        "SELECT position FROM pipeline_checkpoints WHERE partition = ? FOR UPDATE")) {
      row.setInt(1, partition);
      try (ResultSet rows = row.executeQuery()) {
        if (!rows.next()) {
          throw new IllegalStateException("partition " + partition + " has no checkpoint yet");
        }
      }
    }
  }

  /** Waits until a flush waits for the lock. */
  void awaitWaitingFlush() {
    Deadline.await(Duration.ofSeconds(10), "a flush to wait for the checkpoint row", () -> waitingFlushes() == 1);
  }

  /** Makes the waiting flush fail: its connection is terminated. */
  void failWaitingFlush() throws SQLException {
    if (count("SELECT count(pg_terminate_backend(pid)) " + WAITING_FLUSH) != 1) {
      throw new AssertionError("no flush was waiting");
    }
  }

  /** Lets the waiting flush (or the next) write its checkpoint. */
  void release() throws SQLException {
    lock.rollback();
  }

  private long waitingFlushes() {
    try {
      return count("SELECT count(*) " + WAITING_FLUSH);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long count(String sql) throws SQLException {
    try (Statement statement = watch.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      lock.rollback();
      lock.close();
    } finally {
      watch.close();
    }
  }
}
