#!/usr/bin/env bash
# Switchboard webhook bench: one command, all figures.
#
#   bench/run.sh
#
# Starts a dedicated PostgreSQL and the real gateway (fat jar), drives signed WhatsApp text
# webhooks at it with bench/target/webhook-load.jar and prints:
#   (a) durable webhooks/s + p50/p99 ack latency at max load (closed model)
#   (b) the PostgreSQL ceiling for the same rows inserted in batches (StoreCeiling)
#   (c) the ratio a/b
#   (d) p50/p99 ack latency at a fixed $RATE webhooks/s (open model)
# and PASS/FAIL against the targets. The whole output is saved to bench/results/<timestamp>.txt.
# Exit status: 0 all targets met, 1 a target missed or a step failed.
set -euo pipefail

# ---- knobs (environment) -------------------------------------------------------------------
DURATION="${DURATION:-20}"                 # measured seconds per load run
WARMUP="${WARMUP:-30}"                     # unmeasured seconds before each load run: on 2 cores the JIT compiler is busy for ~25 s of load
CONNECTIONS="${CONNECTIONS:-256}"           # max-mode connections
RATE="${RATE:-2000}"                       # fixed-rate run, webhooks/s
RATE_CONNECTIONS="${RATE_CONNECTIONS:-32}" # rate-mode connections
EVENT_LOOPS="${EVENT_LOOPS:-2}"            # load-generator event loops
SETTLE="${SETTLE:-5}"                      # pause between runs (lets gateway background work finish)
CEILING_EVENTS="${CEILING_EVENTS:-200000}"
CEILING_BATCH="${CEILING_BATCH:-128}"

# ---- targets ---------------------------------------------------------------------------------
TARGET_PER_SEC=10000
TARGET_RATIO=0.5
TARGET_P99_MS=25

# ---- fixed names (one-line fixes if the gateway's schema or classes are named differently) ----
COUNT_SQL="select count(*) from messages where tenant_id='bench'"
CEILING_CLASS=dev.switchboard.gateway.bench.StoreCeiling
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

# ---- 3. gateway ---------------------------------------------------------------------------
PORT="$(free_port)"
APP_SECRET="$(rand)"
CONFIG="$WORK/switchboard.yaml"
{ config_head "$PORT"; cat <<EOF
tenants:
  - id: $TENANT
    name: Load bench
    apiKeys: [ "$(rand)" ]
    limits:
      inbound:  { perSecond: 1000000, burst: 1000000 }
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
load() { # $1 = output file, rest = WebhookLoad args; prints live and keeps a copy
  local out="$1"; shift
  # shellcheck disable=SC2086
  java $LOADGEN_JAVA_OPTS -jar "$LOAD_JAR" --url "$URL" --app-secret "$APP_SECRET" \
    --phone-number-id "$PHONE_NUMBER_ID" --event-loops "$EVENT_LOOPS" --warmup "$WARMUP" \
    --duration "$DURATION" "$@" | tee "$out"
}

# the fixed-rate run goes first: it measures latency at 2,000/s, not the database digesting the
# max-load run's half a million rows (autovacuum, checkpoint writes) right after it
say "(d) fixed rate: $RATE webhooks/s, $RATE_CONNECTIONS connections, ${WARMUP}s warmup + ${DURATION}s"
load "$WORK/rate.out" --mode rate --rate "$RATE" --connections "$RATE_CONNECTIONS" --run-id "$RUN_ID-rate"
RATE_JSON="$(sed -n 's/^RESULT //p' "$WORK/rate.out" | tail -1)"
[[ -n "$RATE_JSON" ]] || die "rate-mode run printed no RESULT line"

sleep "$SETTLE"
say "(a) max load: $CONNECTIONS connections, ${WARMUP}s warmup + ${DURATION}s"
load "$WORK/max.out" --mode max --connections "$CONNECTIONS" --run-id "$RUN_ID-max"
MAX_JSON="$(sed -n 's/^RESULT //p' "$WORK/max.out" | tail -1)"
[[ -n "$MAX_JSON" ]] || die "max-mode run printed no RESULT line"

# ---- 5. durability ------------------------------------------------------------------------
say "durability: $COUNT_SQL"
ROWS="$(psql "$PG_URL" -Atc "$COUNT_SQL")"
echo "rows stored: $ROWS"

# ---- 6. ceiling (gateway stopped: PostgreSQL gets the whole machine) -----------------------
stop_gateway
say "(b) PostgreSQL ceiling: $CEILING_CLASS --events $CEILING_EVENTS --batch $CEILING_BATCH"
java -cp "$TOOLS_CP" "$CEILING_CLASS" --database-url "$PG_URL" --tenant "$TENANT" \
  --phone-number-id "$PHONE_NUMBER_ID" --events "$CEILING_EVENTS" --batch "$CEILING_BATCH" | tee "$WORK/ceiling.out"
CEILING_JSON="$(sed -n 's/^CEILING //p' "$WORK/ceiling.out" | tail -1)"
[[ -n "$CEILING_JSON" ]] || die "StoreCeiling printed no CEILING line"

# ---- 7. summary ---------------------------------------------------------------------------
say "summary"
MAX_JSON="$MAX_JSON" RATE_JSON="$RATE_JSON" CEILING_JSON="$CEILING_JSON" ROWS="$ROWS" \
TARGET_PER_SEC="$TARGET_PER_SEC" TARGET_RATIO="$TARGET_RATIO" TARGET_P99_MS="$TARGET_P99_MS" \
RATE="$RATE" CONNECTIONS="$CONNECTIONS" RATE_CONNECTIONS="$RATE_CONNECTIONS" python3 - <<'PY'
import json, os, sys
mx = json.loads(os.environ["MAX_JSON"]); rt = json.loads(os.environ["RATE_JSON"])
ce = json.loads(os.environ["CEILING_JSON"]); rows = int(os.environ["ROWS"])
t_rate, t_ratio, t_p99 = float(os.environ["TARGET_PER_SEC"]), float(os.environ["TARGET_RATIO"]), float(os.environ["TARGET_P99_MS"])
rate = float(os.environ["RATE"])

def nerr(r): return sum(r["errors"].values())
def ms(v): return "n/a" if v is None else f"{v:.2f}"
a = mx["okPerSec"]; b = float(ce["rowsPerSec"]); ratio = a / b if b > 0 else 0.0
acked = mx["okTotal"] + rt["okTotal"]
checks = [
  ("(a) >= %s durable webhooks/s" % f"{t_rate:,.0f}", a >= t_rate),
  ("(c) ratio a/b >= %.2f" % t_ratio, ratio >= t_ratio),
  ("(d) p99 <= %g ms at %s/s, every request answered 200" % (t_p99, f"{rate:,.0f}"),
   rt["p99Ms"] is not None and rt["p99Ms"] <= t_p99 and nerr(rt) == 0),
  ("durability: rows stored >= 200s acknowledged", rows >= acked),
]
W = 52
print(f"{'(a) durable webhooks/s (max load, %s conns)' % os.environ['CONNECTIONS']:<{W}} {a:>12,.1f}")
print(f"{'    ack latency p50 / p99 / p99.9 (ms)':<{W}} {ms(mx['p50Ms'])} / {ms(mx['p99Ms'])} / {ms(mx['p999Ms'])}")
print(f"{'    non-200 / connection errors':<{W}} {json.dumps(mx['errors'])}")
print(f"{'(b) PostgreSQL ceiling rows/s (batch %s)' % ce.get('batch', '?'):<{W}} {b:>12,.1f}")
print(f"{'(c) ratio a/b':<{W}} {ratio:>12.3f}")
print(f"{'(d) ack latency at %s/s p50 / p99 / p99.9 (ms)' % f'{rate:,.0f}':<{W}} {ms(rt['p50Ms'])} / {ms(rt['p99Ms'])} / {ms(rt['p999Ms'])}  (max {ms(rt['maxMs'])})")
print(f"{'    answered 200 / sent, errors':<{W}} {rt['ok']} / {rt['sent']}, {json.dumps(rt['errors'])}")
print(f"{'durability: rows stored / 200s acknowledged':<{W}} {rows} / {acked}")
print()
for name, ok in checks:
    print(f"{'PASS' if ok else 'FAIL'}  {name}")
allok = all(ok for _, ok in checks)
print()
print("OVERALL: " + ("PASS" if allok else "FAIL"))
print("SUMMARY " + json.dumps({"webhooksPerSec": a, "p50Ms": mx["p50Ms"], "p99Ms": mx["p99Ms"],
    "ceilingRowsPerSec": b, "ratio": round(ratio, 4), "rate": rate, "rateP50Ms": rt["p50Ms"],
    "rateP99Ms": rt["p99Ms"], "rowsStored": rows, "acked": acked, "pass": allok}))
sys.exit(0 if allok else 1)
PY
echo "saved: $OUT"
