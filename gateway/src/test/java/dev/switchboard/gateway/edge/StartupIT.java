package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.GatewayJar;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real fat jar, started as a user would: {@code java -jar switchboard.jar}. */
class StartupIT {
  private static Process launch(Path workDir, Map<String, String> env, String... args) throws IOException {
    return GatewayJar.launch(workDir, env, args);
  }

  private static Path freshDir(String name) {
    return GatewayJar.freshDir("startup-it/" + name);
  }

  @Test
  void startsFromACleanDirectoryOnTheEmbeddedDatabaseAndStopsItOnSigterm() throws Exception {
    Path dir = freshDir("embedded");
    int port = RunningGateway.freePort();
    Process p = launch(dir, Map.of("HTTP_PORT", Integer.toString(port)));
    try {
      boolean ready = GatewayJar.awaitReady(p, port, Duration.ofSeconds(120));
      assertThat(ready).as("ready; stderr: %s", GatewayJar.read(dir.resolve("stderr.log"))).isTrue();
      assertThat(dir.resolve("data/postgres/pgdata/PG_VERSION")).exists();
      assertThat(dir.resolve("data/postgres/pgdata/postmaster.pid")).exists();
      if (linuxX8664()) {
        // the jar carries Netty's epoll library for this platform: the event loops sleep until their next timer
        assertThat(GatewayJar.read(dir.resolve("stdout.log"))).as("the ready line names the transport")
            .contains("\"transport\":\"native\"");
      }
    } finally {
      p.destroy(); // SIGTERM
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dir.resolve("data/postgres/pgdata/postmaster.pid")).as("PostgreSQL stopped with the gateway")
        .doesNotExist();
  }

  private static boolean linuxX8664() {
    return System.getProperty("os.name").startsWith("Linux")
        && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
  }

  @Test
  void badConfigExitsNonZeroWithOneLineNamingTheKey() throws Exception {
    Path dir = freshDir("bad-config");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("switchboard.yaml"), """
        tenants:
          - id: acme
            channels:
              whatsapp:
                phoneNumberId: "106540352242922"
                verifyToken: abc
        """);
    Process p = launch(dir, Map.of("HTTP_PORT", Integer.toString(RunningGateway.freePort())),
        "--config", "switchboard.yaml");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
    List<String> lines = Files.readAllLines(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("tenants[0].channels.whatsapp.appSecret").contains("required");
  }

  @Test
  void takenPortExitsNonZeroWithOneClearLine() throws Exception {
    Path dir = freshDir("port-taken");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      Process p = launch(dir, Map.of("HTTP_PORT", Integer.toString(taken.getLocalPort()),
          "DATABASE_URL", TestDatabase.url().withCredentials()));
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isNotZero();
      List<String> lines = Files.readAllLines(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains("cannot listen on port " + taken.getLocalPort());
    }
  }

  @Test
  void unreachableDatabaseExitsNonZeroWithOneClearLine() throws Exception {
    Path dir = freshDir("db-down");
    int nothingThere = RunningGateway.freePort();
    Process p = launch(dir, Map.of("HTTP_PORT", Integer.toString(RunningGateway.freePort()),
        "DATABASE_URL", "postgresql://switchboard:secret-pw@127.0.0.1:" + nothingThere + "/switchboard"));
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
    List<String> lines = Files.readAllLines(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("database unreachable").doesNotContain("secret-pw");
  }
}
