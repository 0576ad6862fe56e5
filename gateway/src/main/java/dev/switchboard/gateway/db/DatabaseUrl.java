package dev.switchboard.gateway.db;

import dev.switchboard.gateway.StartupException;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code postgresql://user:pass@host:port/db} URL, the one format the gateway accepts
 * ({@code DATABASE_URL}, {@code database.url}). {@link #toString()} hides the password.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password,
                          String query) {

  public static DatabaseUrl parse(String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new StartupException("database.url is not a valid URL (expected postgresql://user:pass@host:port/db)");
    }
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new StartupException("database.url must start with postgresql:// (got " + scheme + "://)");
    }
    if (uri.getHost() == null) {
      throw new StartupException("database.url has no host (expected postgresql://user:pass@host:port/db)");
    }
    String user = "postgres";
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    String path = uri.getPath();
    String database = path == null || path.length() <= 1 ? user : decode(path.substring(1));
    int port = uri.getPort() > 0 ? uri.getPort() : 5432;
    return new DatabaseUrl(uri.getHost(), port, database, user, password, uri.getRawQuery());
  }

  /** Percent-decoding as in URLs (a '+' stays a '+', unlike form decoding). */
  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The value of a query parameter such as {@code sslmode}, or null. */
  private String queryParam(String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && decode(pair.substring(0, eq)).equals(name)) {
        return decode(pair.substring(eq + 1));
      }
    }
    return null;
  }

  /** The JDBC form, without credentials (pass user and password separately). */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database
        + (query == null ? "" : "?" + query);
  }

  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        // prepareThreshold=0 (pgjdbc's switch for servers behind a session-sharing pooler): no named
        // statements here either, as their names would collide across connections of one session
        .setCachePreparedStatements(!"0".equals(queryParam("prepareThreshold")))
        .setPipeliningLimit(16);
    if (password != null) {
      options.setPassword(password);
    }
    String sslMode = queryParam("sslmode");
    if (sslMode != null) {
      try {
        options.setSslMode(io.vertx.pgclient.SslMode.of(sslMode));
      } catch (IllegalArgumentException e) {
        throw new StartupException("database.url has an unknown sslmode '" + sslMode + "'");
      }
    }
    return options;
  }

  /** The URL including the password, for tools that need to connect (never log it). */
  public String withCredentials() {
    String auth = encode(user) + (password == null ? "" : ":" + encode(password));
    return "postgresql://" + auth + "@" + host + ":" + port + "/" + database
        + (query == null ? "" : "?" + query);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
