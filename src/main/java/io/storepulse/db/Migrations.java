package io.storepulse.db;

import io.storepulse.config.DatabaseUrl;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings the schema up to date with the versioned migrations in {@code sql/}. */
public final class Migrations {

  private Migrations() {
  }

  /**
   * Applies pending migrations, retrying the first connection once a second.
   *
   * @param connectAttempts how many times to try reaching the database
   * @return how many migrations were applied
   */
  public static int migrate(DatabaseUrl url, int connectAttempts) {
    Flyway flyway = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations("classpath:db/migration")
        .connectRetries(connectAttempts - 1)
        .connectRetriesInterval(1)
        .load();
    MigrateResult result = flyway.migrate();
    return result.migrationsExecuted;
  }
}
