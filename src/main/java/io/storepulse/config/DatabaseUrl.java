package io.storepulse.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** A PostgreSQL location given as {@code postgresql://user:password@host:port/database}. */
public record DatabaseUrl(String host, int port, String database, String user, String password) {

  /**
   * Parses a {@code postgresql://} or {@code postgres://} URL; the port defaults to 5432, the
   * database to {@code postgres}.
   */
  public static DatabaseUrl parse(String text) throws URISyntaxException {
    URI uri = new URI(text);
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new URISyntaxException(text, "scheme must be postgresql");
    }
    if (uri.getHost() == null) {
      throw new URISyntaxException(text, "no host");
    }
    String user = "postgres";
    String password = "";
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.length() > 1 ? path.substring(1) : "postgres";
    return new DatabaseUrl(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, user, password);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** The URL without the password, for logs and messages. */
  public String redacted() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  /** Decodes %-escapes only: in a URL's user info a '+' is a '+', not a space as in form data. */
  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
