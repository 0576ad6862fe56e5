package dev.switchboard.gateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import dev.switchboard.gateway.StartupException;
import dev.switchboard.gateway.config.ClusterSettings;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The Hazelcast configuration of a node: the Vert.x defaults (the event-bus subscription maps)
 * with a TCP/IP member list instead of multicast, bound to the one interface of
 * {@code cluster.host} (never all interfaces), and failure detection in seconds rather than a
 * minute so that a node that died leaves the membership soon.
 */
public final class HazelcastSetup {
  /** The Hazelcast cluster name: nodes of other products on the same hosts never join ours. */
  public static final String CLUSTER_NAME = "switchboard";

  private HazelcastSetup() {
  }

  public static Config config(ClusterSettings cluster) {
    String ip = ip(cluster.host());
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(CLUSTER_NAME);
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.socket.bind.any", "false");
    // the gateway's own shutdown hook leaves the cluster after draining, Hazelcast must not go first
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cluster.port()).setPortAutoIncrement(false).setPublicAddress(ip + ":" + cluster.port());
    net.getInterfaces().setEnabled(true).clear().addInterface(ip);
    net.getJoin().getMulticastConfig().setEnabled(false);
    net.getJoin().getAutoDetectionConfig().setEnabled(false);
    net.getJoin().getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return hz;
  }

  /** {@code host} as an IP address (Hazelcast's interface list takes addresses, not names). */
  public static String ip(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new StartupException("bad config: cluster.host: cannot resolve '" + host + "'");
    }
  }
}
