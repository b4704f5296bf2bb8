package io.storepulse.http;

import io.storepulse.api.ClientFault;
import io.storepulse.store.ApiKey;
import io.storepulse.store.KeyKind;
import io.storepulse.store.KeyRegistry;
import io.storepulse.store.Secrets;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Finds and checks the credential a request presents. */
public final class Credentials {

  private static final String BEARER = "Bearer ";
  private static final String BASIC = "Basic ";
  public static final String WRITE_KEY_HEADER = "X-Write-Key";
  public static final String WRITE_KEY_PARAMETER = "writeKey";
  public static final String DASHBOARD_TOKEN_PARAMETER = "token";

  private final KeyRegistry keys;
  private final String adminToken;

  public Credentials(KeyRegistry keys, String adminToken) {
    this.keys = keys;
    this.adminToken = adminToken;
  }

  /**
   * The store key of a request: {@code Authorization: Bearer <key>}, Basic with the key as the
   * user name and an empty password (Segment's convention), {@code X-Write-Key}, or — for a
   * write key only — the {@code writeKey} query parameter, because {@code navigator.sendBeacon}
   * cannot set headers (write keys are public in the browser anyway).
   *
   * @throws ClientFault 401 when none is presented or it is unknown or revoked, 403 when it is of
   *     another kind
   */
  public ApiKey require(HttpServerRequest request, KeyKind kind) {
    String secret = presentedSecret(request);
    if (secret == null && kind == KeyKind.WRITE) {
      secret = blankToNull(request.getParam(WRITE_KEY_PARAMETER));
    }
    if (secret == null) {
      throw ClientFault.unauthorized("send a " + kind.wireName() + " key as 'Authorization: Bearer <key>'"
          + (kind == KeyKind.WRITE ? ", as the Basic user name, in " + WRITE_KEY_HEADER
          + " or as the query parameter " + WRITE_KEY_PARAMETER : ""));
    }
    ApiKey key = keys.find(secret).orElseThrow(() -> ClientFault.unauthorized("the key is unknown or revoked"));
    if (key.kind() != kind) {
      throw ClientFault.forbidden("a " + key.kind().wireName() + " key cannot be used here; this needs a "
          + kind.wireName() + " key");
    }
    return key;
  }

  /** @throws ClientFault 401 unless the request carries the admin token as a Bearer token */
  public void requireAdmin(HttpServerRequest request) {
    String authorization = request.getHeader("Authorization");
    if (authorization == null || !hasScheme(authorization, BEARER)
        || !Secrets.sameSecret(authorization.substring(BEARER.length()).trim(), adminToken)) {
      throw ClientFault.unauthorized("send the admin token as 'Authorization: Bearer <token>'");
    }
  }

  /** Whether the request carries the admin token as a Bearer token. */
  public boolean isAdmin(HttpServerRequest request) {
    String authorization = request.getHeader("Authorization");
    return authorization != null && hasScheme(authorization, BEARER)
        && Secrets.sameSecret(authorization.substring(BEARER.length()).trim(), adminToken);
  }

  /**
   * Who opens a dashboard WebSocket: the admin token sees every store, a read token its own. The
   * token may come as the {@code token} query parameter, since browsers cannot set headers on a
   * WebSocket.
   *
   * @return the one store the viewer may see, or null for the admin token's every store
   * @throws ClientFault 401 when no token is presented or it is unknown or revoked, 403 for a
   *     write key
   */
  public String requireDashboardViewer(HttpServerRequest request) {
    String secret = presentedSecret(request);
    if (secret == null) {
      secret = blankToNull(request.getParam(DASHBOARD_TOKEN_PARAMETER));
    }
    if (secret == null) {
      throw ClientFault.unauthorized("send a read token as the query parameter " + DASHBOARD_TOKEN_PARAMETER
          + " or as 'Authorization: Bearer <token>'");
    }
    if (Secrets.sameSecret(secret, adminToken)) {
      return null;
    }
    ApiKey key = keys.find(secret).orElseThrow(() -> ClientFault.unauthorized("the token is unknown or revoked"));
    if (key.kind() != KeyKind.READ) {
      throw ClientFault.forbidden("a " + key.kind().wireName() + " key cannot open dashboards; use a read token");
    }
    return key.storeId();
  }

  private static String presentedSecret(HttpServerRequest request) {
    String authorization = request.getHeader("Authorization");
    if (authorization != null) {
      if (hasScheme(authorization, BEARER)) {
        return blankToNull(authorization.substring(BEARER.length()).trim());
      }
      if (hasScheme(authorization, BASIC)) {
        return basicUser(authorization.substring(BASIC.length()).trim());
      }
      return null;
    }
    return blankToNull(request.getHeader(WRITE_KEY_HEADER));
  }

  /** Authentication schemes are case-insensitive (RFC 9110 §11.1). */
  private static boolean hasScheme(String authorization, String scheme) {
    return authorization.regionMatches(true, 0, scheme, 0, scheme.length());
  }

  private static String basicUser(String encoded) {
    try {
      String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return blankToNull(colon < 0 ? decoded : decoded.substring(0, colon));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
