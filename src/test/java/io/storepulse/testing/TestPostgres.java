package io.storepulse.testing;

import io.storepulse.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL for the whole test JVM, with the library's fast test settings; each
 * caller gets a database of its own, so tests never see each other's rows.
 */
public final class TestPostgres {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestPostgres() {
  }

  /** A new, empty database on the shared server. */
  public static synchronized DatabaseUrl newDatabase() {
    try {
      if (server == null) {
        server = EmbeddedPostgres.builder().start();
      }
      String name = "test_" + DATABASES.incrementAndGet();
      try (Connection c = DriverManager.getConnection(server.getJdbcUrl("postgres", "postgres"));
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      }
      return new DatabaseUrl("127.0.0.1", server.getPort(), name, "postgres", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code db.url} setting that points a server at this database. */
  public static String settingValue(DatabaseUrl url) {
    return "postgresql://" + url.user() + "@" + url.host() + ":" + url.port() + "/" + url.database();
  }

  /** A plain JDBC connection, separate from the server's pools. */
  public static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  /** Runs a query that returns one value, binding {@code params} to its placeholders in order. */
  public static <T> T queryValue(DatabaseUrl url, Class<T> type, String sql, Object... params) {
    try (Connection c = connect(url); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet rows = s.executeQuery()) {
        if (!rows.next()) {
          throw new IllegalStateException("no row from " + sql);
        }
        return rows.getObject(1, type);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Runs a query that returns one number. */
  public static long queryLong(DatabaseUrl url, String sql) {
    try (Connection c = connect(url); Statement s = c.createStatement(); var rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
