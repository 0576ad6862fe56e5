package dev.switchboard.gateway.db;

import dev.switchboard.gateway.StartupException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, local PostgreSQL server the gateway starts itself when no database is configured: the
 * cluster lives under {@code <dir>/pgdata}, is initialised on first start, listens on a free
 * loopback port (TCP only, password authentication) and is stopped with the gateway.
 *
 * <p>PostgreSQL refuses to run as root, so when the gateway runs as root the server runs as the
 * {@code postgres} system user (or {@code nobody}) through {@code setpriv}.
 *
 * <p>Every method blocks (processes, JDBC): call them before Vert.x serves anything or on a worker.
 */
public final class EmbeddedPostgres {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final String SUPERUSER = "switchboard";
  private static final String DATABASE = "switchboard";
  private static final int RECOVERY_WAIT_SECONDS = 300;

  private final Path dir;
  private final Path pgdata;
  private final Path binDir;
  private final RunAs runAs;
  private volatile DatabaseUrl url;
  /** The running server's postmaster (read from {@code postmaster.pid} after each start), or null. */
  private volatile ProcessHandle postmaster;

  private EmbeddedPostgres(Path dir, Path binDir, RunAs runAs) {
    this.dir = dir.toAbsolutePath().normalize();
    this.pgdata = this.dir.resolve("pgdata");
    this.binDir = binDir;
    this.runAs = runAs;
  }

  /** Prepares (does not start) a server under {@code dir}; fails with one clear line when PostgreSQL is missing. */
  public static EmbeddedPostgres at(Path dir) {
    return new EmbeddedPostgres(dir, findBinDir(), RunAs.detect());
  }

  /** Starts the server (initialising it first if needed) and returns its URL. Idempotent. */
  public synchronized DatabaseUrl start() {
    if (url != null) {
      return url;
    }
    try {
      Files.createDirectories(dir);
      runAs.prepare(dir);
      String password = password();
      if (!Files.exists(pgdata.resolve("PG_VERSION"))) {
        initdb(password);
      }
      stopIfRunning();
      int port = freePort();
      runAs.ensureWritableFile(log());
      startServer(port);
      DatabaseUrl started = new DatabaseUrl("127.0.0.1", port, DATABASE, SUPERUSER, password, null);
      createDatabase(started);
      // for operators: psql "postgresql://switchboard:$(cat data/postgres/superuser.password)@127.0.0.1:$(cat data/postgres/port)/switchboard"
      Files.writeString(dir.resolve("port"), Integer.toString(port), StandardCharsets.UTF_8);
      url = started;
      LOG.atInfo().addKeyValue("dataDir", pgdata.toString()).addKeyValue("port", port)
          .log("embedded PostgreSQL started");
      return url;
    } catch (IOException e) {
      throw new StartupException("cannot start the embedded PostgreSQL under " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops the server if this instance started it (fast shutdown: in-flight transactions roll back).
   * Not synchronized: it must not wait behind a restart that is still replaying WAL; a starting server
   * is stopped the same way.
   */
  public void stop() {
    if (url == null) {
      return;
    }
    try {
      run(fastStop(),
          "stop PostgreSQL");
      LOG.info("embedded PostgreSQL stopped");
    } catch (RuntimeException | IOException e) {
      LOG.warn("could not stop the embedded PostgreSQL cleanly: {}", e.getMessage());
    } finally {
      url = null;
      postmaster = null;
    }
  }

  /**
   * True while the server started here is running: its postmaster process is alive. Cheap (one
   * {@code /proc} lookup) but still file I/O: call it on a worker.
   */
  public boolean isRunning() {
    ProcessHandle p = postmaster;
    return p != null && p.isAlive();
  }

  /** The postmaster's process id, or -1 when not running. */
  public long pid() {
    ProcessHandle p = postmaster;
    return p == null ? -1 : p.pid();
  }

  /** Where the server writes its log (a crash's cause is there). */
  public Path logFile() {
    return log();
  }

  /**
   * Starts the server again on the same data directory and port after it exited (a crash, the OOM
   * killer, a kill -9): PostgreSQL first runs crash recovery from its WAL, and {@code pg_ctl -w} returns
   * once it accepts connections again, so pools reconnect to the same URL. Fails when it was stopped
   * on purpose (there is nothing to keep alive) or the server cannot start.
   */
  public synchronized DatabaseUrl restart() {
    DatabaseUrl running = url;
    if (running == null) {
      throw new IllegalStateException("the embedded PostgreSQL was stopped on purpose");
    }
    try {
      // recovery replays the WAL since the last checkpoint: up to max_wal_size, so give it time
      startServer(running.port(), RECOVERY_WAIT_SECONDS);
      if (url == null) { // stopped on purpose while it was starting: do not leave it running
        run(fastStop(), "stop PostgreSQL");
        throw new IllegalStateException("the embedded PostgreSQL was stopped while it restarted");
      }
    } catch (IOException e) {
      throw new StartupException("cannot restart PostgreSQL: " + e.getMessage(), e);
    }
    return running;
  }

  /** Starts the server again on the same port as before (for tests that take the database away). */
  public synchronized void restartOnSamePort(int port) {
    try {
      startServer(port);
      url = new DatabaseUrl("127.0.0.1", port, DATABASE, SUPERUSER, password(), null);
    } catch (IOException e) {
      throw new StartupException("cannot restart PostgreSQL: " + e.getMessage(), e);
    }
  }

  private Path log() {
    return dir.resolve("postgres.log");
  }

  /** {@code pg_ctl start} on {@code port}, waiting until the server accepts connections. */
  private void startServer(int port) throws IOException {
    startServer(port, 60);
  }

  private void startServer(int port, int waitSeconds) throws IOException {
    long logSize = Files.exists(log()) ? Files.size(log()) : 0;
    try {
      run(List.of(bin("pg_ctl"), "start", "-w", "-t", Integer.toString(waitSeconds), "-D", pgdata.toString(),
          "-l", log().toString(), "-o", serverOptions(port)), "start PostgreSQL", waitSeconds + 30);
    } catch (StartupException e) {
      String cause = lastServerError(logSize);
      throw new StartupException((cause == null ? e.getMessage() : "cannot start PostgreSQL: " + cause)
          + " (see " + log() + ")", e);
    }
    postmaster = readPostmaster();
  }

  /**
   * Why the server did not start, from what it logged after {@code from} (the log's size before the
   * start): its last FATAL or PANIC line, else its last line (errors found before logging is set
   * up, such as a missing control file, have no level); null when it logged nothing.
   */
  private String lastServerError(long from) {
    try (var file = new RandomAccessFile(log().toFile(), "r")) {
      long start = Math.max(from, file.length() - 64 * 1024);
      byte[] tail = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(tail);
      String fatal = null;
      String last = null;
      for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
        int at = Math.max(line.indexOf("FATAL:"), line.indexOf("PANIC:"));
        if (at >= 0) {
          fatal = line.substring(at).strip();
        }
        if (!line.isBlank()) {
          last = line.strip();
        }
      }
      return fatal != null ? fatal : last;
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code pg_ctl stop -m fast}: in-flight transactions roll back, then a shutdown checkpoint. */
  private List<String> fastStop() {
    return List.of(bin("pg_ctl"), "stop", "-w", "-t", "60", "-m", "fast", "-D", pgdata.toString());
  }

  /** The process named on the first line of {@code postmaster.pid}. */
  private ProcessHandle readPostmaster() throws IOException {
    List<String> lines = Files.readAllLines(pgdata.resolve("postmaster.pid"), StandardCharsets.UTF_8);
    try {
      long pid = Long.parseLong(lines.isEmpty() ? "" : lines.get(0).trim());
      return ProcessHandle.of(pid)
          .orElseThrow(() -> new StartupException("PostgreSQL exited right after starting (see " + log() + ")"));
    } catch (NumberFormatException e) {
      throw new StartupException("cannot read the postmaster's pid from " + pgdata.resolve("postmaster.pid"));
    }
  }

  /**
   * Loopback TCP only; durable (fsync, synchronous commit and full-page writes stay on). Checkpoints
   * are spaced for an ingest workload: with the default 1 GB of WAL a burst of webhooks forces a
   * checkpoint every minute or so, and its writes stall the commits of the acknowledgements.
   */
  private static String serverOptions(int port) {
    return "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        + " -c max_connections=200 -c max_wal_size=4GB -c checkpoint_timeout=15min";
  }

  private void initdb(String password) throws IOException {
    Files.createDirectories(pgdata);
    Files.setPosixFilePermissions(pgdata, PosixFilePermissions.fromString("rwx------"));
    runAs.chown(pgdata);
    Path pwfile = dir.resolve("initdb.pw");
    Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
    runAs.chown(pwfile);
    try {
      LOG.info("initialising a new PostgreSQL cluster under {}", pgdata);
      run(List.of(bin("initdb"), "-D", pgdata.toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
          "--auth=scram-sha-256", "-E", "UTF8", "--no-locale"), "initialise PostgreSQL");
    } finally {
      Files.deleteIfExists(pwfile);
    }
  }

  /** Stops a server left running under this directory (by a killed gateway or a tool); no-op otherwise. */
  public void stopIfRunning() throws IOException {
    if (!Files.exists(pgdata.resolve("postmaster.pid"))) {
      return;
    }
    int status = exec(List.of(bin("pg_ctl"), "status", "-D", pgdata.toString())).exitCode;
    if (status == 0) {
      LOG.warn("a PostgreSQL left running by an earlier gateway holds {}; stopping it", pgdata);
      run(fastStop(),
          "stop the stale PostgreSQL");
    }
  }

  private static void createDatabase(DatabaseUrl server) {
    String adminUrl = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/postgres";
    try (var conn = DriverManager.getConnection(adminUrl, server.user(), server.password());
         var st = conn.createStatement()) {
      try (var rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (rs.next()) {
          return;
        }
      }
      st.execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      throw new StartupException("cannot create the database in the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  /** The superuser password, generated once and kept in {@code <dir>/superuser.password} (0600). */
  private String password() throws IOException {
    Path file = dir.resolve("superuser.password");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String password = HexFormat.of().formatHex(bytes);
    Files.writeString(file, password, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return password;
  }

  private String bin(String name) {
    return binDir.resolve(name).toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void run(List<String> command, String what) throws IOException {
    run(command, what, 120);
  }

  private void run(List<String> command, String what, int timeoutSeconds) throws IOException {
    Result result = exec(command, timeoutSeconds);
    if (result.exitCode != 0) {
      String out = result.output.strip();
      String last = out.isEmpty() ? "exit code " + result.exitCode : out.substring(out.lastIndexOf('\n') + 1);
      throw new StartupException("cannot " + what + ": " + last);
    }
  }

  private record Result(int exitCode, String output) {
  }

  private Result exec(List<String> command) throws IOException {
    return exec(command, 120);
  }

  private Result exec(List<String> command, int timeoutSeconds) throws IOException {
    List<String> full = runAs.wrap(command);
    ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C");
    pb.directory(dir.toFile());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out: " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Result(-1, "interrupted");
    }
    return new Result(p.exitValue(), output);
  }

  /**
   * Where the PostgreSQL server programs are: {@code SWITCHBOARD_PG_BIN}, else the newest
   * {@code /usr/lib/postgresql/<version>/bin}, else {@code pg_ctl} on the PATH.
   */
  static Path findBinDir() {
    String override = System.getenv("SWITCHBOARD_PG_BIN");
    if (override != null && !override.isBlank()) {
      Path p = Path.of(override);
      if (hasServerBinaries(p)) {
        return p;
      }
      throw new StartupException("SWITCHBOARD_PG_BIN=" + override + " has no initdb/pg_ctl/postgres");
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        var best = versions.map(v -> v.resolve("bin")).filter(EmbeddedPostgres::hasServerBinaries)
            .max(Comparator.comparingInt(EmbeddedPostgres::majorVersion));
        if (best.isPresent()) {
          return best.get();
        }
      } catch (IOException ignored) {
        // fall through to PATH
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(":")) {
        Path candidate = Path.of(entry).resolve("pg_ctl");
        if (Files.isExecutable(candidate)) {
          try {
            Path real = candidate.toRealPath().getParent();
            if (hasServerBinaries(real)) {
              return real;
            }
          } catch (IOException ignored) {
            // keep looking
          }
        }
      }
    }
    throw new StartupException("PostgreSQL server not found: install it (Debian/Ubuntu: apt-get install postgresql)"
        + " or set DATABASE_URL=postgresql://user:pass@host:port/db");
  }

  private static boolean hasServerBinaries(Path dir) {
    return Stream.of("initdb", "pg_ctl", "postgres").allMatch(n -> Files.isExecutable(dir.resolve(n)));
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Runs PostgreSQL's programs as an unprivileged user when the gateway runs as root. */
  private record RunAs(String user, List<String> prefix) {
    static RunAs detect() {
      if (!isRoot()) {
        return new RunAs(null, List.of());
      }
      String user = userExists("postgres") ? "postgres" : "nobody";
      for (String tool : new String[] {"/usr/bin/setpriv", "/bin/setpriv"}) {
        if (Files.isExecutable(Path.of(tool))) {
          String group = user.equals("postgres") ? "postgres" : "nogroup";
          return new RunAs(user, List.of(tool, "--reuid=" + user, "--regid=" + group, "--init-groups", "--"));
        }
      }
      for (String tool : new String[] {"/usr/sbin/runuser", "/sbin/runuser"}) {
        if (Files.isExecutable(Path.of(tool))) {
          return new RunAs(user, List.of(tool, "-u", user, "--"));
        }
      }
      throw new StartupException("running as root, and neither setpriv nor runuser is available to run PostgreSQL"
          + " as an unprivileged user: install util-linux or set DATABASE_URL");
    }

    List<String> wrap(List<String> command) {
      if (prefix.isEmpty()) {
        return command;
      }
      List<String> full = new ArrayList<>(prefix);
      full.addAll(command);
      return full;
    }

    /** As root: make {@code dir} and its ancestors traversable for the server's user. */
    void prepare(Path dir) throws IOException {
      if (user == null) {
        return;
      }
      for (Path p = dir; p != null; p = p.getParent()) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
          perms.add(PosixFilePermission.OTHERS_EXECUTE);
          Files.setPosixFilePermissions(p, perms);
          LOG.info("made {} traversable (o+x) so PostgreSQL, running as '{}', can reach its data", p, user);
        }
      }
    }

    void chown(Path path) throws IOException {
      if (user == null) {
        return;
      }
      var lookup = path.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(path, lookup.lookupPrincipalByName(user));
    }

    void ensureWritableFile(Path file) throws IOException {
      if (user == null) {
        return;
      }
      if (!Files.exists(file)) {
        Files.createFile(file);
      }
      chown(file);
    }

    private static boolean isRoot() {
      try {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return Integer.valueOf(0).equals(uid);
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return "root".equals(System.getProperty("user.name"));
      }
    }

    private static boolean userExists(String name) {
      try {
        return Files.readAllLines(Path.of("/etc/passwd")).stream()
            .anyMatch(l -> l.startsWith(name + ":"));
      } catch (IOException e) {
        return false;
      }
    }
  }

  @Override
  public String toString() {
    return "EmbeddedPostgres" + Arrays.asList(dir.toString());
  }
}
