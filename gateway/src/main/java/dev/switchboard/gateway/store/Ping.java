package dev.switchboard.gateway.store;

/** Asks the store whether the database answers. */
public record Ping() {
  public static final Ping INSTANCE = new Ping();
}
