package dev.switchboard.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cluster mode ({@code cluster:}, off by default): several gateway nodes on one Hazelcast-clustered
 * event bus and one PostgreSQL. Members find each other over TCP/IP only (a fixed member list, no
 * multicast), on the interface of {@code host}.
 *
 * @param enabled whether this node joins a cluster
 * @param host    the address this node binds and announces for Hazelcast and the event bus
 * @param port    this node's Hazelcast port
 * @param members the members to join, {@code host:port} each (this node may be one of them)
 */
public record ClusterSettings(boolean enabled, String host, int port, List<String> members) {
  public static final ClusterSettings OFF = new ClusterSettings(false, "127.0.0.1", 5701, List.of());

  public ClusterSettings {
    members = List.copyOf(members);
  }

  /**
   * Reads {@code cluster.*} with the environment overrides {@code CLUSTER_HOST}, {@code CLUSTER_PORT}
   * and {@code CLUSTER_MEMBERS} (comma-separated; setting it turns cluster mode on).
   */
  static ClusterSettings from(JsonReader cluster, Map<String, String> env, String databaseUrl) {
    String membersEnv = env.get("CLUSTER_MEMBERS");
    boolean enabled = Boolean.parseBoolean(cluster.string("enabled", "false").trim())
        || (membersEnv != null && !membersEnv.isBlank());
    if (!enabled) {
      return OFF;
    }
    String host = cluster.string("host", OFF.host());
    String hostKey = cluster.key("host");
    if (present(env.get("CLUSTER_HOST"))) {
      host = env.get("CLUSTER_HOST").trim();
      hostKey = "CLUSTER_HOST";
    }
    if (host.isBlank() || host.contains(":") || host.contains(" ")) {
      throw new ConfigError(hostKey, "must be an IPv4 address or host name, got '" + host + "'");
    }
    int port = cluster.integer("port", OFF.port(), 1, 65535);
    if (present(env.get("CLUSTER_PORT"))) {
      port = port("CLUSTER_PORT", env.get("CLUSTER_PORT"));
    }
    List<String> members = new ArrayList<>();
    String membersKey = cluster.key("members");
    if (present(membersEnv)) {
      membersKey = "CLUSTER_MEMBERS";
      for (String m : membersEnv.split(",")) {
        if (!m.isBlank()) {
          members.add(m.trim());
        }
      }
    } else {
      members.addAll(cluster.strings("members"));
    }
    if (members.isEmpty()) {
      throw new ConfigError(membersKey, "is required in cluster mode: the host:port of each member");
    }
    for (int i = 0; i < members.size(); i++) {
      member(membersKey + (membersKey.startsWith("CLUSTER") ? "" : "[" + i + "]"), members.get(i));
    }
    if (databaseUrl == null) {
      throw new ConfigError("cluster", "cluster mode needs DATABASE_URL (or database.url): all nodes share one "
          + "PostgreSQL, never an embedded one each");
    }
    return new ClusterSettings(true, host, port, members);
  }

  private static void member(String key, String member) {
    int colon = member.lastIndexOf(':');
    if (colon <= 0 || colon == member.length() - 1) {
      throw new ConfigError(key, "must be host:port, got '" + member + "'");
    }
    port(key, member.substring(colon + 1));
  }

  private static int port(String key, String value) {
    try {
      int p = Integer.parseInt(value.trim());
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new ConfigError(key, "must be a port number (1-65535), got '" + value + "'");
    }
  }

  private static boolean present(String v) {
    return v != null && !v.isBlank();
  }

  /** The few typed reads {@link #from} needs of the config tree (GatewayConfig's reader). */
  interface JsonReader {
    String key(String field);

    String string(String field, String fallback);

    int integer(String field, int fallback, int min, int max);

    List<String> strings(String field);
  }
}
