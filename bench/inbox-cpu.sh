#!/usr/bin/env bash
# PostgreSQL CPU per stored webhook in inbox_append: two definitions of the function (the working
# tree's R__inbox_append.sql and the one at OLD_REF), interleaved on one dedicated PostgreSQL,
# each written by StoreCeiling (real decoded WhatsApp webhooks, the real InboxRepository) in small
# and in large batches.
#
#   bench/inbox-cpu.sh       OLD_REF=main BATCHES="8 128" ROUNDS=3 EVENTS_SMALL=40000 EVENTS_LARGE=100000
#
# The figure is CPU time of the postmaster's process tree (backends, reaped children, background
# workers), not wall time, so it holds on a machine that other work keeps busy. Before each run the
# function is replaced (psql, outside Flyway: a bench database only), the inbox tables are emptied
# (TRUNCATE: their statistics unknown, as on a new database; not ANALYZEd, which would record them
# as empty and let the generic plans pick any index that leads with tenant_id) and checkpointed,
# and pg_stat_statements (nested statements and planning tracked) is reset; after it the script
# prints the function's time per call and how many of its statements were planned per call
# (1.00 = one statement planned on every call: a custom plan).
set -euo pipefail

OLD_REF="${OLD_REF:-main}"
BATCHES="${BATCHES:-8 128}"
ROUNDS="${ROUNDS:-3}"
EVENTS_SMALL="${EVENTS_SMALL:-40000}"   # events of a run with a batch under 64
EVENTS_LARGE="${EVENTS_LARGE:-100000}"
CONCURRENCY="${CONCURRENCY:-3}"
FN=migrations/src/main/resources/db/migration/R__inbox_append.sql

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init inbox-cpu
print_machine
build_if_stale
start_postgres
psql "$PG_URL" -q -c "ALTER SYSTEM SET shared_preload_libraries = pg_stat_statements"
start_postgres # restarts it with the library loaded
psql "$PG_URL" -q -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' \
  -c "ALTER SYSTEM SET pg_stat_statements.track = 'all'" -c "ALTER SYSTEM SET pg_stat_statements.track_planning = on" \
  -c 'SELECT pg_reload_conf()' >/dev/null
# migrate first (Flyway would refuse a function created before its V migrations)
hostport="${PG_URL#*@}"; hostport="${hostport%%/*}"; cred="${PG_URL#*://}"; cred="${cred%%@*}"
cat >"$WORK/Migrate.java" <<'EOJ'
public class Migrate {
  public static void main(String[] a) {
    new dev.switchboard.migrations.Migrator(a[0], a[1], a[2]).migrate();
  }
}
EOJ
java -cp "$GATEWAY_JAR" "$WORK/Migrate.java" "jdbc:postgresql://$hostport/switchboard" "${cred%%:*}" "${cred#*:}" >/dev/null
cp "$FN" "$WORK/new.sql"
git show "$OLD_REF:$FN" >"$WORK/old.sql" || die "no $FN at $OLD_REF"
echo "new: working tree $(git rev-parse --short HEAD)$(git diff --quiet -- "$FN" || echo ' (modified)'); old: $OLD_REF ($(git rev-parse --short "$OLD_REF"))"

PM="$(head -1 "$PG_DIR/pgdata/postmaster.pid")"
HZ="$(getconf CLK_TCK)"
tree_cpu() { # clock ticks used by the postmaster and its children (live ones, and the reaped ones)
  local t c
  t="$(awk '{print $14 + $15 + $16 + $17}' "/proc/$PM/stat")"
  for c in $(pgrep -P "$PM"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}

say "rounds: $ROUNDS x batches ($BATCHES) x (old, new), concurrency $CONCURRENCY"
for r in $(seq "$ROUNDS"); do
  for b in $BATCHES; do
    events="$EVENTS_LARGE"; ((b < 64)) && events="$EVENTS_SMALL"
    for v in old new; do
      psql "$PG_URL" -q -v ON_ERROR_STOP=1 -f "$WORK/$v.sql" >/dev/null
      psql "$PG_URL" -q -c "TRUNCATE messages, inbound_events, conversations, contacts, pending_receipts CASCADE" \
        -c CHECKPOINT -c 'SELECT pg_stat_statements_reset()' >/dev/null 2>&1
      a="$(tree_cpu)"
      line="$(java -cp "$TOOLS_CP" dev.switchboard.gateway.bench.StoreCeiling --database-url "$PG_URL" --tenant bench \
        --phone-number-id 100000000000001 --events "$events" --batch "$b" --concurrency "$CONCURRENCY" 2>"$WORK/ceiling.err" \
        | grep '^CEILING')" || { tail -20 "$WORK/ceiling.err"; die "StoreCeiling failed"; }
      c="$(tree_cpu)"
      stats="$(psql "$PG_URL" -Atc "SELECT round((sum(total_exec_time) FILTER (WHERE toplevel AND query LIKE '%FROM inbox_append(%')
          / nullif(sum(calls) FILTER (WHERE toplevel AND query LIKE '%FROM inbox_append(%'), 0))::numeric, 3),
        round((sum(plans) FILTER (WHERE NOT toplevel) / nullif(sum(calls) FILTER (WHERE toplevel AND query LIKE '%FROM inbox_append(%'), 0))::numeric, 2)
        FROM pg_stat_statements")"
      python3 -c 'import sys, json
r, v, b, n, a, c, hz, line, stats, load = sys.argv[1:]
rate = json.loads(line.split(" ", 1)[1])["rowsPerSec"]
ms, plans = stats.split("|")
print(f"round {r} batch {int(b):>3} {v}: {rate:>6} rows/s, postgres cpu {1e6 * (float(c) - float(a)) / float(hz) / int(n):6.1f} us/event,"
      f" inbox_append {ms} ms/call, statements planned per call {plans}, load {load}")' \
        "$r" "$v" "$b" "$events" "$a" "$c" "$HZ" "$line" "$stats" "$(loadavg)"
    done
  done
done
check_idle "at the end"
