package dev.switchboard.gateway;

import java.lang.management.ManagementFactory;
import java.util.UUID;

/** This process's name in leases: host, pid and a random part (a restarted process is a new owner). */
final class NodeName {
  private NodeName() {
  }

  static String of() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    return host + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
  }
}
