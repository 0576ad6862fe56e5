#!/usr/bin/env bash
# Switchboard cluster-limit bench: a tenant's inbound limit held across nodes, and what it costs.
#
#   bench/cluster.sh
#
# One dedicated PostgreSQL; a tenant `bench` limited to $LIMIT webhooks/s (burst $LIMIT), offered
# $RATE signed WhatsApp webhooks/s (open model, WebhookLoad --mode rate). Three runs:
#   single   one gateway, no cluster: all of the load to it
#   even     two gateways in cluster mode (vertx-hazelcast, TCP/IP members on loopback), half of the
#            load to each (a generator per node)
#   uneven   the same cluster, nine calls in ten to the first node (the load balancer's worst case)
# For each: webhooks stored per second in the measured window (the database's count, by received_at)
# against the limit (PASS within 10 %), the 200s and 429s the generators got, and the CPU of the
# window: core-seconds and microseconds per answered request of the gateways (both nodes summed),
# PostgreSQL and the generators. The cluster's cost per webhook is the even/uneven runs' gateway
# µs per request against the single run's, at the same offered load: Hazelcast's own work (member
# heartbeats), the demand reports (every 200 ms per node) and the second JVM.
# Output: bench/results/<stamp>-cluster.txt. Exit 0 when every run holds the limit within 10 %.
set -euo pipefail

# ---- knobs (environment) -------------------------------------------------------------------
LIMIT="${LIMIT:-500}"                      # the tenant's inbound perSecond (and burst)
RATE="${RATE:-2000}"                       # offered webhooks/s, all nodes together
DURATION="${DURATION:-20}"                 # measured seconds of each run
WARMUP="${WARMUP:-20}"                     # unmeasured seconds before each run
CLUSTER_WARMUP="${CLUSTER_WARMUP:-60}"     # before the first run of the two new cluster JVMs: both compile on the 2 cores
                                           # (with 20 s the first cluster run answered its 200s 4-15 s late)
CONNECTIONS="${CONNECTIONS:-32}"           # connections of each generator
SENDERS="${SENDERS:-1000}"
RUNS="${RUNS:-single,even,uneven}"
TOLERANCE=0.10

TENANT=bench
PHONE_NUMBER_ID=100000000000001

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init cluster

print_machine
build_if_stale
start_postgres
sql() { psql "$PG_URL" -Atc "$1"; }

APP_SECRET="$(rand)"
ADMIN_TOKEN="$(rand)"
MASTER_KEY="$(rand)"
write_config() { # FILE PORT
  cat >"$1" <<EOF
http:
  port: $2
database:
  url: "$PG_URL"
admin:
  token: "$ADMIN_TOKEN"
tenants:
  - id: $TENANT
    name: Cluster limit bench
    apiKeys: [ "$(rand)" ]
    limits:
      inbound: { perSecond: $LIMIT, burst: $LIMIT }
    channels:
      whatsapp:
        phoneNumberId: "$PHONE_NUMBER_ID"
        appSecret: "$APP_SECRET"
        verifyToken: "$(rand)"
        accessToken: "bench-token"
    plugins: []
EOF
}

# start_node NAME HTTP_PORT [HZ_PORT MEMBERS]: a gateway (cluster mode when HZ_PORT is given); sets NODE_PID
start_node() {
  local name="$1" port="$2" hz="${3:-}" members="${4:-}" dir="$WORK/$1"
  mkdir -p "$dir"
  write_config "$dir/switchboard.yaml" "$port"
  echo "node $name: http $port${hz:+, cluster $hz of [$members]}"
  # shellcheck disable=SC2086
  (cd "$dir" && exec env DATABASE_URL="$PG_URL" HTTP_PORT="$port" SWITCHBOARD_MASTER_KEY="$MASTER_KEY" \
     ${hz:+CLUSTER_HOST=127.0.0.1 CLUSTER_PORT=$hz CLUSTER_MEMBERS=$members} \
     java $GATEWAY_JAVA_OPTS -jar "$GATEWAY_JAR" --config "$dir/switchboard.yaml" >"$dir/gateway.log" 2>&1) &
  NODE_PID=$!
  BG_PIDS+=("$NODE_PID")
  local deadline=$((SECONDS + READY_TIMEOUT))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready" || true)" == 200 ]]; do
    kill -0 "$NODE_PID" 2>/dev/null || { tail -n 30 "$dir/gateway.log" >&2; die "node $name exited during start-up"; }
    ((SECONDS < deadline)) || { tail -n 30 "$dir/gateway.log" >&2; die "node $name not ready after ${READY_TIMEOUT}s"; }
    sleep 0.5
  done
}

members_seen() { # PORT: the members the node's /ready lists
  curl -s "http://127.0.0.1:$1/ready" | python3 -c 'import json,sys; print(json.load(sys.stdin)["checks"]["cluster"]["members"])'
}

POSTMASTER=""
cpu_snap() { cpu_ticks "$POSTMASTER" "$1"; } # PIDS (comma list): gateways summed, postgres, machine busy, machine; ticks/s

# run NAME PIDS WARMUP PORT:RATE...: one generator per PORT:RATE, all started together; CPU of PIDS (comma list)
# sampled over the measured window; results in $WORK/NAME.*
run() { # NAME PIDS WARMUP PORT:RATE...
  local name="$1" pids="$2" warmup="$3"; shift 3
  local gens=() i=0
  echo "$(check_idle "before the $name run")"
  for target in "$@"; do
    local port="${target%%:*}" rate="${target##*:}"
    # shellcheck disable=SC2086
    java $LOADGEN_JAVA_OPTS -cp "$LOAD_JAR" dev.switchboard.bench.WebhookLoad \
      --url "http://127.0.0.1:$port/webhooks/whatsapp/$TENANT" --app-secret "$APP_SECRET" \
      --phone-number-id "$PHONE_NUMBER_ID" --senders "$SENDERS" --event-loops 1 --warmup "$warmup" \
      --duration "$DURATION" --run-id "$RUN_ID-$name-$i" --mode rate --rate "$rate" --connections "$CONNECTIONS" \
      >"$WORK/$name.$i.out" 2>&1 &
    gens+=($!)
    i=$((i + 1))
  done
  ( until grep -q '^mode=' "$WORK/$name.0.out" 2>/dev/null; do sleep 0.05; done
    sleep "$warmup"; cpu_snap "$pids"; sleep "$DURATION"; cpu_snap "$pids" ) >"$WORK/$name.cpu" 2>/dev/null &
  local sampler=$!
  for g in "${gens[@]}"; do wait "$g" || die "a generator of the $name run failed"; done
  wait "$sampler" || true
  for ((j = 0; j < i; j++)); do
    grep -E '^(sent=|throughput|latency)' "$WORK/$name.$j.out" | sed "s/^/  generator $j: /"
    sed -n 's/^RESULT //p' "$WORK/$name.$j.out" | tail -1 >"$WORK/$name.$j.json"
    [[ -s "$WORK/$name.$j.json" ]] || die "generator $j of the $name run printed no RESULT line"
  done
  local t0 t1
  t0="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["windowStartMs"])' "$WORK/$name.0.json")"
  t1="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["windowEndMs"])' "$WORK/$name.0.json")"
  sql "SELECT count(*) FROM messages WHERE tenant_id = '$TENANT' AND platform_message_id LIKE 'wamid.bench.$RUN_ID-$name-%'
         AND received_at >= to_timestamp($t0 / 1000.0) AND received_at < to_timestamp($t1 / 1000.0)" >"$WORK/$name.stored"
  sql "SELECT count(*) FROM messages WHERE tenant_id = '$TENANT' AND platform_message_id LIKE 'wamid.bench.$RUN_ID-$name-%'" \
    >"$WORK/$name.storedTotal"
  echo "  stored in the window: $(cat "$WORK/$name.stored"); load average $(loadavg)"
}

RUN_ID="c$(date +%s)-$(rand | cut -c1-6)"
POSTMASTER="$(head -1 "$PG_DIR/pgdata/postmaster.pid")"
HALF=$((RATE / 2))
NINE=$((RATE * 9 / 10))
for r in ${RUNS//,/ }; do
  case "$r" in
    single)
      say "single: one gateway, no cluster; $RATE/s offered to a tenant limited to $LIMIT/s"
      P1="$(free_port)"; start_node single "$P1"; N1=$NODE_PID
      run single "$N1" "$WARMUP" "$P1:$RATE"
      stop_pid "$N1" ;;
    even|uneven)
      W="$WARMUP"
      if [[ -z "${C1:-}" ]]; then
        W="$CLUSTER_WARMUP"
        say "cluster: two gateways (vertx-hazelcast, members on loopback)"
        H1="$(free_port)"; H2="$(free_port)"; MEMBERS="127.0.0.1:$H1,127.0.0.1:$H2"
        P1="$(free_port)"; P2="$(free_port)"
        start_node a "$P1" "$H1" "$MEMBERS"; C1=$NODE_PID
        start_node b "$P2" "$H2" "$MEMBERS"; C2=$NODE_PID
        for _ in $(seq 1 60); do [[ "$(members_seen "$P1")" == 2 && "$(members_seen "$P2")" == 2 ]] && break; sleep 0.5; done
        echo "members seen: a $(members_seen "$P1"), b $(members_seen "$P2")"
      fi
      if [[ "$r" == even ]]; then
        say "even: $HALF/s to each node ($RATE/s in all) for a tenant limited to $LIMIT/s"
        run even "$C1,$C2" "$W" "$P1:$HALF" "$P2:$((RATE - HALF))"
      else
        say "uneven: $NINE/s to node a and $((RATE - NINE))/s to node b, for a tenant limited to $LIMIT/s"
        run uneven "$C1,$C2" "$W" "$P1:$NINE" "$P2:$((RATE - NINE))"
      fi ;;
    *) die "unknown run '$r' (RUNS: single,even,uneven)" ;;
  esac
done
[[ -n "${C1:-}" ]] && curl -s "http://127.0.0.1:$P1/metrics" | grep -E '^switchboard_cluster_(members|limit_reports_total|limit_peers|rebalances_total)' || true

say "summary"
WORK="$WORK" RUNS="$RUNS" LIMIT="$LIMIT" RATE="$RATE" DURATION="$DURATION" TOLERANCE="$TOLERANCE" python3 - <<'PY'
import glob, json, os, sys
E = os.environ; w = E["WORK"]
limit, rate, duration, tol = float(E["LIMIT"]), float(E["RATE"]), float(E["DURATION"]), float(E["TOLERANCE"])
rows, checks, base = [], [], None
for name in E["RUNS"].split(","):
    gens = [json.load(open(p)) for p in sorted(glob.glob(f"{w}/{name}.*.json"))]
    stored = int(open(f"{w}/{name}.stored").read()); total = int(open(f"{w}/{name}.storedTotal").read())
    ok = sum(g["okPerSec"] * g["seconds"] for g in gens); e429 = sum(g["errors"]["429"] for g in gens)
    other = sum(v for g in gens for k, v in g["errors"].items() if k != "429")
    acked = sum(g["okTotal"] for g in gens)
    a, b = [list(map(int, l.split())) for l in open(f"{w}/{name}.cpu").read().split("\n")[:2]]
    secs = [(y - x) / b[4] for x, y in zip(a, b)]
    gen = sum(g.get("cpuSeconds", 0) or 0 for g in gens)
    answered = sum(g["sent"] for g in gens) - sum(g["errors"].get("unfinished", 0) for g in gens)
    per = lambda v: 1e6 * v / answered if answered else float("nan")
    admitted = stored / duration
    p99 = max((g["p99Ms"] or 0) for g in gens)
    rows.append((name, admitted, ok / duration, e429 / duration, other, per(secs[0]), per(secs[1]), per(gen),
                 100 * secs[2] / max(1e-9, secs[3]), total, acked, p99))
    if name == "single":
        base = per(secs[0])
    checks.append((f"{name}: {admitted:,.0f}/s stored within {tol:.0%} of the limit {limit:,.0f}/s",
                   abs(admitted - limit) <= tol * limit))
    checks.append((f"{name}: every 200 stored ({total:,} stored, {acked:,} acknowledged)", total >= acked))
print(f"offered {rate:,.0f}/s to a tenant limited to {limit:,.0f}/s; {duration:.0f} s windows")
print(f"{'run':<8} {'stored/s':>9} {'200/s':>8} {'429/s':>8} {'other':>6}  {'us per request: gateways / postgres / generators':>48}  busy  200 p99 ms")
for n, adm, okps, e, o, g, p, ge, busy, _, _, p99 in rows:
    print(f"{n:<8} {adm:>9,.1f} {okps:>8,.1f} {e:>8,.1f} {o:>6}  {g:>20,.0f} / {p:>8,.0f} / {ge:>8,.0f}     {busy:>3.0f}%  {p99:>9,.1f}")
if base:
    for n, *rest in rows:
        if n != "single":
            print(f"cluster cost ({n}): gateways {rest[4] - base:+,.0f} us per request against one node ({(rest[4] / base - 1):+.0%})")
print("(200 p99: the worst generator's, from the scheduled send time)")
print()
for c, ok in checks:
    print(f"{'PASS' if ok else 'FAIL'}  {c}")
allok = all(ok for _, ok in checks)
print("\nOVERALL: " + ("PASS" if allok else "FAIL"))
sys.exit(0 if allok else 1)
PY
