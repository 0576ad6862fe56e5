#!/usr/bin/env bash
# Switchboard webhook bench: one command, all figures.
#
#   bench/run.sh
#
# Starts a dedicated PostgreSQL and the real gateway (fat jar), drives signed WhatsApp text
# webhooks at it with bench/target/webhook-load.jar and prints:
#   (d) p50/p99 ack latency at a fixed $RATE webhooks/s (open model)
#   (e) p50/p99/p99.9 ack latency at a fixed $RATE_HIGH webhooks/s (open model)
#   (f) durable webhooks/s + ack latency at max load with $CONNECTIONS_LOW connections (closed model)
#   (a) durable webhooks/s + ack latency at max load with $CONNECTIONS connections (closed model)
#   (b) the PostgreSQL ceiling for the same rows written by inbox_append in batches (StoreCeiling)
#   (c) the ratio a/b
#   (g) the raw-insert ceiling: a plain table with one unique key, $RAW_BATCH rows per statement,
#       $RAW_CLIENTS clients (RawInsertCeiling), and the ratio a/g
#   (h) the gateway's peak RSS (VmHWM) and the highest VmRSS / thread count sampled during the runs
# and PASS/FAIL against the targets. The whole output is saved to bench/results/<timestamp>.txt.
# Exit status: 0 all targets met, 1 a target missed or a step failed.
set -euo pipefail

# ---- knobs (environment) -------------------------------------------------------------------
DURATION="${DURATION:-20}"                 # measured seconds per load run
WARMUP="${WARMUP:-30}"                     # unmeasured seconds before the first load run: on 2 cores the JIT compiler is busy for ~25 s of load
RUN_WARMUP="${RUN_WARMUP:-10}"             # unmeasured seconds before each later load run (the JVMs are warm by then)
CONNECTIONS="${CONNECTIONS:-256}"          # connections of the big max-load run
CONNECTIONS_LOW="${CONNECTIONS_LOW:-32}"   # connections of the realistic max-load run (Telegram allows 40 per bot)
RATE="${RATE:-2000}"                       # first fixed-rate run, webhooks/s
RATE_CONNECTIONS="${RATE_CONNECTIONS:-32}" # its connections
RATE_HIGH="${RATE_HIGH:-5000}"             # second fixed-rate run, webhooks/s
RATE_HIGH_CONNECTIONS="${RATE_HIGH_CONNECTIONS:-64}" # its connections (enough that the generator never queues for one)
EVENT_LOOPS="${EVENT_LOOPS:-2}"            # load-generator event loops
SETTLE="${SETTLE:-5}"                      # pause between runs (lets gateway background work finish)
CEILING_EVENTS="${CEILING_EVENTS:-200000}"
CEILING_BATCH="${CEILING_BATCH:-128}"
RAW_ROWS="${RAW_ROWS:-200000}"             # raw-insert ceiling: rows, rows per statement, clients
RAW_BATCH="${RAW_BATCH:-100}"
RAW_CLIENTS="${RAW_CLIENTS:-4}"
RUNS="${RUNS:-rate,ratehigh,low,max}"      # which load runs, in this order (a subset for quick A/B)
SKIP_CEILINGS="${SKIP_CEILINGS:-0}"        # 1 = no StoreCeiling (b, c); the raw ceiling (g) always runs
PG_PROFILE="${PG_PROFILE:-0}"              # 1 = pg_stat_statements (nested statements too): top statements after each run
LIMITS="${LIMITS:-on}"                     # on: an inbound limit nothing reaches (admission runs); off: inbound: unlimited (admission skipped)

# ---- targets ---------------------------------------------------------------------------------
TARGET_PER_SEC=13000      # (a) at $CONNECTIONS connections
TARGET_LOW_PER_SEC=8000   # (f) at $CONNECTIONS_LOW connections
TARGET_RATIO=0.5          # (c) a / StoreCeiling
TARGET_RAW_RATIO=0.25     # a / raw-insert ceiling
TARGET_P99_MS=25          # (d) at $RATE/s
TARGET_HIGH_P99_MS=20     # (e) at $RATE_HIGH/s
TARGET_RSS_MB=512         # (h) peak RSS

# ---- fixed names (one-line fixes if the gateway's schema or classes are named differently) ----
COUNT_SQL="select count(*) from messages where tenant_id='bench'"
CEILING_CLASS=dev.switchboard.gateway.bench.StoreCeiling
RAW_CLASS=dev.switchboard.bench.RawInsertCeiling
TENANT=bench
PHONE_NUMBER_ID=100000000000001

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # also the shared knobs: READY_TIMEOUT, LOADGEN_JAVA_OPTS,
                                               # GATEWAY_JAVA_OPTS, SKIP_BUILD, KEEP_WORK, GATEWAY_JAR
bench_init

# ---- machine -----------------------------------------------------------------------------
print_machine

# ---- 1. build -----------------------------------------------------------------------------
build_if_stale

# ---- 2. PostgreSQL -------------------------------------------------------------------------
start_postgres
pg_profile_setup
pg_log_setup
pg_settings

# ---- 3. gateway ---------------------------------------------------------------------------
case "$LIMITS" in
  on)  INBOUND_LIMIT="{ perSecond: 1000000, burst: 1000000 }" ;;
  off) INBOUND_LIMIT="unlimited" ;;
  *) die "LIMITS: on or off, not '$LIMITS'" ;;
esac
echo "inbound limit (LIMITS=$LIMITS): $INBOUND_LIMIT"
PORT="$(free_port)"
APP_SECRET="$(rand)"
CONFIG="$WORK/switchboard.yaml"
{ config_head "$PORT"; cat <<EOF
tenants:
  - id: $TENANT
    name: Load bench
    apiKeys: [ "$(rand)" ]
    limits:
      inbound:  $INBOUND_LIMIT
      outbound: { perSecond: 1000, burst: 1000 }
      perContactDaily: 0
    channels:
      whatsapp:
        phoneNumberId: "$PHONE_NUMBER_ID"
        appSecret: "$APP_SECRET"
        verifyToken: "$(rand)"
        accessToken: "bench-unused"
        apiBaseUrl: http://127.0.0.1:9/v23.0
    plugins: []
EOF
} > "$CONFIG"
start_gateway "$CONFIG" "$PORT"
check_idle "with the gateway idle"

# ---- 4. load --------------------------------------------------------------------------------
RUN_ID="b$(date +%s)-$(rand | cut -c1-6)"
URL="http://127.0.0.1:$PORT/webhooks/whatsapp/$TENANT"
RSS_LOG="$WORK/rss.log"
start_rss_sampler "$GW_PID" "$RSS_LOG"

POSTMASTER="$(head -1 "$PG_DIR/pgdata/postmaster.pid")"
cpu_snap() { cpu_ticks "$POSTMASTER" "$GW_PID"; } # gateway, postgres, machine busy, machine; ticks/s

FIRST_RUN=1
# load NAME ARGS...: one WebhookLoad run, printed live (copy in $WORK/NAME.out, result in NAME.json);
# the CPU of the gateway, PostgreSQL and the machine is sampled at the start and the end of its
# measured window ($WORK/NAME.cpu; the generator reports its own)
load() {
  local name="$1" warmup="$RUN_WARMUP"; shift
  if ((FIRST_RUN)); then warmup="$WARMUP"; FIRST_RUN=0; else sleep "$SETTLE"; fi
  echo "warmup ${warmup}s + ${DURATION}s; $(check_idle "before the run")"
  # shellcheck disable=SC2086
  java $LOADGEN_JAVA_OPTS -jar "$LOAD_JAR" --url "$URL" --app-secret "$APP_SECRET" \
    --phone-number-id "$PHONE_NUMBER_ID" --event-loops "$EVENT_LOOPS" --warmup "$warmup" \
    --duration "$DURATION" --run-id "$RUN_ID-$name" ${TIMELINE_MS:+--timeline "$TIMELINE_MS"} "$@" >"$WORK/$name.out" 2>&1 &
  local gen=$!
  tail -n +1 --pid="$gen" -f "$WORK/$name.out" &
  local printer=$!
  ( # the tool prints its first line just before its clock starts
    until grep -q '^mode=' "$WORK/$name.out" 2>/dev/null; do kill -0 "$gen" 2>/dev/null || exit 0; sleep 0.05; done
    sleep "$warmup"; cpu_snap; sleep "$DURATION"; cpu_snap ) >"$WORK/$name.cpu" 2>/dev/null &
  local sampler=$!
  wait "$gen" || die "the $name run failed"
  wait "$sampler" "$printer" || true
  echo "load average at the end of the run: $(loadavg); gateway $(rss_now "$GW_PID")"
  local json; json="$(sed -n 's/^RESULT //p' "$WORK/$name.out" | tail -1)"
  [[ -n "$json" ]] || die "the $name run printed no RESULT line"
  printf '%s' "$json" > "$WORK/$name.json"
  pg_top
}

# the fixed-rate runs go first: they measure latency, not the database digesting the max-load
# runs' half a million rows (autovacuum, checkpoint writes) right after them
for run in ${RUNS//,/ }; do
  case "$run" in
    rate) say "(d) fixed rate: $RATE webhooks/s, $RATE_CONNECTIONS connections"
          load rate --mode rate --rate "$RATE" --connections "$RATE_CONNECTIONS" ;;
    ratehigh) say "(e) fixed rate: $RATE_HIGH webhooks/s, $RATE_HIGH_CONNECTIONS connections"
          load ratehigh --mode rate --rate "$RATE_HIGH" --connections "$RATE_HIGH_CONNECTIONS" ;;
    low)  say "(f) max load: $CONNECTIONS_LOW connections"
          load low --mode max --connections "$CONNECTIONS_LOW" ;;
    max)  say "(a) max load: $CONNECTIONS connections"
          load max --mode max --connections "$CONNECTIONS" ;;
    *) die "RUNS: unknown run '$run' (rate, ratehigh, low, max)" ;;
  esac
done

# ---- 5. durability ------------------------------------------------------------------------
say "durability: $COUNT_SQL"
ROWS="$(psql "$PG_URL" -Atc "$COUNT_SQL")"
echo "rows stored: $ROWS"
say "batches (switchboard_store_batch_events, whole run) and memory"
curl -s "http://127.0.0.1:$PORT/metrics" > "$WORK/metrics.txt" || true
cp "$WORK/metrics.txt" "$RESULTS/$STAMP-metrics.txt" 2>/dev/null || true
pg_wal_report
if [[ "${PG_LOG:-0}" == 1 ]]; then cp "$PG_DIR/postgres.log" "$RESULTS/$STAMP-postgres.log" 2>/dev/null || true; fi
grep -E '^switchboard_store_batch_events_(count|sum|max)|^switchboard_store_commit_seconds_(count|sum|max)' \
  "$WORK/metrics.txt" || true
# admission leases (none with LIMITS=off: admission skipped) and the recent-keys cache's size
grep -E '^switchboard_admission_(leases|tokens_leased)_total|^switchboard_idempotency_(recent_entries|recent_bytes|lookups_total|hits_total)' \
  "$WORK/metrics.txt" || true
stop_rss_sampler
RSS_JSON="$(rss_summary "$GW_PID" "$RSS_LOG")"
echo "RSS $RSS_JSON"
if [[ "$GATEWAY_JAVA_OPTS" == *NativeMemoryTracking* ]]; then # where the RSS goes, by the JVM's own count
  jcmd "$GW_PID" VM.native_memory summary 2>/dev/null \
    | grep -E '^(Total|-)' | sed -E 's/\(malloc=.*//; s/ +/ /g' || true
fi

# ---- 6. ceilings (gateway stopped: PostgreSQL gets the whole machine) -----------------------
stop_gateway
CEILING_JSON='{}'
if [[ "$SKIP_CEILINGS" != 1 ]]; then
  say "(b) PostgreSQL ceiling: $CEILING_CLASS --events $CEILING_EVENTS --batch $CEILING_BATCH"
  check_idle "before the ceiling"
  java -cp "$TOOLS_CP" "$CEILING_CLASS" --database-url "$PG_URL" --tenant "$TENANT" \
    --phone-number-id "$PHONE_NUMBER_ID" --events "$CEILING_EVENTS" --batch "$CEILING_BATCH" | tee "$WORK/ceiling.out"
  CEILING_JSON="$(sed -n 's/^CEILING //p' "$WORK/ceiling.out" | tail -1)"
  [[ -n "$CEILING_JSON" ]] || die "StoreCeiling printed no CEILING line"
fi
say "(g) raw-insert ceiling: $RAW_CLASS --rows $RAW_ROWS --batch $RAW_BATCH --clients $RAW_CLIENTS"
check_idle "before the raw ceiling"
java -cp "$LOAD_JAR" "$RAW_CLASS" --database-url "$PG_URL" --rows "$RAW_ROWS" --batch "$RAW_BATCH" \
  --clients "$RAW_CLIENTS" | tee "$WORK/raw.out"
RAW_JSON="$(sed -n 's/^RAW //p' "$WORK/raw.out" | tail -1)"
[[ -n "$RAW_JSON" ]] || die "RawInsertCeiling printed no RAW line"
check_idle "at the end"

# ---- 7. summary ---------------------------------------------------------------------------
say "summary"
WORK="$WORK" CEILING_JSON="$CEILING_JSON" RAW_JSON="$RAW_JSON" RSS_JSON="$RSS_JSON" ROWS="$ROWS" \
TARGET_PER_SEC="$TARGET_PER_SEC" TARGET_LOW_PER_SEC="$TARGET_LOW_PER_SEC" TARGET_RATIO="$TARGET_RATIO" \
TARGET_RAW_RATIO="$TARGET_RAW_RATIO" TARGET_P99_MS="$TARGET_P99_MS" TARGET_HIGH_P99_MS="$TARGET_HIGH_P99_MS" \
TARGET_RSS_MB="$TARGET_RSS_MB" RATE="$RATE" RATE_HIGH="$RATE_HIGH" CONNECTIONS="$CONNECTIONS" \
CONNECTIONS_LOW="$CONNECTIONS_LOW" LOADAVG="$(loadavg)" python3 - <<'PY'
import json, os, sys
E = os.environ
def result(name):
    p = os.path.join(E["WORK"], name + ".json")
    return json.load(open(p)) if os.path.exists(p) else None
rt, hi, lo, mx = result("rate"), result("ratehigh"), result("low"), result("max")
ce = json.loads(E["CEILING_JSON"]); raw = json.loads(E["RAW_JSON"]); rss = json.loads(E["RSS_JSON"])
rows = int(E["ROWS"]); f = lambda k: float(E[k])

def nerr(r): return sum(r["errors"].values())
def ms(v): return "n/a" if v is None else f"{v:.2f}"
b = float(ce.get("rowsPerSec", 0)); g = float(raw["rowsPerSec"])
acked = sum(r["okTotal"] for r in (rt, hi, lo, mx) if r)
W = 56
checks = []
tag_name = {"d": "rate", "e": "ratehigh", "f": "low", "a": "max"}
def line(label, value): print(f"{label:<{W}} {value}")
def cpu(name, r):
    """The measured window's CPU: core-seconds per process, then microseconds per 200 answer."""
    try:
        a, b = [list(map(int, l.split())) for l in open(os.path.join(E["WORK"], name + ".cpu")).read().split("\n")[:2]]
    except (OSError, ValueError):
        return
    secs = [(y - x) / b[4] for x, y in zip(a, b)]
    gen = r.get("cpuSeconds", 0) or 0
    others = max(0, secs[2] - secs[0] - secs[1] - gen)
    n = r["okPerSec"] * r["seconds"] # 200s received in the window the CPU was sampled over
    line("    cpu in the window (core-s)", f"gateway {secs[0]:.1f}, postgres {secs[1]:.1f}, generator {gen:.1f}, "
         f"others {others:.1f}; machine busy {100 * secs[2] / max(1e-9, secs[3]):.0f}%")
    line("    cpu us per 200: gateway / postgres / generator",
         f"{1e6 * secs[0] / n:.0f} / {1e6 * secs[1] / n:.0f} / {1e6 * gen / n:.0f}" if n >= 1 else "n/a (no 200 in the window)")
def closed(tag, r, conns, target):
    if r is None: return
    a = r["okPerSec"]
    line(f"({tag}) durable webhooks/s (max load, {conns} conns)", f"{a:>12,.1f}")
    line("    ack latency p50 / p99 / p99.9 (ms)", f"{ms(r['p50Ms'])} / {ms(r['p99Ms'])} / {ms(r['p999Ms'])}")
    line("    non-200 / connection errors", json.dumps(r["errors"]))
    cpu(tag_name[tag], r)
    checks.append((f"({tag}) >= {target:,.0f} durable webhooks/s at {conns} connections", a >= target))
def opened(tag, r, rate, target):
    if r is None: return
    line(f"({tag}) ack latency at {rate:,.0f}/s p50 / p99 / p99.9 (ms)",
         f"{ms(r['p50Ms'])} / {ms(r['p99Ms'])} / {ms(r['p999Ms'])}  (max {ms(r['maxMs'])})")
    line("    answered 200 / sent, errors", f"{r['ok']} / {r['sent']}, {json.dumps(r['errors'])}")
    cpu(tag_name[tag], r)
    checks.append((f"({tag}) p99 <= {target:g} ms at {rate:,.0f}/s, every request answered 200",
                   r["p99Ms"] is not None and r["p99Ms"] <= target and nerr(r) == 0))
opened("d", rt, f("RATE"), f("TARGET_P99_MS"))
opened("e", hi, f("RATE_HIGH"), f("TARGET_HIGH_P99_MS"))
closed("f", lo, E["CONNECTIONS_LOW"], f("TARGET_LOW_PER_SEC"))
closed("a", mx, E["CONNECTIONS"], f("TARGET_PER_SEC"))
a = mx["okPerSec"] if mx else None
if b > 0:
    line(f"(b) StoreCeiling rows/s (inbox_append, batch {ce.get('batch', '?')})", f"{b:>12,.1f}")
    if a is not None:
        line("(c) ratio a/b", f"{a / b:>12.3f}")
        checks.append((f"(c) ratio a/b >= {f('TARGET_RATIO'):.2f}", a / b >= f("TARGET_RATIO")))
line(f"(g) raw-insert ceiling rows/s ({raw['batch']} rows/statement, {raw['clients']} clients)", f"{g:>12,.1f}")
if a is not None:
    line("    ratio a/g", f"{a / g:>12.3f}")
    checks.append((f"(a/g) ratio >= {f('TARGET_RAW_RATIO'):.2f} of the raw-insert ceiling", a / g >= f("TARGET_RAW_RATIO")))
if lo is not None:
    line("    ratio f/g", f"{lo['okPerSec'] / g:>12.3f}")
line("(h) gateway peak RSS (VmHWM) MB", f"{rss['hwmMb']:>12,.1f}")
line("    highest sampled VmRSS MB / threads", f"{rss['maxRssMb']:,.1f} / {rss['maxThreads']}")
checks.append((f"(h) gateway peak RSS <= {f('TARGET_RSS_MB'):g} MB", 0 < rss["hwmMb"] <= f("TARGET_RSS_MB")))
line("durability: rows stored / 200s acknowledged", f"{rows} / {acked}")
checks.append(("durability: rows stored >= 200s acknowledged", rows >= acked))
line("load average at the end", E["LOADAVG"])
print()
for name, ok in checks:
    print(f"{'PASS' if ok else 'FAIL'}  {name}")
allok = all(ok for _, ok in checks)
print()
print("OVERALL: " + ("PASS" if allok else "FAIL"))
pick = lambda r, k: None if r is None else r[k]
print("SUMMARY " + json.dumps({"webhooksPerSec": a, "p50Ms": pick(mx, "p50Ms"), "p99Ms": pick(mx, "p99Ms"),
    "lowPerSec": pick(lo, "okPerSec"), "lowP99Ms": pick(lo, "p99Ms"),
    "ceilingRowsPerSec": b, "ratio": round(a / b, 4) if a and b else None,
    "rawRowsPerSec": g, "rawRatio": round(a / g, 4) if a else None,
    "rate": f("RATE"), "rateP50Ms": pick(rt, "p50Ms"), "rateP99Ms": pick(rt, "p99Ms"),
    "rateHigh": f("RATE_HIGH"), "rateHighP50Ms": pick(hi, "p50Ms"), "rateHighP99Ms": pick(hi, "p99Ms"),
    "rateHighP999Ms": pick(hi, "p999Ms"), "rssHwmMb": rss["hwmMb"], "maxThreads": rss["maxThreads"],
    "rowsStored": rows, "acked": acked, "loadavg": E["LOADAVG"], "pass": allok}))
sys.exit(0 if allok else 1)
PY
echo "saved: $OUT"
