# Many processes on one PostgreSQL store: three imports of overlapping
# bundles (in different orders), storyhub serve receiving a kiosk's push,
# exports and a withdrawal, all at once. Every story is held once, none is
# flagged a conflict, every process succeeds, and every export in between
# saw whole bundles only (all or nothing). Then a deadlock with another
# session (which holds the kiosk's row and asks for the writers' lock): the
# import is the one PostgreSQL aborts, runs its transaction again and
# succeeds.
. "$TOP/tests/e2e/pg.lib"
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
GEN="$TOP/$BUILD/tests/gen-bundles"
DB=$(pg_newdb conc) || exit 1
N=250

check_ok "hub key" t_hubkey hub
check_ok "4 bundles of $N stories from one kiosk" "$GEN" g hub/hub.pub 4 $N
KG=$(cat "$T_DIR/out")
set -- g/*.skb
B1=$1 B2=$2 B3=$3 B4=$4
check_ok "the first bundle waits in quarantine" "$HUB" import --store "$DB" --key hub/hub.key \
    --no-receipt "$B1"
check_ok "trust the kiosk" "$HUB" kiosks --store "$DB" --key hub/hub.key trust "$KG"
CODE=$("$HUB" export --store "$DB" --format csv | awk -F, 'NR == 2 { print $2 }')
check "a story code to withdraw later" test -n "$CODE"

check_ok "a real kiosk with 12 stories" "$KIOSK" init --data k1 --hub-key hub/hub.pub --name "Stall"
K1=$(kiosk_id k1)
check "... added" add_stories k1 1 12
check "serve on the same store" start_server "$DB" hub/hub.key
check "the kiosk is enrolled with a token" enrol k1 "$DB"
check_ok "its first push delivers them" "$KIOSK" push --data k1 --url "$URL"
check "... acknowledged" grep -q "the hub acknowledged 12" "$T_DIR/out"
check "... add 12 more to push during the imports" add_stories k1 13 24

# the export loop: how many of the generated kiosk's stories each export saw
exports() {
	while [ ! -e stop ]; do
		"$HUB" export --store "$DB" --format csv 2>>export.err |
		    awk -F, -v k="$KG" '$3 == k' | wc -l >>counts || echo fail >>counts
	done
}
exports &
EPID=$!
"$HUB" import --store "$DB" --key hub/hub.key --no-receipt "$B2" "$B3" "$B4" >a.out 2>&1 &
A=$!
"$HUB" import --store "$DB" --key hub/hub.key --no-receipt "$B4" "$B3" "$B2" "$B1" >b.out 2>&1 &
B=$!
"$HUB" import --store "$DB" --key hub/hub.key --no-receipt "$B3" "$B1" "$B4" "$B2" >c.out 2>&1 &
C=$!
"$KIOSK" push --data k1 --url "$URL" >push.out 2>&1 &
P=$!
"$HUB" withdraw --store "$DB" "$CODE" >withdraw.out 2>&1 &
W=$!
check "import A (bundles 2 3 4) succeeds" wait $A
check "import B (4 3 2 1) succeeds" wait $B
check "import C (3 1 4 2) succeeds" wait $C
check "the push succeeds" wait $P
check "the withdrawal succeeds" wait $W
: >stop
wait $EPID
cat a.out b.out c.out push.out withdraw.out | sed 's/^/# /'
check "the imports added $((3 * N)) stories between them" test "$(cat a.out b.out c.out |
    sed -n 's/^\([0-9]*\) new, .*/\1/p' | awk '{ s += $1 } END { print s }')" -eq $((3 * N))
check "... and found the rest already held" test "$(cat a.out b.out c.out |
    sed -n 's/^[0-9]* new, \([0-9]*\) duplicate.*/\1/p' | awk '{ s += $1 } END { print s }')" -eq $((8 * N))
check "every story of the kiosk is held once" test \
    "$(pg_count "$DB" "SELECT count(*) || '/' || count(DISTINCT story_id) FROM storyhub.stories WHERE kiosk = '$KG'")" = \
    "$((4 * N))/$((4 * N))"
check "the scribes' stories keep their source and initials" test \
    "$(pg_count "$DB" "SELECT count(*) FILTER (WHERE source = 'scribe' AND scribe = 'AB') || '/' ||
        count(*) FILTER (WHERE (source = 'scribe') <> (scribe IS NOT NULL)) FROM storyhub.stories WHERE kiosk = '$KG'")" = \
    "$(awk -v n=$((4 * N)) 'BEGIN { for (i = 0; i < n; i++) c += i % 7 == 3; print c "/0" }')"
check "no story is flagged a conflict" test \
    "$(pg_count "$DB" "SELECT count(*) FROM storyhub.stories WHERE conflict <> 0")" = 0
check "each bundle is recorded once" test \
    "$(pg_count "$DB" "SELECT count(*) FROM storyhub.bundles WHERE kiosk = '$KG'")" = 4
check "the pushed stories are held, each once" test \
    "$(pg_count "$DB" "SELECT count(*) || '/' || count(DISTINCT story_id) FROM storyhub.stories WHERE kiosk = '$K1'")" = \
    "24/24"
check "... and acknowledged" test "$(unacked k1)" = 0
check "one story withdrawn" test \
    "$(pg_count "$DB" "SELECT count(*) FROM storyhub.stories WHERE withdrawn <> 0")" = 1
check "no export failed" sh -c '! grep -q fail counts && ! test -s export.err'
check "the exports ran meanwhile ($(wc -l <counts))" test "$(wc -l <counts)" -ge 2
check "every export saw whole bundles only" awk -v n=$N \
    '{ if ($1 % n != 0 && ($1 + 1) % n != 0) bad = 1 } END { exit bad }' counts
check_ok "export after" "$HUB" export --store "$DB" --format json
check "... $((4 * N - 1 + 24)) stories" test "$(grep -c '"story_id"' "$T_DIR/out")" -eq $((4 * N - 1 + 24))
: >"$T_DIR/out"
check "serve stops" stop_server

# A deadlock: another session holds the kiosk's row (FOR UPDATE) while an
# import holds the writers' lock and wants that row for kiosk_put; then the
# session asks for the writers' lock. PostgreSQL aborts the import (whose
# wait began first); it rolls back and runs its transaction again.
mkfifo sql.fifo
psql -X -q -d "${DB##*/}" <sql.fifo >psql.out 2>&1 &
Q=$!
exec 3>sql.fifo
printf '%s\n' "BEGIN; SELECT id FROM storyhub.kiosks WHERE id = '$KG' FOR UPDATE;" >&3
session_in_tx() {
	test "$(pg_count "$DB" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'psql' AND state = 'idle in transaction'")" = 1
}
check "another session holds the kiosk's row" wait_for session_in_tx 20
before=$(pg_count "$DB" "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
"$HUB" import --store "$DB" --key hub/hub.key --no-receipt "$B2" >dl.out 2>&1 &
I=$!
import_waits() {
	test "$(pg_count "$DB" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'storyhub' AND wait_event_type = 'Lock'")" = 1
}
check "the import waits for that row, holding the writers' lock" wait_for import_waits 30
printf '%s\n' "SELECT pg_advisory_xact_lock(8319100472766903651); COMMIT;" '\echo session-done' >&3
check "the import succeeds" wait $I
cat dl.out | sed 's/^/# /'
check "... finding the bundle held" grep -q "^0 new, $N duplicate, 0 quarantined, 0 rejected$" dl.out
exec 3>&-
wait $Q
cat psql.out | sed 's/^/# psql: /'
check "the other session got its lock and committed" grep -q session-done psql.out
check "... without being aborted itself" sh -c '! grep -q "ERROR" psql.out'
deadlocks() {
	test "$(pg_count "$DB" "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")" -gt "$before"
}
check "PostgreSQL saw the deadlock (so the import ran its transaction again)" wait_for deadlocks 10

t_done
