package dev.switchboard.gateway.tenants;

import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of every tenant, published on the local bus whenever it changes. Holds
 * decrypted secrets: it never leaves the JVM (local consumers only) and is never logged.
 */
public record TenantDirectory(long version, Map<String, TenantView> tenants) {
  public static final TenantDirectory EMPTY = new TenantDirectory(0, Map.of());

  public TenantDirectory {
    tenants = Map.copyOf(tenants);
  }

  public Optional<TenantView> tenant(String id) {
    return Optional.ofNullable(id == null ? null : tenants.get(id));
  }

  @Override
  public String toString() {
    return "TenantDirectory[v" + version + ", " + tenants.size() + " tenants]";
  }
}
