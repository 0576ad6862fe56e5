package dev.switchboard.gateway.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's view of the cluster: how many members there are now (a volatile read, so the
 * admission and pacing code divide a tenant's limit by it on their own threads at no cost), and a
 * count of rebalances (each membership change re-divides every limit). A single node is a cluster
 * of one: {@link #SINGLE} never changes.
 */
public final class ClusterView {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);
  /** The single-node view: one member, no Hazelcast. */
  public static final ClusterView SINGLE = new ClusterView(null);

  private final HazelcastInstance hazelcast;
  private final AtomicInteger members = new AtomicInteger(1);
  private final AtomicInteger rebalances = new AtomicInteger();

  private ClusterView(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /** Follows the membership of {@code hazelcast} and exposes it as {@code switchboard_cluster_*}. */
  public static ClusterView of(HazelcastInstance hazelcast, MeterRegistry registry) {
    ClusterView view = new ClusterView(hazelcast);
    Gauge.builder("switchboard.cluster.members", view.members, AtomicInteger::get)
        .description("Members of the gateway cluster as this node sees them").register(registry);
    Counter rebalanced = Counter.builder("switchboard.cluster.rebalances")
        .description("Membership changes: each one re-divides the tenants' limits among the members")
        .register(registry);
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        view.update(event.getMembers().size(), rebalanced, "joined", event);
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        view.update(event.getMembers().size(), rebalanced, "left", event);
      }
    });
    view.members.set(hazelcast.getCluster().getMembers().size());
    return view;
  }

  private void update(int size, Counter rebalanced, String what, MembershipEvent event) {
    members.set(Math.max(1, size));
    rebalances.incrementAndGet();
    rebalanced.increment();
    LOG.atInfo().addKeyValue("members", size).addKeyValue("member", event.getMember().getAddress().toString())
        .log("cluster member {}: {} members now", what, size);
  }

  public boolean clustered() {
    return hazelcast != null;
  }

  /** Members now (1 on a single node). */
  public int members() {
    return members.get();
  }

  public int rebalances() {
    return rebalances.get();
  }

  /** The members' addresses ({@code host:port}), for {@code /ready}; empty on a single node. */
  public List<String> addresses() {
    if (hazelcast == null) {
      return List.of();
    }
    return hazelcast.getCluster().getMembers().stream()
        .map(m -> m.getAddress().getHost() + ":" + m.getAddress().getPort()).sorted().toList();
  }
}
