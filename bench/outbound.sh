#!/usr/bin/env bash
# Switchboard outbound bench: one command, all figures.
#
#   bench/outbound.sh
#
# Starts a dedicated PostgreSQL, a fake Telegram Bot API on 127.0.0.1 (FakePlatform) and the real
# gateway (fat jar) with every outbound limit lifted, posts text sends to POST /v1/messages with
# SendLoad (round-robin over $CHATS chats, each text tagged with its run and number) and prints:
#   (1) the send API's acceptance rate: 202s/s at max load ($CONNECTIONS connections, closed model)
#   (2) end to end: messages accepted, sent to the fake and recorded as sent, per second, at that
#       same max load (from the database: sent_at inside the measured window)
#   (3) p50/p99 accepted -> sent (sent_at - received_at) at a fixed $RATE sends/s, and at max load
#   plus the checks that nothing was lost or sent twice: every 202 is a row, every row reached
#   'sent', the fake got each tagged text exactly once
# and PASS/FAIL against >= 5,000/s end to end. The output is saved to bench/results/<stamp>-outbound.txt.
# Exit status: 0 all checks pass, 1 a check failed or a step failed.
set -euo pipefail

# ---- knobs (environment) -------------------------------------------------------------------
DURATION="${DURATION:-20}"                 # measured seconds of each load run
WARMUP="${WARMUP:-30}"                     # unmeasured seconds before the first (fixed-rate) run: JIT warm-up
MAX_WARMUP="${MAX_WARMUP:-10}"             # unmeasured seconds before the max-load run (the JVMs are warm by then)
CONNECTIONS="${CONNECTIONS:-128}"          # max-load connections
RATE="${RATE:-5000}"                       # fixed-rate run, sends/s
RATE_CONNECTIONS="${RATE_CONNECTIONS:-64}" # fixed-rate connections
EVENT_LOOPS="${EVENT_LOOPS:-2}"            # load-generator event loops
CHATS="${CHATS:-10000}"                    # distinct chats, round-robin
SETTLE="${SETTLE:-5}"                      # pause after a drain, before the next run
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-600}"      # seconds to wait for the outbox to empty after a run
FAKE_EVENT_LOOPS="${FAKE_EVENT_LOOPS:-2}"
FAKE_DELAY_MS="${FAKE_DELAY_MS:-0}"        # the fake platform's answer delay
FAKE_JAVA_OPTS="${FAKE_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseSerialGC}"
PG_PROFILE="${PG_PROFILE:-0}"              # 1 = pg_stat_statements (top statements of the max run) and auto_explain (plans over 5 ms, in the PostgreSQL log)

# ---- target ----------------------------------------------------------------------------------
TARGET_PER_SEC=5000

# ---- fixed names -----------------------------------------------------------------------------
TENANT=bench
BOT_ID=700000001
CHAT_BASE=800000000
OUTBOUND="tenant_id = '$TENANT' AND direction = 'outbound'"

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # also the shared knobs: READY_TIMEOUT, LOADGEN_JAVA_OPTS,
                                               # GATEWAY_JAVA_OPTS, SKIP_BUILD, KEEP_WORK, GATEWAY_JAR
bench_init outbound

print_machine
build_if_stale
start_postgres
pg_profile_setup
sql() { psql "$PG_URL" -Atc "$1"; }

# ---- fake platform ---------------------------------------------------------------------------
FAKE_PORT="$(free_port)"
say "fake platform: FakePlatform on 127.0.0.1:$FAKE_PORT, $FAKE_EVENT_LOOPS event loops, delay ${FAKE_DELAY_MS} ms"
# shellcheck disable=SC2086
java $FAKE_JAVA_OPTS -cp "$LOAD_JAR" dev.switchboard.bench.FakePlatform --port "$FAKE_PORT" \
  --event-loops "$FAKE_EVENT_LOOPS" --delay-ms "$FAKE_DELAY_MS" >"$WORK/fake.log" 2>&1 &
FAKE_PID=$!
BG_PIDS+=("$FAKE_PID")
FAKE_STATS="http://127.0.0.1:$FAKE_PORT/stats"
for _ in $(seq 1 100); do curl -sf -o /dev/null "$FAKE_STATS" && break; sleep 0.2; done
curl -sf -o /dev/null "$FAKE_STATS" || { cat "$WORK/fake.log" >&2; die "the fake platform did not start"; }

# ---- gateway: every outbound limit lifted --------------------------------------------------
PORT="$(free_port)"
API_KEY="$(rand)"
CONFIG="$WORK/switchboard.yaml"
{ config_head "$PORT"; cat <<EOF
tenants:
  - id: $TENANT
    name: Outbound bench
    apiKeys: [ "$API_KEY" ]
    limits:
      outbound: { perSecond: 10000000, burst: 10000000 }
    channels:
      telegram:
        botToken: "$BOT_ID:$(rand)"
        secretToken: "$(rand)"
        apiBaseUrl: http://127.0.0.1:$FAKE_PORT
    plugins: []
outbound:
  queuePerTenant: 10000000
  pacing:
    telegram:
      account:   { perSecond: 10000000, burst: 10000000 }
      recipient: { perSecond: 10000000, burst: 10000000 }
      group:     { perSecond: 10000000, burst: 10000000 }
EOF
} > "$CONFIG"
start_gateway "$CONFIG" "$PORT"
check_idle "with the gateway idle"

# ---- load ----------------------------------------------------------------------------------
RUN_ID="o$(date +%s)-$(rand | cut -c1-6)"
URL="http://127.0.0.1:$PORT/v1/messages"
POSTMASTER="$(head -1 "$PG_DIR/pgdata/postmaster.pid")"

cpu_snap() { cpu_ticks "$POSTMASTER" "$GW_PID" "$FAKE_PID"; } # gateway, postgres, fake, machine busy, machine; ticks/s

# load NAME WARMUP ARGS...: one SendLoad run, printed live; the CPU of the gateway, PostgreSQL, the
# fake and the machine is sampled at the start and the end of its measured window (into
# $WORK/NAME.cpu, then the load average; the generator reports its own)
load() {
  local name="$1" warmup="$2"; shift 2
  # shellcheck disable=SC2086
  java $LOADGEN_JAVA_OPTS -cp "$LOAD_JAR" dev.switchboard.bench.SendLoad --url "$URL" --api-key "$API_KEY" \
    --channel telegram --chats "$CHATS" --chat-base "$CHAT_BASE" --event-loops "$EVENT_LOOPS" \
    --warmup "$warmup" --duration "$DURATION" --run-id "$RUN_ID-$name" "$@" >"$WORK/$name.out" 2>&1 &
  local gen=$!
  tail -n +1 --pid="$gen" -f "$WORK/$name.out" &
  local printer=$!
  ( # the tool prints its first line just before its clock starts
    until grep -q '^mode=' "$WORK/$name.out" 2>/dev/null; do kill -0 "$gen" 2>/dev/null || exit 0; sleep 0.05; done
    sleep "$warmup"; cpu_snap; sleep "$DURATION"; cpu_snap; loadavg ) >"$WORK/$name.cpu" 2>/dev/null &
  local sampler=$!
  wait "$gen" || die "the $name run failed"
  wait "$sampler" "$printer" || true
  sed -n 's/^RESULT //p' "$WORK/$name.out" | tail -1 >"$WORK/$name.json"
  [[ -s "$WORK/$name.json" ]] || die "the $name run printed no RESULT line"
}

drain() { # waits until the outbox is empty and no new message arrived for a second; prints how long it took
  local t0=$SECONDS now last=""
  while :; do
    now="$(sql "SELECT (SELECT count(*) FROM outbox) || ' ' || (SELECT count(*) FROM messages WHERE $OUTBOUND)")"
    if [[ "${now%% *}" == 0 && "$now" == "$last" ]]; then
      echo "outbox empty $((SECONDS - t0))s after the load ended"
      return 0
    fi
    if ((SECONDS - t0 >= DRAIN_TIMEOUT)); then
      echo "WARNING: the outbox still holds ${now%% *} rows ${DRAIN_TIMEOUT}s after the load ended"
      return 0
    fi
    last="$now"
    sleep 1
  done
}

pg_background() { # PostgreSQL's own work so far (it runs inside the windows, counted as postgres CPU)
  sql "SELECT 'so far: ' || string_agg(relname || ' ' || autovacuum_count || ' autovacuums/' || autoanalyze_count
         || ' autoanalyzes', ', ' ORDER BY relname) || '; ' || (SELECT (checkpoints_timed + checkpoints_req)
         || ' checkpoints (' || buffers_checkpoint || ' buffers)' FROM pg_stat_bgwriter)
       FROM pg_stat_user_tables WHERE relname IN ('messages', 'outbox')"
}

window() { # NAME: what the database says about the run's measured window, as JSON
  local t0 t1
  t0="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["windowStartMs"])' "$WORK/$1.json")"
  t1="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["windowEndMs"])' "$WORK/$1.json")"
  sql "WITH w AS (SELECT to_timestamp($t0 / 1000.0) AS t0, to_timestamp($t1 / 1000.0) AS t1),
            m AS (SELECT received_at, sent_at, extract(epoch FROM sent_at - received_at) AS lat
                    FROM messages WHERE $OUTBOUND)
       SELECT json_build_object(
         'accepted', count(*) FILTER (WHERE received_at >= t0 AND received_at < t1),
         'sent', count(*) FILTER (WHERE sent_at >= t0 AND sent_at < t1),
         'unsent', count(*) FILTER (WHERE received_at >= t0 AND received_at < t1 AND sent_at IS NULL),
         'backlogStart', count(*) FILTER (WHERE received_at < t0) - count(*) FILTER (WHERE sent_at < t0),
         'backlogEnd', count(*) FILTER (WHERE received_at < t1) - count(*) FILTER (WHERE sent_at < t1),
         'latency', percentile_cont(ARRAY[0.5, 0.99, 0.999]) WITHIN GROUP (ORDER BY lat)
                      FILTER (WHERE received_at >= t0 AND received_at < t1 AND lat IS NOT NULL),
         'maxLatency', max(lat) FILTER (WHERE received_at >= t0 AND received_at < t1),
         'lastSentMs', (extract(epoch FROM max(sent_at)) * 1000)::bigint)
       FROM m, w" >"$WORK/$1.db.json"
  cat "$WORK/$1.db.json"
}

# the fixed-rate run goes first, with the long warm-up: latency at $RATE/s on a quiet database,
# not while it digests the max-load run's backlog
say "(3) fixed rate: $RATE sends/s, $RATE_CONNECTIONS connections, ${WARMUP}s warmup + ${DURATION}s  [load average $(loadavg)]"
load rate "$WARMUP" --mode rate --rate "$RATE" --connections "$RATE_CONNECTIONS"
drain
pg_background
window rate
sleep "$SETTLE"

pg_top 0 >/dev/null # a reset
say "(1)+(2) max load: $CONNECTIONS connections, ${MAX_WARMUP}s warmup + ${DURATION}s  [load average $(loadavg)]"
load max "$MAX_WARMUP" --mode max --connections "$CONNECTIONS"
drain
pg_background
window max

# ---- checks --------------------------------------------------------------------------------
say "checks: database and fake platform"
sql "SELECT json_build_object('rows', count(*), 'sent', count(*) FILTER (WHERE status = 'sent'),
       'notSent', count(*) FILTER (WHERE status <> 'sent'), 'distinctPlatformIds', count(DISTINCT platform_message_id),
       'outbox', (SELECT count(*) FROM outbox), 'deadLetters', (SELECT count(*) FROM dead_letters),
       'conversations', (SELECT count(*) FROM conversations WHERE tenant_id = '$TENANT'))
     FROM messages WHERE $OUTBOUND" | tee "$WORK/totals.json"
curl -sf "$FAKE_STATS" >"$WORK/fake.json" || die "the fake platform did not answer /stats"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); s.pop("perSecond"); print(json.dumps(s))' "$WORK/fake.json"
curl -sf "http://127.0.0.1:$PORT/metrics" >"$RESULTS/$STAMP-metrics.txt" || true
grep -E '^switchboard_(outbound_total|send_requests_total|outbound_queue)' "$RESULTS/$STAMP-metrics.txt" || true
if [[ "$PG_PROFILE" != 0 ]]; then
  say "pg_stat_statements: the max run and its drain, top statements by total time"
  pg_top 20
fi
if [[ "$PG_PROFILE" == 1 ]]; then cp "$PG_DIR/postgres.log" "$RESULTS/$STAMP-postgres.log"; fi # auto_explain's plans

# ---- summary -------------------------------------------------------------------------------
say "summary"
WORK="$WORK" TARGET_PER_SEC="$TARGET_PER_SEC" RATE="$RATE" CONNECTIONS="$CONNECTIONS" DURATION="$DURATION" \
  RUN_ID="$RUN_ID" python3 - <<'PY'
import json, os, sys
w = os.environ["WORK"]
def load(name): return json.load(open(f"{w}/{name}"))
rate, mx = load("rate.json"), load("max.json")
rate_db, max_db, tot, fake = load("rate.db.json"), load("max.db.json"), load("totals.json"), load("fake.json")
target, duration = float(os.environ["TARGET_PER_SEC"]), float(os.environ["DURATION"])
run_id = os.environ["RUN_ID"]

def cpu(name, gen_seconds, sent):
    """CPU of the measured window: core-seconds per process, then milliseconds per message sent."""
    lines = open(f"{w}/{name}.cpu").read().split("\n")
    a, b = [list(map(int, l.split())) for l in lines[:2]]
    secs = [(y - x) / b[5] for x, y in zip(a, b)]
    others = max(0, secs[3] - secs[0] - secs[1] - secs[2] - gen_seconds)
    per = lambda v: f"{1000 * v / sent:.2f}" if sent else "n/a"
    return (f"gateway {secs[0]:.1f}, postgres {secs[1]:.1f}, fake {secs[2]:.1f}, load generator "
            f"{gen_seconds:.1f}, others {others:.1f} core-s; machine busy {100 * secs[3] / max(1e-9, secs[4]):.0f}% "
            f"of {secs[4]:.0f} core-s",
            f"{per(secs[0])} / {per(secs[1])} / {per(secs[2])} / {per(gen_seconds)}", lines[2].strip())

def ms(v): return "n/a" if v is None else f"{1000 * v:.1f}"
def lat(db):
    l = db["latency"] or [None, None, None]
    return f"{ms(l[0])} / {ms(l[1])} / {ms(l[2])}  (max {ms(db['maxLatency'])})"
def nerr(r): return sum(r["errors"].values())

accept = mx["okPerSec"]
e2e = max_db["sent"] / duration
rate_sent = rate_db["sent"] / duration
accepted = rate["okTotal"] + mx["okTotal"]
runs = fake["runs"]
fake_unique = sum(runs.get(f"{run_id}-{n}", {}).get("unique", 0) for n in ("rate", "max"))
drain_s = (max_db["lastSentMs"] - mx["windowEndMs"]) / 1000
drained = max_db["lastSentMs"] and tot["outbox"] == 0
drain_rate = (max_db["backlogEnd"] / drain_s) if drained and drain_s > 0 else None

W = 58
def row(k, v): print(f"{k:<{W}} {v}")
cpu_max, per_max, load_max = cpu("max", mx["cpuSeconds"], max_db["sent"])
cpu_rate, per_rate, load_rate = cpu("rate", rate["cpuSeconds"], rate_db["sent"])
row(f"(1) send API acceptance, max load ({os.environ['CONNECTIONS']} conns)", f"{accept:,.1f} 202s/s")
row("    202 latency p50 / p99 (ms)", f"{mx['p50Ms']} / {mx['p99Ms']}")
row("    non-202 / connection errors", json.dumps(mx["errors"]))
row("(2) end to end at max load: accepted+sent+recorded/s", f"{e2e:,.1f} msg/s")
row("    outbox backlog at window start -> end", f"{max_db['backlogStart']:,} -> {max_db['backlogEnd']:,}")
row("    drain after the load: backlog / time", f"{max_db['backlogEnd']:,} in {drain_s:.1f} s = "
    + (f"{drain_rate:,.0f} msg/s" if drain_rate else "n/a"))
row("    accepted -> sent p50 / p99 / p99.9 (ms), saturated", lat(max_db))
row("    cpu in the window", cpu_max)
row("    cpu ms per message sent: gateway / pg / fake / generator", per_max)
row("    load average at the window's end", load_max)
row(f"(3) fixed rate {float(os.environ['RATE']):,.0f}/s: 202s/s, sent+recorded/s",
    f"{rate['okPerSec']:,.1f}, {rate_sent:,.1f}")
row("    accepted -> sent p50 / p99 / p99.9 (ms)", lat(rate_db))
row("    202 latency p50 / p99 (ms), errors", f"{rate['p50Ms']} / {rate['p99Ms']}, {json.dumps(rate['errors'])}")
row("    cpu in the window", cpu_rate)
row("    cpu ms per message sent: gateway / pg / fake / generator", per_rate)
row("    load average at the window's end", load_rate)
row("rows / 202s (whole run)", f"{tot['rows']:,} / {accepted:,}")
row("rows sent / not sent / outbox / dead letters", f"{tot['sent']:,} / {tot['notSent']} / {tot['outbox']} / {tot['deadLetters']}")
row("fake: tagged texts received once / duplicates / other", f"{fake_unique:,} / {fake['duplicates']} / "
    f"{fake['untagged'] + fake['untracked'] + fake['badRequests'] + fake['notFound']}")
print()
checks = [
    (f"(2) >= {target:,.0f} messages/s accepted, sent and recorded (max load)", e2e >= target),
    ("every 202 is a row", tot["rows"] >= accepted),
    ("every row reached 'sent' (outbox empty, no dead letter)", tot["notSent"] == 0 and tot["outbox"] == 0 and tot["deadLetters"] == 0),
    ("the fake got every sent message exactly once", fake_unique == tot["sent"] and fake["duplicates"] == 0
        and fake["sends"] == fake_unique and tot["distinctPlatformIds"] == tot["rows"]),
]
for name, ok in checks:
    print(f"{'PASS' if ok else 'FAIL'}  {name}")
if rate_sent < 0.95 * float(os.environ["RATE"]):
    print(f"note: the fixed-rate run did not sustain {float(os.environ['RATE']):,.0f}/s (sent {rate_sent:,.0f}/s): "
          "its latencies are those of an overloaded pipeline")
if tot["rows"] > accepted:
    print(f"note: {tot['rows'] - accepted} rows have no 202 (committed, but the answer was an error or came too late)")
allok = all(ok for _, ok in checks)
print()
print("OVERALL: " + ("PASS" if allok else "FAIL"))
print("SUMMARY " + json.dumps({"acceptPerSec": accept, "e2ePerSec": round(e2e, 1),
    "maxP50Ms": max_db["latency"] and round(1000 * max_db["latency"][0], 1),
    "maxP99Ms": max_db["latency"] and round(1000 * max_db["latency"][1], 1),
    "rate": float(os.environ["RATE"]), "rateSentPerSec": round(rate_sent, 1),
    "rateP50Ms": rate_db["latency"] and round(1000 * rate_db["latency"][0], 1),
    "rateP99Ms": rate_db["latency"] and round(1000 * rate_db["latency"][1], 1),
    "rows": tot["rows"], "accepted": accepted, "notSent": tot["notSent"], "duplicates": fake["duplicates"],
    "loadAvg": load_max, "pass": allok}))
sys.exit(0 if allok else 1)
PY
echo "saved: $OUT"
