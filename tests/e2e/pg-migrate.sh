# storyhub migrate: a SQLite hub (a trusted kiosk's stories, scribes' among
# them, a conflict, a withdrawn story, a kiosk waiting in quarantine, a
# revoked one, a published feedback pack and a reserved one, enrolment
# tokens used and not) copied to PostgreSQL and back gives the same export
# byte for byte, the same search results, kiosk list, packs (the next pack
# numbered after them) and enrolments; a migration killed with SIGKILL goes on when run
# again; a target that holds other stories, the same store, a password in
# the URI and a missing source are refused with one line.
. "$TOP/tests/e2e/pg.lib"
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
V="$TOP/tests/vectors/bundle"
GEN="$TOP/$BUILD/tests/gen-bundles"

check_ok "hub key" t_hubkey hub
check_ok "1,200 stories in 3 bundles from a generated kiosk" "$GEN" gen hub/hub.pub 3 400
KG=$(cat "$T_DIR/out")
check_ok "import them (quarantined)" "$HUB" import --store src.db --key hub/hub.key --no-receipt \
    gen/*.skb
check_ok "trust the kiosk" "$HUB" kiosks --store src.db --key hub/hub.key trust "$KG"
check "... 1200 new" grep -q "1200 new" "$T_DIR/out"
# the committed vectors: their own key (conflicts, an unknown kiosk)
cp "$V/hub.key" vec.key
chmod 600 vec.key
STORYHUB_PASSPHRASE="vector passphrase" "$HUB" import --store src.db --key vec.key --no-receipt \
    "$V/valid-a.skb" "$V/unknown-kiosk.skb" >"$T_DIR/out" 2>&1
KA=$(sed -n 's/.*valid-a.skb: bundle from unknown kiosk \([0-9a-f]*\).*/\1/p' "$T_DIR/out")
check_ok "trust the vectors' kiosk A" env STORYHUB_PASSPHRASE="vector passphrase" \
    "$HUB" kiosks --store src.db --key vec.key trust "$KA"
check_ok "... and its conflicting story" env STORYHUB_PASSPHRASE="vector passphrase" \
    "$HUB" import --store src.db --key vec.key --no-receipt "$V/conflict-a.skb"
check "... kept as a conflict" grep -q "1 conflict kept" "$T_DIR/out"
CODE=$("$HUB" export --store src.db --format csv | awk -F, -v k="$KG" '$3 == k { print $2; exit }')
check_ok "withdraw a story" "$HUB" withdraw --store src.db "$CODE"
mkdir other
check_ok "a third kiosk" "$GEN" other hub/hub.pub 1 2
KR=$(cat "$T_DIR/out")
"$HUB" import --store src.db --key hub/hub.key --no-receipt other/*.skb >/dev/null 2>&1
check_ok "... revoked" "$HUB" kiosks --store src.db revoke "$KR"
FORM="$TOP/forms/partnership.yaml"
check_ok "feedback pack 1, published" "$HUB" feedback --store src.db --key hub/hub.key \
    --form-file "$FORM" --search coopérative --publish --out p1.skf
check_ok "feedback pack 2, written only" "$HUB" feedback --store src.db --key hub/hub.key \
    --form-file "$FORM" --search mkutano --out p2.skf
check "... pack 2" grep -q "^wrote feedback pack 2 " "$T_DIR/out"
check_ok "an enrolment token" "$HUB" kiosks --store src.db enroll --name "Stall «7»"
check_ok "... and another" "$HUB" kiosks --store src.db enroll --expires 2d
# as if a kiosk had used the second one
t_store_sql src.db "UPDATE enrolments SET kiosk = '$KG', used = 1800000000
    WHERE rowid = (SELECT max(rowid) FROM enrolments)" >/dev/null
# enrolments ENGINE STORE: every enrolment, one line each, sorted
enrolments() {
	case $1 in
	pg) hex="encode(hash, 'hex')" ;;
	*) hex="lower(hex(hash))" ;;
	esac
	t_store_sql "$2" "SELECT $hex || ':' || name || ':' || created || ':' || expires || ':' ||
	    coalesce(kiosk, '-') || ':' || used FROM enrolments" | sort
}
enrolments sqlite src.db >src.enrolments
same_enrolments() { enrolments "$1" "$2" | cmp -s - src.enrolments; }
check "... two, one used" test "$(wc -l <src.enrolments)" -eq 2 -a "$(grep -c ":$KG:1800000000$" src.enrolments)" -eq 1
# each pack's sequence, whether published, and the md5 of its bytes
PACKS_WANT="1:1:$(md5sum <p1.skf | cut -c1-32) 2:0:-"
PACKS_SQL="SELECT string_agg(seq || ':' || published || ':' || coalesce(md5(data), '-'), ' '
    ORDER BY seq) FROM storyhub.packs"

# what a copy must give back
snapshot() {
	"$HUB" export --store "$1" --format csv --out "$2.csv" 2>/dev/null &&
	    "$HUB" export --store "$1" --format json --out "$2.json" 2>/dev/null &&
	    "$HUB" kiosks --store "$1" >"$2.kiosks" &&
	    "$HUB" search --store "$1" --limit 2000 'partnership NOT village' | sed -n 's/^\([0-9a-f]\{32\}\) .*/\1/p' |
	    sort >"$2.search"
}
check "snapshot of the source" snapshot src.db src
check "... 1,203 stories exported" test "$(grep -c '^[0-9a-f]\{32\},' src.csv)" -eq 1203

PG=$(pg_newdb moved)
check_ok "migrate SQLite to PostgreSQL" "$HUB" migrate --from src.db --to "$PG"
check "... says what it copied" grep -q \
    "^copied 4 kiosks, 5 imported bundles, 2 quarantined bundles, 1204 stories (1 withdrawn), 2 feedback packs, 2 enrolments$" \
    "$T_DIR/out"
check "... and that it checked" grep -q "^checked: both stores hold the same rows" "$T_DIR/out"
check "snapshot of the copy" snapshot "$PG" pg
check "the CSV export is the same, byte for byte" cmp src.csv pg.csv
check "the JSON export is the same" cmp src.json pg.json
check "the kiosk list is the same" cmp src.kiosks pg.kiosks
check "search finds the same stories" cmp src.search pg.search
check "... (some)" test -s pg.search
check "the withdrawn story stays withdrawn" sh -c "! grep -q '$CODE' pg.csv"
check "the scribes' stories keep their initials" test \
    "$(pg_count "$PG" "SELECT count(*) FROM storyhub.stories WHERE source = 'scribe' AND scribe = 'AB'")" -gt 100
check "the packs are the same: pack 1 published (its bytes), pack 2 reserved" \
    test "$(pg_count "$PG" "$PACKS_SQL")" = "$PACKS_WANT"
check "the enrolments are the same (hash, name, times, kiosk)" same_enrolments pg "$PG"
check_ok "migrate again: nothing new" "$HUB" migrate --from src.db --to "$PG"
check "... resumes the same copy" grep -q "^copied (resuming an earlier run) " "$T_DIR/out"

check_ok "migrate PostgreSQL back to SQLite" "$HUB" migrate --from "$PG" --to back.db
check "snapshot of the round trip" snapshot back.db back
check "the round trip gives the same CSV" cmp src.csv back.csv
check "... the same JSON" cmp src.json back.json
check "... the same kiosks" cmp src.kiosks back.kiosks
check "... the same search" cmp src.search back.search
check "the new file is 0600" test "$(stat -c %a back.db)" = 600
check "... the same packs" test "$(sqlite3 -batch back.db "SELECT group_concat(x, ' ') FROM
    (SELECT seq || ':' || published || ':' || (data IS NULL) AS x FROM packs ORDER BY seq)")" = \
    "1:1:0 2:0:1"
check "... the same enrolments" same_enrolments sqlite back.db
check "... pack 1's very bytes" sh -c "sqlite3 -batch back.db \"SELECT writefile('b1.skf', data)
    FROM packs WHERE seq = 1\" >/dev/null && cmp b1.skf p1.skf"
for s in "$PG" back.db; do
	check_ok "on the copy $s, the next feedback pack" "$HUB" feedback --store "$s" \
	    --key hub/hub.key --form-file "$FORM" --search mkutano --out p3.skf
	check "... is pack 3" grep -q "^wrote feedback pack 3 " "$T_DIR/out"
done

# killed: the source grows to 4,200 stories, so the copy takes a while
check_ok "3,000 stories more" "$GEN" more hub/hub.pub 3 1000
KM=$(cat "$T_DIR/out")
"$HUB" import --store src.db --key hub/hub.key --no-receipt more/*.skb >/dev/null 2>&1
check_ok "... trusted" "$HUB" kiosks --store src.db --key hub/hub.key trust "$KM"
check "snapshot again" snapshot src.db src
PG2=$(pg_newdb killed)
"$HUB" migrate --from src.db --to "$PG2" >migrate.out 2>&1 &
MPID=$!
copying() { [ "$(pg_count "$PG2" 'SELECT count(*) FROM storyhub.stories' 2>/dev/null)" -gt 0 ] 2>/dev/null; }
check "the copy has begun" wait_for copying 60
kill -9 $MPID 2>/dev/null
wait $MPID
KILLED_RC=$?
check "... and is killed with SIGKILL" test "$KILLED_RC" -eq 137
n=$(pg_count "$PG2" 'SELECT count(*) FROM storyhub.stories')
check "... half way ($n of 4204 stories there)" test "$n" -gt 0 -a "$n" -lt 4204
check_fail "the half copy cannot go into a store that holds stories" \
    "$HUB" migrate --from "$PG2" --to src.db
check "... (src.db is not empty: refused)" grep -q "already holds" "$T_DIR/out"
check_ok "run it again" "$HUB" migrate --from src.db --to "$PG2"
check "... it goes on" grep -q "^copied (resuming an earlier run) 5 kiosks, .* 4204 stories (1 withdrawn), 2 feedback packs, 2 enrolments$" \
    "$T_DIR/out"
check "snapshot of the finished copy" snapshot "$PG2" pg2
check "... the same CSV" cmp src.csv pg2.csv
check "... the same JSON" cmp src.json pg2.json
check "... the same search" cmp src.search pg2.search
check "each story once" test \
    "$(pg_count "$PG2" 'SELECT count(*) = count(DISTINCT (story_id, content)) FROM storyhub.stories')" = t
check_ok "and back to SQLite" "$HUB" migrate --from "$PG2" --to back2.db
check "snapshot of that" snapshot back2.db back2
check "... the same CSV as the source" cmp src.csv back2.csv

# refusals, one line each
check_fail "a target holding other stories" "$HUB" migrate --from back.db --to "$PG2"
check "... says so" test "$(cat "$T_DIR/out")" = \
    "storyhub: the target store already holds 4204 stories and 5 kiosks and is not a copy of this source: migrate into a new, empty store"
check_fail "the same store twice" "$HUB" migrate --from "$PG2" --to "$PG2"
check "... says so" grep -q "^storyhub: --from and --to are the same store$" "$T_DIR/out"
check_fail "a password in the URI" "$HUB" migrate --from src.db \
    --to "postgresql://storyhub:secret@localhost/moved"
check "... is refused, one line" test "$(wc -l <"$T_DIR/out")" -eq 1
check "... pointing at ~/.pgpass" grep -q "put it in ~/.pgpass" "$T_DIR/out"
check "... without repeating the password" sh -c "! grep -q secret '$T_DIR/out'"
check_fail "a source that is not there" "$HUB" migrate --from nothere.db --to "$(pg_newdb empty)"
check "... says so" grep -q "^storyhub: no store at nothere.db" "$T_DIR/out"
check_fail "migrate without --to" "$HUB" migrate --from src.db
"$HUB" migrate --help >"$T_DIR/out" 2>&1
check "migrate --help explains itself" grep -q "usage: storyhub migrate --from STORE --to STORE" \
    "$T_DIR/out"

t_done
