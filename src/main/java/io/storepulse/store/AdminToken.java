package io.storepulse.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The admin token: the configured one, or one generated on first start and kept, readable by
 * the owner only, in the data directory.
 */
public final class AdminToken {

  static final String FILE_NAME = "admin-token";

  /** The token and whether it was generated just now (and so must be shown once). */
  public record Resolved(String token, boolean generated, Path file) {
  }

  private AdminToken() {
  }

  public static Resolved resolve(Optional<String> configured, Path dataDir) throws IOException {
    if (configured.isPresent()) {
      return new Resolved(configured.get(), false, null);
    }
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      return new Resolved(Files.readString(file, StandardCharsets.UTF_8).trim(), false, file);
    }
    String token = "spa_" + Secrets.randomToken(32);
    Path temporary = dataDir.resolve(FILE_NAME + ".tmp");
    Files.deleteIfExists(temporary);
    Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temporary, token + "\n", StandardCharsets.UTF_8);
    // the rename makes a half-written token file impossible after a crash
    Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return new Resolved(token, true, file);
  }
}
