package dev.switchboard.gateway.config;

import java.time.Duration;

/**
 * How many failed authentications (wrong or missing tenant API key or admin token) one remote
 * address may make within a window before the edge answers it {@code 429 too_many_auth_failures}
 * until the window ends ({@code http.authFailureLimit}, {@code http.authFailureWindow}).
 *
 * @param limit   failures per window and address
 * @param window  the fixed window, starting at an address's first failure
 * @param tracked at most this many addresses are tracked at once (bounded memory)
 */
public record AuthFailureLimit(int limit, Duration window, int tracked) {
  public static final int DEFAULT_LIMIT = 20;
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final int DEFAULT_TRACKED = 10_000;
  public static final AuthFailureLimit DEFAULTS = new AuthFailureLimit(DEFAULT_LIMIT, DEFAULT_WINDOW, DEFAULT_TRACKED);
}
