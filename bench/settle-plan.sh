#!/usr/bin/env bash
# Does outbox_settle stay fast when the outbox grows within one session? A gateway keeps its
# database sessions (and plpgsql its plans) for hours, while the outbox goes from empty to a backlog
# of tens of thousands of rows and back. In one session: 8 settle calls on an empty outbox, then
# ROWS rows inserted (autovacuum off for the outbox, so no ANALYZE replans in between), then 20
# timed settle calls of 20 rows. First with outbox_settle as migrated (V14: rows found by primary
# key, no sequential scans), then with V11's outbox_settle put back (as before V14), read from
# migrations/.../V11__outbox_plans.sql.
#
#   bench/settle-plan.sh            ROWS=50000 by default
set -euo pipefail
ROWS="${ROWS:-50000}"

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init settle-plan
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
psql "$PG_URL" -qc "ALTER TABLE outbox SET (autovacuum_enabled = false)"
SETTLE_FN="outbox_settle(text, bigint[], text[], text[], double precision[], text[], text[])"
echo "as migrated: $(psql "$PG_URL" -Atc "SELECT proconfig FROM pg_proc WHERE oid = '$SETTLE_FN'::regprocedure")"

for variant in "V14 (as migrated)" "V11 (its outbox_settle)"; do
  if [[ "$variant" == V11* ]]; then
    psql "$PG_URL" -qc "ALTER FUNCTION $SETTLE_FN RESET ALL"
    sed -n '/^CREATE OR REPLACE FUNCTION outbox_settle/,/^\$\$;/p' \
      "$ROOT/migrations/src/main/resources/db/migration/V11__outbox_plans.sql" | psql "$PG_URL" -q
  fi
  psql "$PG_URL" -qc "TRUNCATE outbox" -c "VACUUM ANALYZE outbox"
  call="SELECT count(*) FROM outbox_settle('me', (SELECT array_agg(i) FROM generate_series(:lo, :lo + 19) i),
          array_fill('sending'::text, ARRAY[20]), array_fill(NULL::text, ARRAY[20]), array_fill(0::float8, ARRAY[20]),
          array_fill(NULL::text, ARRAY[20]), array_fill(NULL::text, ARRAY[20]));"
  {
    echo "\\set lo 1"
    for _ in $(seq 8); do echo "$call"; done
    echo "INSERT INTO outbox (tenant_id, channel, message_id, conversation_id, payload, lease_owner)
          SELECT 'settle-plan', 'telegram', g, g, '{\"to\":\"1\",\"text\":\"x\"}', 'me' FROM generate_series(1, $ROWS) g;"
    echo "SELECT min(id) AS lo FROM outbox \\gset"
    echo "SELECT clock_timestamp() AS t0 \\gset"
    for _ in $(seq 20); do echo "$call"; done
    echo "SELECT '$variant: 20 settle calls of 20 rows with $ROWS rows in the outbox: '
                 || round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) || ' ms';"
  } >"$WORK/settle.sql"
  psql "$PG_URL" -qAt -f "$WORK/settle.sql" | tail -1
done
check_idle "at the end"
