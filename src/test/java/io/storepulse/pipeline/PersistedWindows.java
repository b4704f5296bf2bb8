package io.storepulse.pipeline;

import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** The pipeline's tables read over a JDBC connection of the test's own, not through the server. */
final class PersistedWindows {

  /** A persisted window: its status and metrics document. */
  record Row(String status, JsonObject metrics) {
  }

  private PersistedWindows() {
  }

  /** Every persisted window of {@code kind} of the given stores. */
  static Map<ReferenceWindows.Key, Row> read(Connection connection, Collection<String> stores, String kind)
      throws SQLException {
    Map<ReferenceWindows.Key, Row> windows = new TreeMap<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT store_id, window_start, status, metrics::text FROM window_metrics"
            + " WHERE window_kind = ? AND store_id = ANY(?)")) {
      query.setString(1, kind);
      query.setArray(2, connection.createArrayOf("text", stores.toArray()));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          windows.put(new ReferenceWindows.Key(rows.getString(1), kind,
                  rows.getObject(2, OffsetDateTime.class).toInstant()),
              new Row(rows.getString(3), new JsonObject(rows.getString(4))));
        }
      }
    }
    return windows;
  }

  /**
   * Whether every one of {@code partitions} partitions has persisted a checkpoint at or past the
   * last position of the event log: then every logged event is applied and its results are stored.
   */
  static boolean caughtUp(Connection connection, int partitions) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT (SELECT count(*) FROM pipeline_checkpoints),"
            + " (SELECT coalesce(min(position), 0) FROM pipeline_checkpoints),"
            + " (SELECT coalesce(max(position), 0) FROM events)")) {
      rows.next();
      return rows.getInt(1) == partitions && rows.getLong(2) >= rows.getLong(3);
    }
  }

  /** Windows of {@code kind} of the given stores that are still provisional. */
  static long provisional(Connection connection, Collection<String> stores, String kind) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM window_metrics"
        + " WHERE window_kind = ? AND store_id = ANY(?) AND status = 'provisional'")) {
      query.setString(1, kind);
      query.setArray(2, connection.createArrayOf("text", stores.toArray()));
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}
