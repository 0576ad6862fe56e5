package dev.switchboard.gateway.housekeeping;

import java.time.Instant;
import java.util.List;

/**
 * The latest state each platform account reported (Evolution {@code connection.update} /
 * {@code qrcode.updated}); accounts that never reported one are absent.
 */
public record AccountStates(List<Entry> accounts) {
  public AccountStates {
    accounts = List.copyOf(accounts);
  }

  /** One account: {@code state} as the platform named it ({@code open}, {@code close}, {@code qr}, …). */
  public record Entry(String tenantId, String channel, String accountRef, String state, Instant since) {
    /** True when the account is connected and can send. */
    public boolean up() {
      return "open".equals(state);
    }
  }

  /** Asks the housekeeping verticle for the current states (reply: {@link AccountStates}). */
  public record Query() {
    public static final Query INSTANCE = new Query();
  }
}
