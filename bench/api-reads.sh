#!/usr/bin/env bash
# Switchboard read-API bench: list calls with 1,000,000 stored messages for one tenant.
#
#   bench/api-reads.sh
#
# Starts a dedicated PostgreSQL and the real gateway (fat jar) with one tenant, seeds the tenant's
# contacts, conversations and $MESSAGES messages straight into the tables (generate_series: one big
# conversation of $BIG_MESSAGES messages interleaved with the others' as a busy chat's are, the rest
# spread over $CONVERSATIONS conversations), then
# measures with ReadLoad (GET with the tenant's key, 200 = success):
#   (1) GET /v1/conversations                              first page
#   (2) GET /v1/conversations?cursor=…                     a deep page ($DEEP_CONVERSATION conversations in)
#   (3) GET /v1/conversations/{big}/messages               first page
#   (4) GET /v1/conversations/{big}/messages?cursor=…      a deep page ($DEEP_MESSAGE messages in)
# each one request at a time (closed model, 1 connection) and at a fixed $RATE requests/s (open
# model: latency from the scheduled time), p50/p99, and PASS/FAIL against p99 <= 20 ms. It also
# prints PostgreSQL's plan of each list statement (EXPLAIN ANALYZE). Pages are $LIMIT rows.
# The output is saved to bench/results/<stamp>-api-reads.txt. Exit status: 0 all PASS, 1 otherwise.
set -euo pipefail

# ---- knobs (environment) -------------------------------------------------------------------
MESSAGES="${MESSAGES:-1000000}"             # messages seeded for the tenant
BIG_MESSAGES="${BIG_MESSAGES:-100000}"      # of which in one conversation
CONVERSATIONS="${CONVERSATIONS:-10000}"     # conversations (and contacts)
DEEP_CONVERSATION="${DEEP_CONVERSATION:-9000}" # the deep conversations page starts after this many
DEEP_MESSAGE="${DEEP_MESSAGE:-90000}"       # the deep messages page starts after this many
LIMIT="${LIMIT:-50}"                        # page size
DURATION="${DURATION:-15}"                  # measured seconds of each run
WARMUP="${WARMUP:-5}"                       # unmeasured seconds before it
RATE="${RATE:-50}"                          # fixed-rate runs, requests/s
RATE_CONNECTIONS="${RATE_CONNECTIONS:-16}"  # fixed-rate connections

# ---- target ----------------------------------------------------------------------------------
TARGET_P99_MS=20

# ---- fixed names -----------------------------------------------------------------------------
TENANT=bench-reads
PHONE_BASE=14150000000

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init api-reads

print_machine
build_if_stale
start_postgres
sql() { psql "$PG_URL" -Atc "$1"; }

PORT="$(free_port)"
API_KEY="bench-reads-$(rand)"
cat >"$WORK/switchboard.yaml" <<EOC
$(config_head "$PORT")
tenants:
  - id: $TENANT
    name: Read bench
    apiKeys: [ "$API_KEY" ]
    channels:
      whatsapp:
        phoneNumberId: "106540352200001"
        appSecret: "$(rand)"
        verifyToken: "$(rand)"
EOC
start_gateway "$WORK/switchboard.yaml" "$PORT" # migrates the schema and seeds the tenant

STRIDE=$((MESSAGES / BIG_MESSAGES))
((STRIDE >= 2)) || die "BIG_MESSAGES must be at most half of MESSAGES"
# a small tenant whose conversations are older than all of the big one's: its newest page is the
# case the (tenant_id, id) index is for (without it, the primary key is read past every newer row of
# the big tenant)
SMALL=bench-reads-small
psql "$PG_URL" -q -v ON_ERROR_STOP=1 <<EOSQL
INSERT INTO tenants (id, name, source) VALUES ('$SMALL', 'Small tenant', 'admin');
INSERT INTO contacts (tenant_id, channel, platform_user_id, phone)
SELECT '$SMALL', 'whatsapp', (19990000000 + i)::text, '+' || (19990000000 + i) FROM generate_series(1, 100) i;
INSERT INTO conversations (tenant_id, channel, chat_id, contact_id)
SELECT '$SMALL', 'whatsapp', c.platform_user_id, c.id FROM contacts c WHERE c.tenant_id = '$SMALL' ORDER BY c.id;
EOSQL
say "seed: $CONVERSATIONS contacts and conversations, $MESSAGES messages ($BIG_MESSAGES in one conversation)"
t0=$SECONDS
psql "$PG_URL" -q -v ON_ERROR_STOP=1 <<EOSQL
INSERT INTO contacts (tenant_id, channel, platform_user_id, phone, display_name, first_seen_at, last_seen_at)
SELECT '$TENANT', 'whatsapp', ($PHONE_BASE + i)::text, '+' || ($PHONE_BASE + i), 'Contact ' || i,
       now() - interval '30 days', now()
  FROM generate_series(1, $CONVERSATIONS) i;
INSERT INTO conversations (tenant_id, channel, chat_id, contact_id, status, last_inbound_at, last_message_at, created_at)
SELECT '$TENANT', 'whatsapp', c.platform_user_id, c.id, 'active', now(), now(),
       now() - interval '30 days' + (c.id % 100000) * interval '1 second'
  FROM contacts c WHERE c.tenant_id = '$TENANT' ORDER BY c.id;
-- message g: every $STRIDE-th goes to the big conversation (the first), so its messages are spread over
-- the whole table as a busy chat's are; the others go to the other conversations in turn; odd ones are
-- inbound from the contact, even ones outbound from the business
WITH convs AS (
  SELECT array_agg(id ORDER BY id) AS ids, array_agg(contact_id ORDER BY id) AS contacts
    FROM conversations WHERE tenant_id = '$TENANT'
)
INSERT INTO messages (tenant_id, channel, platform_message_id, conversation_id, contact_id, direction, author, type,
                      status, text, platform_ts, received_at, dispatched_at)
SELECT '$TENANT', 'whatsapp', 'wamid.seed-' || s.g, c.ids[s.k], c.contacts[s.k],
       CASE WHEN s.g % 2 = 1 THEN 'inbound' ELSE 'outbound' END::msg_direction,
       CASE WHEN s.g % 2 = 1 THEN 'contact' ELSE 'business_api' END::msg_author,
       'text', CASE WHEN s.g % 2 = 1 THEN 'read' ELSE 'delivered' END::msg_status,
       'seeded message ' || s.g, now() - interval '30 days' + s.g * interval '2 seconds',
       now() - interval '30 days' + s.g * interval '2 seconds', now()
  FROM convs c,
       LATERAL (SELECT g, CASE WHEN g % $STRIDE = 0 THEN 1 ELSE 2 + g % (cardinality(c.ids) - 1) END AS k
                  FROM generate_series(1, $MESSAGES) g) s;
ANALYZE contacts; ANALYZE conversations; ANALYZE messages;
EOSQL
echo "seeded in $((SECONDS - t0))s: $(sql "SELECT count(*) FROM messages WHERE tenant_id = '$TENANT'") messages," \
  "$(sql "SELECT count(*) FROM conversations WHERE tenant_id = '$TENANT'") conversations"

# the list positions to read from; the cursor is what the API would hand out there (base64url of
# "<list>:<last id shown>")
cursor() { printf '%s:%s' "$1" "$2" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
BIG_ID="$(sql "SELECT id FROM conversations WHERE tenant_id = '$TENANT' ORDER BY id LIMIT 1")"
BIG="conv_$(python3 -c "
n=$BIG_ID; d='0123456789abcdefghijklmnopqrstuvwxyz'; s=''
while n: s=d[n%36]+s; n//=36
print(s)")"
CONV_AT="$(sql "SELECT id FROM conversations WHERE tenant_id = '$TENANT' ORDER BY id DESC OFFSET $DEEP_CONVERSATION LIMIT 1")"
MSG_AT="$(sql "SELECT id FROM messages WHERE tenant_id = '$TENANT' AND conversation_id = $BIG_ID ORDER BY id DESC OFFSET $DEEP_MESSAGE LIMIT 1")"
CONV_CURSOR="$(cursor conv "$CONV_AT")"
MSG_CURSOR="$(cursor msg "$MSG_AT")"
BASE="http://127.0.0.1:$PORT"
echo "big conversation: $BIG ($(sql "SELECT count(*) FROM messages WHERE conversation_id = $BIG_ID") messages)"

# each target answers 200 with a full page before it is measured
check_page() { # $1 = path?query
  local got
  got="$(curl -sf -H "Authorization: Bearer $API_KEY" "$BASE$1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')" \
    || die "GET $1 failed"
  [[ "$got" == "$LIMIT" ]] || die "GET $1 answered $got rows, expected $LIMIT"
}
NAMES=(conversations conversations-deep messages messages-deep)
declare -A PATHS=([conversations]="/v1/conversations" [conversations-deep]="/v1/conversations"
  [messages]="/v1/conversations/$BIG/messages" [messages-deep]="/v1/conversations/$BIG/messages")
declare -A QUERIES=([conversations]="limit=$LIMIT" [conversations-deep]="limit=$LIMIT&cursor=$CONV_CURSOR"
  [messages]="limit=$LIMIT" [messages-deep]="limit=$LIMIT&cursor=$MSG_CURSOR")
for n in "${NAMES[@]}"; do check_page "${PATHS[$n]}?${QUERIES[$n]}"; done

say "plans (EXPLAIN ANALYZE of the statements the read store runs)"
explain() { echo "-- $1"; psql "$PG_URL" -At -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $2" | sed 's/^/   /'; }
explain "conversations, first page" "SELECT id FROM conversations WHERE tenant_id = '$TENANT' ORDER BY id DESC LIMIT $((LIMIT + 1))"
explain "conversations, deep page" "SELECT id FROM conversations WHERE tenant_id = '$TENANT' AND id < $CONV_AT ORDER BY id DESC LIMIT $((LIMIT + 1))"
explain "conversations of a small tenant (100, all older than the big tenant's), first page" "SELECT id FROM conversations WHERE tenant_id = '$SMALL' ORDER BY id DESC LIMIT $((LIMIT + 1))"
explain "conversations, ?status=paused" "SELECT id FROM conversations WHERE tenant_id = '$TENANT' AND status = 'paused' ORDER BY id DESC LIMIT $((LIMIT + 1))"
explain "messages, deep page" "SELECT m.id, c.chat_id, o.state FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id
  LEFT JOIN outbox o ON o.message_id = m.id WHERE m.tenant_id = '$TENANT' AND m.conversation_id = $BIG_ID AND m.id < $MSG_AT
  ORDER BY m.id DESC LIMIT $((LIMIT + 1))"

# run NAME MODE-ARGS...: one ReadLoad run; its RESULT line into $WORK/NAME.json
run() {
  local name="$1" target="$2"; shift 2
  # shellcheck disable=SC2086
  java $LOADGEN_JAVA_OPTS -cp "$LOAD_JAR" dev.switchboard.bench.ReadLoad --url "$BASE${PATHS[$target]}" \
    --api-key "$API_KEY" --query "${QUERIES[$target]}" --warmup "$WARMUP" --duration "$DURATION" --progress 0 "$@" \
    >"$WORK/$name.out" 2>&1 || { cat "$WORK/$name.out"; die "the $name run failed"; }
  grep -E '^(mode=|latency|throughput|  non-200)' "$WORK/$name.out" | sed "s/^/[$name] /" || true
  sed -n 's/^RESULT //p' "$WORK/$name.out" | tail -1 >"$WORK/$name.json"
  [[ -s "$WORK/$name.json" ]] || die "the $name run printed no RESULT line"
}

for n in "${NAMES[@]}"; do
  say "$n: one at a time (1 connection, closed model)"
  run "$n-serial" "$n" --mode max --connections 1
  say "$n: fixed rate $RATE/s ($RATE_CONNECTIONS connections, open model)"
  run "$n-rate" "$n" --mode rate --rate "$RATE" --connections "$RATE_CONNECTIONS"
done
check_idle "after the runs"

say "summary (target: p99 <= ${TARGET_P99_MS} ms, $(sql "SELECT count(*) FROM messages WHERE tenant_id = '$TENANT'") messages stored)"
WORK="$WORK" TARGET="$TARGET_P99_MS" python3 - "${NAMES[@]}" <<'PY'
import json, os, sys
work, target = os.environ["WORK"], float(os.environ["TARGET"])
allok = True
print(f"{'list':<20} {'model':<22} {'answers':>8} {'ok/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  verdict")
for name in sys.argv[1:]:
    for model, label in (("serial", "one at a time"), ("rate", "fixed rate")):
        r = json.load(open(f"{work}/{name}-{model}.json"))
        p99 = r.get("p99Ms")
        errors = sum((r.get("errors") or {}).values())
        ok = p99 is not None and p99 <= target and errors == 0 and (r.get("ok") or 0) > 0
        allok &= ok
        print(f"{name:<20} {label:<22} {r.get('ok', 0):>8} {r.get('okPerSec', 0):>8} {r.get('p50Ms')!s:>8} "
              f"{p99!s:>8} {r.get('maxMs')!s:>8}  {'PASS' if ok else 'FAIL'}")
print("OVERALL: " + ("PASS" if allok else "FAIL"))
sys.exit(0 if allok else 1)
PY
