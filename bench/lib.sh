# Shared by bench/run.sh and bench/outbound.sh (sourced, never run): output and machine lines, the
# build, a dedicated PostgreSQL, the gateway, and the clean-up that always stops them.
#
# Sourcing it sets the knobs both scripts have and moves to the repository root; then the script
# calls bench_init [NAME] (results file bench/results/<stamp>[-NAME].txt, output tee'd to it).
# shellcheck shell=bash

# ---- shared knobs (environment) ----------------------------------------------------------------
READY_TIMEOUT="${READY_TIMEOUT:-120}"      # seconds to wait for the gateway's GET /ready
LOADGEN_JAVA_OPTS="${LOADGEN_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseSerialGC -XX:+AlwaysPreTouch}"
SKIP_BUILD="${SKIP_BUILD:-0}"              # 1 = never run Maven
KEEP_WORK="${KEEP_WORK:-0}"                # 1 = keep the PostgreSQL data dir and config

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# the gateway's JVM flags: unset = those bin/switchboard runs it with; set (even empty) = exactly these
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS-$("$ROOT/bin/switchboard" --print-java-opts)}"
GATEWAY_JAR="${GATEWAY_JAR:-$ROOT/gateway/target/switchboard.jar}"
# the bench tools (EmbeddedPostgresCli, StoreCeiling) are gateway test sources, packaged by the build
# as gateway/target/gateway-<version>-bench.jar; they run with the gateway jar on the class path
bench_tools_jar() { { ls "$ROOT"/gateway/target/gateway-*-bench.jar 2>/dev/null || true; } | head -1; } # none yet on a fresh clone: build_if_stale builds it
BENCH_TOOLS_JAR="${BENCH_TOOLS_JAR:-$(bench_tools_jar)}"
TOOLS_CP="$GATEWAY_JAR:$BENCH_TOOLS_JAR"
LOAD_JAR="$ROOT/bench/target/webhook-load.jar"
PG_CLI=dev.switchboard.gateway.bench.EmbeddedPostgresCli

say() { printf '\n== %s\n' "$*"; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rand() { python3 -c 'import secrets; print(secrets.token_hex(16))'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

idle_pct() { # CPU idle % over one second: the figures mean little if something else is running
  python3 -c '
import time
def snap():
    v = list(map(int, open("/proc/stat").readline().split()[1:]))
    return v[3] + v[4], sum(v)
i1, t1 = snap(); time.sleep(1); i2, t2 = snap()
print(round(100 * (i2 - i1) / max(1, t2 - t1)))'
}
check_idle() { # $1 = when
  local idle; idle="$(idle_pct)"
  echo "cpu idle $1: ${idle}% (load average $(loadavg))"
  if ((idle < 90)); then
    echo "WARNING: the machine is busy (${idle}% idle $1): other processes will skew these figures"
  fi
}

# bench_init [NAME]: results file, output tee'd to it, clean-up trap
bench_init() {
  RESULTS="$ROOT/bench/results"
  STAMP="$(date +%Y%m%d-%H%M%S)${1:+-$1}"
  OUT="$RESULTS/$STAMP.txt"
  mkdir -p "$RESULTS"
  exec > >(tee "$OUT") 2>&1
  WORK=""
  GW_PID=""
  PG_DIR=""
  BG_PIDS=()
  STEAL_LOG="$RESULTS/$STAMP-steal.txt"
  steal_sampler >"$STEAL_LOG" 2>/dev/null &
  BG_PIDS+=("$!")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

stop_pid() { # $1 = pid: TERM, up to 10 s, then KILL
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# steal_sampler: every 5 s, the share of the machine's CPU time the hypervisor gave to other guests
# (steal, /proc/stat) and the share busy here; on a virtual machine a busy neighbour slows every
# figure of a run, and "machine busy" counts steal as busy
steal_sampler() {
  exec python3 -u -c '
import time
def snap():
    v = list(map(int, open("/proc/stat").readline().split()[1:]))
    return v[7], sum(v) - v[3] - v[4] - v[7], sum(v)
a = snap()
while True:
    time.sleep(5)
    b = snap()
    total = max(1, b[2] - a[2])
    print(time.strftime("%H:%M:%S"), round(100 * (b[0] - a[0]) / total), round(100 * (b[1] - a[1]) / total), flush=True)
    a = b'
}

steal_summary() { # one line: the run's steal, from the sampler's file
  [[ -s "${STEAL_LOG:-}" ]] || return 0
  python3 - "$STEAL_LOG" <<'PY'
import sys
rows = [list(map(int, l.split()[1:3])) for l in open(sys.argv[1]) if len(l.split()) == 3]
if rows:
    steal = [r[0] for r in rows]
    print(f"cpu steal (other guests of the host, every 5 s): mean {sum(steal) / len(steal):.0f}%, max {max(steal)}%, "
          f"{sum(1 for x in steal if x >= 10)} of {len(steal)} samples at 10% or more ({sys.argv[1]})")
PY
}

bench_cleanup() {
  local rc=$?
  set +e
  stop_gateway
  for pid in "${BG_PIDS[@]}"; do stop_pid "$pid"; done
  steal_summary
  if [[ -n "$PG_DIR" ]]; then
    java -cp "$TOOLS_CP" "$PG_CLI" stop "$PG_DIR" >/dev/null 2>&1 \
      || echo "$(basename "$0"): warning: could not stop PostgreSQL in $PG_DIR"
  fi
  if [[ -n "$WORK" && -f "$WORK/gateway.log" ]]; then
    cp "$WORK/gateway.log" "$RESULTS/$STAMP-gateway.log"
  fi
  if [[ -n "$WORK" && "$KEEP_WORK" != 1 ]]; then
    rm -rf "$WORK"
  fi
  [[ $rc -ne 0 ]] && echo "$(basename "$0"): exit $rc; full output in $OUT"
  exit $rc
}

print_machine() {
  say "machine"
  echo "date:   $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc:  $(nproc)"
  echo "cpu:    $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo unknown)"
  echo "jdk:    $(java -version 2>&1 | head -1)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet 2>/dev/null || echo ' (work tree modified)')"
  check_idle "before start"
}

stale() { # $1 = jar: missing, or some source/pom newer than it
  [[ ! -f "$1" ]] && return 0
  [[ -n "$(cd "$ROOT" && find . \( -path ./bench/results -o -path ./data -o -path ./.git -o -name target \) -prune -o \
      -type f \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$1" -print -quit)" ]]
}

build_if_stale() {
  if [[ "$SKIP_BUILD" != 1 ]] && { stale "$GATEWAY_JAR" || stale "$BENCH_TOOLS_JAR" || stale "$LOAD_JAR"; }; then
    say "build: mvn -q -DskipTests package"
    (cd "$ROOT" && mvn -q -DskipTests package)
    BENCH_TOOLS_JAR="${BENCH_TOOLS_JAR:-$(bench_tools_jar)}"
    TOOLS_CP="$GATEWAY_JAR:$BENCH_TOOLS_JAR"
  fi
  [[ -f "$GATEWAY_JAR" ]] || die "missing $GATEWAY_JAR (build failed?)"
  [[ -f "$BENCH_TOOLS_JAR" ]] || die "missing the bench tools jar gateway/target/gateway-*-bench.jar (build failed?)"
  [[ -f "$LOAD_JAR" ]] || die "missing $LOAD_JAR (build failed?)"
}

# start_postgres: a dedicated PostgreSQL under $WORK (made on the first call; a second call
# restarts the server, on a new port); sets WORK, PG_DIR, PG_URL
start_postgres() {
  [[ -n "$WORK" ]] || WORK="$(mktemp -d "$RESULTS/work.XXXXXX")"
  say "PostgreSQL: $PG_CLI start"
  PG_DIR="$WORK/pg"
  PG_URL="$(java -cp "$TOOLS_CP" "$PG_CLI" start "$PG_DIR" | grep -E '^postgres(ql)?://' | tail -1 || true)"
  [[ -n "$PG_URL" ]] || die "$PG_CLI start printed no postgresql:// URL"
  echo "url: $(sed -E 's#(//[^:/@]+):[^@]*@#\1:***@#' <<<"$PG_URL")"
  echo "server: $(psql "$PG_URL" -Atc 'show server_version')"
}

# cpu_ticks POSTMASTER FIRST [OTHER...]: clock ticks (utime + stime) used so far, on one line: FIRST,
# PostgreSQL (the postmaster and its children), each OTHER, the whole machine busy, the whole
# machine, then ticks per second. A process argument may be a comma-separated list of pids, summed.
cpu_ticks() {
  python3 - "$@" <<'PY'
import os, sys
def stat(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return int(f[1]), int(f[11]) + int(f[12])  # ppid, utime + stime
    except (OSError, ValueError):
        return None, 0
def ticks(pids): return sum(stat(p)[1] for p in pids.split(",") if p)
pm = int(sys.argv[1]); pg = stat(pm)[1]
for p in os.listdir("/proc"):
    if p.isdigit():
        ppid, t = stat(p)
        if ppid == pm:
            pg += t
v = list(map(int, open("/proc/stat").readline().split()[1:]))
print(ticks(sys.argv[2]), pg, *[ticks(a) for a in sys.argv[3:]], sum(v) - v[3] - v[4], sum(v), os.sysconf("SC_CLK_TCK"))
PY
}

# jit_ticks PID: clock ticks (utime + stime) used so far by the JIT compiler threads of a JVM
# (HotSpot's "C1/C2 CompilerThreadN"): the part of a young gateway's CPU that is compiling it
jit_ticks() {
  python3 - "$1" <<'PY'
import os, sys
total = 0
try:
    for t in os.listdir(f"/proc/{sys.argv[1]}/task"):
        try:
            s = open(f"/proc/{sys.argv[1]}/task/{t}/stat").read()
            if "CompilerThre" in s[s.index("(") + 1:s.rindex(")")]:
                f = s.rsplit(")", 1)[1].split()
                total += int(f[11]) + int(f[12])
        except (OSError, ValueError):
            pass
except OSError:
    pass
print(total)
PY
}

# pg_profile_setup: with PG_PROFILE=1, restarts the dedicated PostgreSQL with pg_stat_statements
# (nested statements and planning too) and auto_explain (plans of statements over 5 ms, in
# $PG_DIR/postgres.log); with PG_PROFILE=2, with pg_stat_statements alone (max_exec_time per
# statement: the lightest observer)
pg_profile_setup() {
  local libraries=pg_stat_statements settings=()
  case "${PG_PROFILE:-0}" in
    1) libraries="pg_stat_statements, auto_explain"
       settings=(-c 'ALTER SYSTEM SET pg_stat_statements.track_planning = on'
                 -c "ALTER SYSTEM SET auto_explain.log_min_duration = '${PG_EXPLAIN_MS:-5}ms'"
                 -c 'ALTER SYSTEM SET auto_explain.log_nested_statements = on') ;;
    2) ;;
    *) return 0 ;;
  esac
  psql "$PG_URL" -q -c "ALTER SYSTEM SET shared_preload_libraries = $libraries"
  start_postgres # restarts it with the libraries loaded
  psql "$PG_URL" -q -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' \
    -c "ALTER SYSTEM SET pg_stat_statements.track = 'all'" "${settings[@]}" -c 'SELECT pg_reload_conf()' >/dev/null
}

# pg_log_setup: with PG_LOG=1, PostgreSQL logs every checkpoint, autovacuum run, lock wait and
# temporary file, with millisecond timestamps (in $PG_DIR/postgres.log), to line up with the load
# tool's --timeline and the gateway's GC log; it also times WAL writes and syncs (pg_stat_wal, printed
# by pg_wal_report)
pg_log_setup() {
  [[ "${PG_LOG:-0}" == 1 ]] || return 0
  psql "$PG_URL" -q -c 'ALTER SYSTEM SET log_checkpoints = on' -c 'ALTER SYSTEM SET log_autovacuum_min_duration = 0' \
    -c 'ALTER SYSTEM SET log_lock_waits = on' -c 'ALTER SYSTEM SET log_temp_files = 0' \
    -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] '" -c 'ALTER SYSTEM SET track_wal_io_timing = on' \
    -c 'SELECT pg_reload_conf()' -c 'SELECT pg_stat_reset_shared($$wal$$)' >/dev/null
}

# pg_settings: PG_SET='name=value name=value' sets server parameters for an A/B run (ALTER SYSTEM,
# then a reload; an unknown parameter or one that needs a restart stops the run)
pg_settings() {
  [[ -n "${PG_SET:-}" ]] || return 0
  local args=() names="" kv pending
  for kv in $PG_SET; do
    [[ "$kv" == *=* ]] || die "PG_SET: '$kv' is not name=value"
    args+=(-c "ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}'")
    names+="${names:+,}'${kv%%=*}'"
  done
  psql "$PG_URL" -q -v ON_ERROR_STOP=1 "${args[@]}" -c 'SELECT pg_reload_conf()' >/dev/null || die "PG_SET: refused"
  sleep 0.5 # the reload is signalled, not awaited
  pending="$(psql "$PG_URL" -Atc "SELECT string_agg(name, ', ') FROM pg_settings WHERE pending_restart AND name IN ($names)")"
  [[ -z "$pending" ]] || die "PG_SET: $pending would need a restart of PostgreSQL"
  for kv in $PG_SET; do echo "PG_SET ${kv%%=*} = $(psql "$PG_URL" -Atc "SHOW ${kv%%=*}")"; done
}

# pg_wal_report: with PG_LOG=1, WAL writes and syncs since pg_log_setup, and their mean time
pg_wal_report() {
  [[ "${PG_LOG:-0}" == 1 ]] || return 0
  psql "$PG_URL" -P pager=off -c "SELECT wal_records, pg_size_pretty(wal_bytes) AS wal, wal_write, wal_sync,
      round(wal_write_time::numeric) AS write_ms, round(wal_sync_time::numeric) AS sync_ms,
      round((wal_sync_time / NULLIF(wal_sync, 0))::numeric, 3) AS ms_per_sync FROM pg_stat_wal" || true
}

# pg_top [N]: with PG_PROFILE=1 or 2, the top N (15) statements by total time since the last call, then a reset
pg_top() {
  [[ "${PG_PROFILE:-0}" == 1 || "${PG_PROFILE:-0}" == 2 ]] || return 0
  psql "$PG_URL" -P pager=off -c "SELECT round(total_exec_time) AS total_ms, calls, round(mean_exec_time::numeric, 3) AS mean_ms,
      round(max_exec_time) AS max_ms, round(total_plan_time) AS plan_ms, plans, rows,
      left(regexp_replace(query, '\s+', ' ', 'g'), 100) AS query
      FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT ${1:-15}" || true
  psql "$PG_URL" -Atqc 'SELECT pg_stat_statements_reset()' >/dev/null || true
}

# config_head PORT: the http, database and admin sections of a gateway config
config_head() {
  cat <<EOC
http:
  port: $1
database:
  url: "$PG_URL"
admin:
  token: "$(rand)"
EOC
}

# start_gateway CONFIG PORT: starts the fat jar, waits for GET /ready; sets GW_PID
start_gateway() {
  local config="$1" port="$2"
  say "gateway: java -jar switchboard.jar on port $port (log: $RESULTS/$STAMP-gateway.log)"
  echo "jar: $GATEWAY_JAR"
  echo "jvm: ${GATEWAY_JAVA_OPTS:-(JVM defaults)}"
  # shellcheck disable=SC2086
  (cd "$WORK" && DATABASE_URL="$PG_URL" HTTP_PORT="$port" exec java $GATEWAY_JAVA_OPTS -jar "$GATEWAY_JAR" \
    --config "$config" >"$WORK/gateway.log" 2>&1) &
  GW_PID=$!
  local deadline=$((SECONDS + READY_TIMEOUT))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready" || true)" == 200 ]]; do
    if ! kill -0 "$GW_PID" 2>/dev/null; then
      tail -n 30 "$WORK/gateway.log" >&2
      die "gateway exited during start-up"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$WORK/gateway.log" >&2
      die "gateway not ready after ${READY_TIMEOUT}s"
    fi
    sleep 0.5
  done
  echo "ready after ${SECONDS}s of script time"
}

stop_gateway() {
  if [[ -n "$GW_PID" ]]; then
    stop_pid "$GW_PID"
  fi
  GW_PID=""
}

# ---- the gateway's memory: /proc/<pid>/status ---------------------------------------------------
rss_now() { # $1 = pid: "VmRSS <MB> MB, VmHWM <MB> MB, <n> threads" now
  awk '/^VmRSS:/{r=$2} /^VmHWM:/{h=$2} /^Threads:/{t=$2}
       END{printf "VmRSS %.0f MB, VmHWM %.0f MB, %d threads\n", r/1024, h/1024, t}' "/proc/$1/status" 2>/dev/null \
    || echo "(not running)"
}

# start_rss_sampler PID LOG: every 0.5 s one line "<epoch> <VmRSS kB> <threads>" into LOG; sets RSS_PID
start_rss_sampler() {
  local pid="$1" log="$2"
  : > "$log"
  (while kill -0 "$pid" 2>/dev/null; do
     awk -v now="$(date +%s)" '/^VmRSS:/{r=$2} /^Threads:/{t=$2} END{if (r) print now, r, t}' \
       "/proc/$pid/status" >> "$log" 2>/dev/null || true
     sleep 0.5
   done) &
  RSS_PID=$!
  BG_PIDS+=("$RSS_PID")
}

stop_rss_sampler() {
  [[ -n "${RSS_PID:-}" ]] && stop_pid "$RSS_PID"
  RSS_PID=""
}

# rss_summary PID LOG: {"hwmMb":…,"maxRssMb":…,"maxThreads":…} — VmHWM (the kernel's peak RSS
# since the process started) read now, so call it before the process stops
rss_summary() {
  local hwm
  hwm="$(awk '/^VmHWM:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0)"
  awk -v hwm="${hwm:-0}" 'BEGIN{r=0; t=0} {if ($2 > r) r = $2; if ($3 > t) t = $3}
       END{printf "{\"hwmMb\":%.1f,\"maxRssMb\":%.1f,\"maxThreads\":%d}\n", hwm/1024, r/1024, t}' "$2"
}
