# What only a PostgreSQL store has: connection settings the libpq way (the
# URI, PG* variables, a service file, ~/.pgpass), a password never in the
# URI, connection failures (unreachable server, wrong password, no such
# database) as one line and a non-zero exit, the schema made and versioned
# by storyhub (also in a schema a DBA made, with unaccent created by them),
# a non-UTF8 database refused; and search: the same stories found for the
# same queries as on SQLite (words, accents folded, phrases, prefixes, AND,
# OR, NOT, parentheses), the same refusals, the same output.
. "$TOP/tests/e2e/pg.lib"
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
FORM="$TOP/forms/partnership.yaml"

# one_line_fail DESC COMMAND...: fails with exactly one "storyhub:" line
one_line_fail() {
	_d=$1
	shift
	check_fail "$_d" "$@"
	check "... on one line" test "$(wc -l <"$T_DIR/out")" -eq 1
}

check_ok "hub key" t_hubkey hub
check_ok "a kiosk" "$KIOSK" init --data k --hub-key hub/hub.pub --name "Stall"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
# stories for search: accents, phrases, words in several languages
add() {
	printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"%s","title":"%s","drivers":[0.5,0.25,0.25],"equal":50,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' \
	    "$1" "$2" | "$KIOSK" add --data k --form "$FORM" - >/dev/null
}
fails=0
add "Le café du village était plein quand le comité a décidé ensemble du budget de l'école." "Café" || fails=1
add "The cafe by the well was where the water committee met and listened to the elders." "cafe" || fails=1
add "Funding pressure from the donor pushed the partnership apart before the season ended." "Funding" || fails=1
add "Wazee wa jamii walisikiliza na mradi wa maji ulifanikiwa kwa sababu ya ushirikiano." "Maji" || fails=1
add "Power stayed with the funder; the community was asked but never listened to at all." "Power" || fails=1
add "Together the volunteers and the clinic built trust, and the funding followed later." "Trust" || fails=1
check "six stories added" test $fails -eq 0
mkdir usb
check_ok "exported" "$KIOSK" export --data k --to usb

PG=$(pg_newdb searchdb)
for s in search.db "$PG"; do
	"$HUB" import --store "$s" --key hub/hub.key --no-receipt usb/*.skb >/dev/null 2>&1
	check_ok "trust on $s" "$HUB" kiosks --store "$s" --key hub/hub.key trust "$KID"
done
check "storyhub created unaccent itself (the database's owner)" test \
    "$(pg_count "$PG" "SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'")" = 1
check "... and the schema, version 1, with a store id" test \
    "$(pg_count "$PG" "SELECT string_agg(key || '=' || length(value), ',' ORDER BY key) FROM storyhub.meta")" = \
    "schema=1,store_id=32"
check "stories are indexed with a GIN index" test \
    "$(pg_count "$PG" "SELECT indexdef LIKE '%USING gin (tsv)%' FROM pg_indexes WHERE indexname = 'stories_tsv'")" = t

# the same stories, the same output shape, on both engines
ids() { "$HUB" search --store "$1" --limit 100 "$2" | sed -n 's/^\([0-9a-f]\{32\}\)  code .*/\1/p' | sort; }
same_search() {
	a=$(ids search.db "$1")
	b=$(ids "$PG" "$1")
	[ "$a" = "$b" ] && [ "$(printf '%s\n' "$a" | grep -c .)" -eq "$2" ]
}
for q in "cafe:2" "café:2" "CAFÉ:2" "listened:2" '"water committee":1' '"committee water":0' \
    "fund*:3" "partner*:1" "funding AND trust:1" "funding trust:1" "funding OR maji:3" \
    "funding NOT donor:1" "(cafe OR power) AND listened:2" "walisikiliza:1" "école:1" \
    "ecole:1" "nothinglikethis:0"; do
	query=${q%:*}
	n=${q##*:}
	check "search '$query': the same $n on SQLite and PostgreSQL" same_search "$query" "$n"
done
check_ok "a search on PostgreSQL" "$HUB" search --store "$PG" cafe
check "... prints id, code, kiosk, language and tier" \
    grep -Eq "^[0-9a-f]{32}  code [0-9A-Z]{3}-[0-9A-Z]{3}  kiosk $KID  en  public$" "$T_DIR/out"
check "... and a snippet with the match in brackets" grep -Eq '^    .*\[(café|cafe)\]' "$T_DIR/out"
check "... and the count" grep -q "^2 stories found$" "$T_DIR/out"
for q in '"unbalanced' 'a:b' 'NOT' '(open' 'x)' 'a - b'; do
	check_fail "search '$q' is refused on SQLite" "$HUB" search --store search.db "$q"
	sq=$(cat "$T_DIR/out")
	check_fail "... and on PostgreSQL" "$HUB" search --store "$PG" "$q"
	check "... with the same line" test "$(sed "s|$PG|search.db|" "$T_DIR/out")" = "$sq"
done
check "a withdrawn story is not found on PostgreSQL" sh -c '
	code=$("$0" export --store "$1" --format csv | grep "well was where" | cut -d, -f2)
	"$0" withdraw --store "$1" "$code" >/dev/null &&
	test "$("$0" search --store "$1" cafe | tail -1)" = "1 story found"' "$HUB" "$PG"
check "... its text is gone from the row and the index" test \
    "$(pg_count "$PG" "SELECT count(*) FROM storyhub.stories WHERE withdrawn = 1 AND answers IS NULL AND body IS NULL AND tsv IS NULL")" = 1

# connection settings, the libpq way
printf '[hubsvc]\nhost=%s\nport=%s\ndbname=searchdb\nuser=storyhub\n' "$PG_SOCK" "$PGPORT" >svc.conf
check_ok "a service file (PGSERVICEFILE, ?service=)" env PGSERVICEFILE="$T_DIR/svc.conf" \
    "$HUB" kiosks --store "postgresql://?service=hubsvc"
check "... reads the store" grep -q "^$KID  trusted" "$T_DIR/out"
check_ok "PGSERVICE and a bare postgres:// URI" env PGSERVICEFILE="$T_DIR/svc.conf" \
    PGSERVICE=hubsvc "$HUB" export --store "postgres://" --format json
check "... reads it too" test "$(grep -c '"story_id"' "$T_DIR/out")" -eq 5

# a role with a password, over TCP (scram-sha-256 in pg_hba.conf)
pg_admin "CREATE ROLE pwuser LOGIN PASSWORD 'right horse'" || exit 1
pg_admin "CREATE DATABASE pwdb OWNER pwuser" || exit 1
URI="postgresql://pwuser@localhost:$PGPORT/pwdb"
mkdir home
printf 'localhost:%s:pwdb:pwuser:right horse\n' "$PGPORT" >home/.pgpass
chmod 600 home/.pgpass
check_ok "the password from ~/.pgpass" env HOME="$T_DIR/home" \
    "$HUB" import --store "$URI" --key hub/hub.key --no-receipt usb/*.skb
check "... imports" grep -q "quarantined" "$T_DIR/out"
check_ok "... PGPASSFILE too" env PGPASSFILE="$T_DIR/home/.pgpass" "$HUB" kiosks --store "$URI"
printf 'localhost:%s:pwdb:pwuser:wrong horse\n' "$PGPORT" >home/.pgpass
one_line_fail "a wrong password" env HOME="$T_DIR/home" "$HUB" kiosks --store "$URI"
check "... says so" grep -q "^storyhub: $URI: cannot connect to PostgreSQL: .*password authentication failed for user \"pwuser\"" "$T_DIR/out"
check "... and names what to check" grep -q "(check --store, the PG\* environment and ~/.pgpass)$" "$T_DIR/out"
check "... never the password" sh -c "! grep -q horse '$T_DIR/out'"
one_line_fail "a password in the URI is refused" "$HUB" kiosks \
    --store "postgresql://pwuser:right%20horse@localhost:$PGPORT/pwdb"
check "... before connecting, not repeated" sh -c "grep -q 'holds a password' '$T_DIR/out' && ! grep -q horse '$T_DIR/out'"
one_line_fail "... also as a parameter" "$HUB" kiosks --store "postgresql:///pwdb?password=x"
one_line_fail "an unreachable server (no socket)" "$HUB" kiosks --store "postgresql:///x?host=$T_DIR/nothere"
check "... says so" grep -q "cannot connect to PostgreSQL: .*No such file or directory" "$T_DIR/out"
one_line_fail "an unreachable server (TCP, nothing listening)" "$HUB" search \
    --store "postgresql://localhost:1/x" cafe
check "... says so" grep -q "Connection refused" "$T_DIR/out"
one_line_fail "a database that does not exist" "$HUB" export --store postgresql:///nodb --format csv
check "... says so" grep -q 'database "nodb" does not exist' "$T_DIR/out"
one_line_fail "a URI libpq cannot read" "$HUB" kiosks --store "postgresql://[x"
check "... says so, without the URI" grep -q '^storyhub: --store: not a PostgreSQL URI (.* in URI: "\.\.\.")$' "$T_DIR/out"
one_line_fail "NEAR() is SQLite's only: refused on PostgreSQL" "$HUB" search --store "$PG" 'NEAR(a b)'

# the store in the database
EMPTY=$(pg_newdb emptydb)
one_line_fail "export from a database without a hub store" "$HUB" export --store "$EMPTY" --format csv
check "... says so" test "$(cat "$T_DIR/out")" = \
    "storyhub: $EMPTY: no hub store in this database (check --store; import or serve creates one)"
check "... and creates nothing" test "$(pg_count "$EMPTY" "SELECT to_regnamespace('storyhub') IS NULL")" = t
pg_admin "CREATE DATABASE latindb ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 OWNER storyhub" || exit 1
one_line_fail "a LATIN1 database is refused" "$HUB" import --store postgresql:///latindb \
    --key hub/hub.key --no-receipt usb/*.skb
check "... asking for UTF8" grep -q "needs a UTF8 database" "$T_DIR/out"
pg_admin "CREATE DATABASE dbadb" || exit 1
one_line_fail "a database the role may not create a schema in" "$HUB" import \
    --store postgresql:///dbadb --key hub/hub.key --no-receipt usb/*.skb
check "... says what the owner can do" grep -q "CREATE SCHEMA storyhub AUTHORIZATION storyhub" "$T_DIR/out"
PGUSER=postgres psql -X -q -d dbadb -c "CREATE SCHEMA storyhub AUTHORIZATION storyhub" || exit 1
one_line_fail "... then without unaccent" "$HUB" import \
    --store postgresql:///dbadb --key hub/hub.key --no-receipt usb/*.skb
check "... says who should create it" grep -q "run CREATE EXTENSION unaccent" "$T_DIR/out"
PGUSER=postgres psql -X -q -d dbadb -c "CREATE EXTENSION unaccent SCHEMA public" || exit 1
check_ok "... once the DBA made both, import works" "$HUB" import \
    --store postgresql:///dbadb --key hub/hub.key --no-receipt usb/*.skb
check_ok "... trust" "$HUB" kiosks --store postgresql:///dbadb --key hub/hub.key trust "$KID"
check "... and accents fold with the DBA's unaccent" test \
    "$(ids postgresql:///dbadb "cafe" | wc -l)" -eq 2
pg_admin "ALTER DATABASE searchdb OWNER TO postgres" >/dev/null
PGUSER=postgres psql -X -q -d searchdb -c "UPDATE storyhub.meta SET value = '2' WHERE key = 'schema'" || exit 1
one_line_fail "a store of a newer schema is refused" "$HUB" kiosks --store "$PG"
check "... by its version" grep -q 'schema version "2" and this storyhub knows versions up to 1' "$T_DIR/out"

# libpq is loaded for a PostgreSQL store only (hubstore-pg.c opens it):
# a SQLite hub does not map it, nor its Kerberos, LDAP and TLS libraries
maps_of_serve() {
	"$HUB" serve --store "$1" --key hub/hub.key --listen 127.0.0.1:0 2>serve.log &
	_sp=$!
	wait_for "grep -q 'listening on' serve.log" 30 &&
	    grep -c 'libpq\.so' "/proc/$_sp/maps" >"$2"
	kill -TERM $_sp
	wait $_sp
}
check "serve on SQLite runs" maps_of_serve search.db sqlite.maps
check "... without libpq loaded" test "$(cat sqlite.maps)" -eq 0
check "serve on PostgreSQL runs" maps_of_serve "$(pg_newdb servedb)" pg.maps
check "... with libpq loaded" test "$(cat pg.maps)" -gt 0

check_ok "two storyhubs creating the same new store at once" sh -c '
	"$0" import --store "$1" --key hub/hub.key --no-receipt usb/*.skb >a.out 2>&1 & a=$!
	"$0" import --store "$1" --key hub/hub.key --no-receipt usb/*.skb >b.out 2>&1 & b=$!
	wait $a && wait $b' "$HUB" "$(pg_newdb racedb)"
check "... one store, one quarantined bundle" test \
    "$(pg_count postgresql:///racedb "SELECT count(*) FROM storyhub.quarantine")" = 1

t_done
