#!/usr/bin/env bash
# PostgreSQL CPU per stored send: V6's outbox_enqueue (one call per send, a batch's calls in one
# transaction, as the outbox store ran them until V14) against V14's outbox_enqueue_batch (one
# call per batch, arrays in), interleaved on one dedicated PostgreSQL, driven by pgbench.
#
#   bench/enqueue-cpu.sh            BATCH=128 TX=60 ROUNDS=3 by default
#
# The figure is CPU time (the postmaster's process tree: backends, reaped children, background
# workers), not wall time, so it holds on a machine that other work keeps busy. Before the rounds
# a warm-up gives most of the CHATS chats their contact and conversation (the steady state of
# bench/outbound.sh after its first seconds); before each round the outbox is emptied and vacuumed.
set -euo pipefail

BATCH="${BATCH:-128}"     # sends per transaction / per call
TX="${TX:-60}"            # transactions per round and variant
ROUNDS="${ROUNDS:-3}"
CHATS="${CHATS:-10000}"

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init enqueue-cpu
command -v pgbench >/dev/null || die "pgbench is needed (Debian: postgresql-client)"
print_machine
build_if_stale
start_postgres

hostport="${PG_URL#*@}"; hostport="${hostport%%/*}"; cred="${PG_URL#*://}"; cred="${cred%%@*}"
cat >"$WORK/Migrate.java" <<'EOJ'
public class Migrate {
  public static void main(String[] a) {
    new dev.switchboard.migrations.Migrator(a[0], a[1], a[2]).migrate();
  }
}
EOJ
java -cp "$GATEWAY_JAR" "$WORK/Migrate.java" "jdbc:postgresql://$hostport/switchboard" "${cred%%:*}" "${cred#*:}"
psql "$PG_URL" -qc "INSERT INTO tenants (id, name) VALUES ('cpu-bench', 'enqueue-cpu.sh')"

# the two pgbench scripts: BATCH sends to consecutive chats from a random one
python3 - "$WORK" "$BATCH" "$CHATS" <<'PY'
import sys
work, n, chats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
content = """'{"type":"text","text":"hello"}'"""
def chat(i): return f"(800000000 + (:base + {i}) % {chats})::text"
old = ["\\set base random(0, %d)" % (chats - 1), "BEGIN;"]
for i in range(n):
    old.append(f"SELECT outcome FROM outbox_enqueue('cpu-bench', 'telegram', 'bot', NULL, {chat(i)}, {chat(i)}, NULL, NULL,"
               f" 'h', 'sb_' || gen_random_uuid(), 'text', 'hello', {content}, NULL,"
               f""" '{{"to":"' || {chat(i)} || '","type":"text","text":"hello"}}', NULL);""")
old.append("COMMIT;")
open(f"{work}/old.sql", "w").write("\n".join(old) + "\n")
g = f"generate_series(0, {n - 1}) g"
c = f"(800000000 + (:base + g) % {chats})::text"
def fill(v, t): return f"array_fill({v}::{t}, ARRAY[{n}])"
new = f"""\\set base random(0, {chats - 1})
SELECT count(*) FROM outbox_enqueue_batch({fill("'cpu-bench'", 'text')}, {fill("'telegram'", 'text')},
  {fill("'bot'", 'text')}, {fill('NULL', 'bigint')}, ARRAY(SELECT {c} FROM {g}), ARRAY(SELECT {c} FROM {g}),
  {fill('NULL', 'text')}, {fill('NULL', 'text')}, {fill("'h'", 'text')}, ARRAY(SELECT 'sb_' || gen_random_uuid() FROM {g}),
  {fill("'text'", 'text')}, {fill("'hello'", 'text')}, {fill(content, 'text')}, {fill('NULL', 'bigint')},
  ARRAY(SELECT '{{"to":"' || {c} || '","type":"text","text":"hello"}}' FROM {g}), {fill('NULL', 'double precision')});
"""
open(f"{work}/new.sql", "w").write(new)
PY

PM="$(head -1 "$PG_DIR/pgdata/postmaster.pid" 2>/dev/null || head -1 "$(find "$PG_DIR" -name postmaster.pid | head -1)")"
HZ="$(getconf CLK_TCK)"
tree_cpu() { # clock ticks used by the postmaster and its children (live ones, and the reaped ones)
  local t c
  t="$(awk '{print $14 + $15 + $16 + $17}' "/proc/$PM/stat")"
  for c in $(pgrep -P "$PM"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
children() { pgrep -P "$PM" | wc -l; }

say "warm-up: $((CHATS * 2)) sends (contacts and conversations)"
python3 - "$WORK" "$CHATS" <<'PY'
import sys, re
work, chats = sys.argv[1], int(sys.argv[2])
s = open(f"{work}/new.sql").read()
s = re.sub(r"ARRAY\[\d+\]", "ARRAY[128]", s).replace(re.search(r"generate_series\(0, \d+\)", s).group(0), "generate_series(0, 127)")
open(f"{work}/warm.sql", "w").write(s)
PY
pgbench -n -M prepared -f "$WORK/warm.sql" -t $((CHATS * 2 / 128)) "$PG_URL" >/dev/null

say "rounds: $ROUNDS x (V6 outbox_enqueue, V14 outbox_enqueue_batch), $TX transactions of $BATCH sends each"
sleep 1
idle_children="$(children)"
for r in $(seq "$ROUNDS"); do
  for v in old new; do
    psql "$PG_URL" -qc "DELETE FROM outbox" -c "VACUUM ANALYZE outbox" -c CHECKPOINT
    while (($(children) > idle_children)); do sleep 0.2; done
    a="$(tree_cpu)"; s="$(date +%s.%N)"
    pgbench -n -M prepared -f "$WORK/$v.sql" -t "$TX" "$PG_URL" >"$WORK/$v.$r.out" 2>&1 || { cat "$WORK/$v.$r.out"; die "pgbench failed"; }
    e="$(date +%s.%N)"
    while (($(children) > idle_children)); do sleep 0.2; done # pgbench's backend exited and was reaped
    b="$(tree_cpu)"
    python3 -c 'import sys
r, v, a, b, hz, n, s, e, load = sys.argv[1:]
a, b, hz, n, s, e = float(a), float(b), float(hz), float(n), float(s), float(e)
name = "V6  outbox_enqueue      " if v == "old" else "V14 outbox_enqueue_batch"
print(f"round {r} {name}: {n:.0f} sends, postgres cpu {(b - a) / hz:.2f} s = {1000 * (b - a) / hz / n:.3f} ms/send, wall {e - s:.1f} s, load {load}")' \
      "$r" "$v" "$a" "$b" "$HZ" "$((TX * BATCH))" "$s" "$e" "$(loadavg)"
  done
done
check_idle "at the end"
