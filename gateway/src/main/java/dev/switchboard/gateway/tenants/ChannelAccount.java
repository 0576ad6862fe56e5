package dev.switchboard.gateway.tenants;

import dev.switchboard.plugin.channel.AccountConfig;

/** A tenant's account on one channel, secrets decrypted. Never log it. */
public record ChannelAccount(String channel, String accountRef, AccountConfig config) {
  @Override
  public String toString() {
    return "ChannelAccount[" + channel + ", " + accountRef + "]";
  }
}
