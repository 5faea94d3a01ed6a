# A mistyped --store: export (csv, json), search, withdraw and kiosks refuse a
# store that does not exist with one line and create no file (no -wal, -shm
# or -journal either); files that are not hub stores are refused too; import
# and serve are the commands that create a store. 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1

check_ok "hub key" t_hubkey hub
check_ok "init a kiosk" "$KIOSK" init --data k --hub-key hub/hub.pub --name "Stall 1"
KID=$(kiosk_id k)
check "add 2 stories" add_stories k 1 2
mkdir usb
check_ok "export a bundle" "$KIOSK" export --data k --to usb
BUNDLE=$(ls usb/*.skb)

# no_trace DB: neither DB nor any of SQLite's side files exist.
no_trace() {
	for f in "$1" "$1-wal" "$1-shm" "$1-journal"; do
		[ ! -e "$f" ] || return 1
	done
}

# refused DESC DB COMMAND...: fails with exactly the one "no store" line and
# leaves no file behind.
refused() {
	desc=$1
	db=$2
	shift 2
	check_fail "$desc: refused" "$@"
	check "... with one line" test "$(wc -l <"$T_DIR/out")" -eq 1
	check "... that names the store and what to do" test "$(cat "$T_DIR/out")" = \
	    "storyhub: no store at $db (check --store; import or serve creates one)"
	check "... and no file is created" no_trace "$db"
}

DB=stoires.db
refused "export csv" $DB "$HUB" export --store $DB --format csv
refused "export json" $DB "$HUB" export --store $DB --format json
refused "export json --out" $DB "$HUB" export --store $DB --format json --out all.json
check "... and no export file either" test ! -e all.json
refused "search" $DB "$HUB" search --store $DB funding
refused "withdraw" $DB "$HUB" withdraw --store $DB K7P-2QX
refused "kiosks" $DB "$HUB" kiosks --store $DB
refused "kiosks revoke" $DB "$HUB" kiosks --store $DB revoke "$KID"
refused "kiosks trust (before the passphrase)" $DB \
    "$HUB" kiosks --store $DB --key hub/hub.key trust "$KID"
refused "a directory that does not exist" nowhere/hub.db \
    "$HUB" search --store nowhere/hub.db funding
check "... nor the directory" test ! -e nowhere
check "the working directory holds only what the test made" \
    test "$(ls | grep -vx out | sort | tr '\n' ' ')" = "hub k usb "

for cmd in export search withdraw kiosks import serve; do
	"$HUB" $cmd --help >help.out 2>&1
	case $cmd in
	import | serve) want="Creates the store" ;;
	*) want="only import and serve create a store" ;;
	esac
	check "$cmd --help says who creates a store" grep -q "$want" help.out
done
rm -f help.out

: >empty.db
check_fail "an empty file is not a hub store" "$HUB" export --store empty.db --format json
check "... one line saying so" test "$(cat "$T_DIR/out")" = \
    "storyhub: empty.db: not a hub store: the file is empty (check --store; import or serve creates one)"
check "... left empty, no side files" test ! -s empty.db -a ! -e empty.db-wal -a ! -e empty.db-shm
check_fail "the kiosk's database is not a hub store" "$HUB" search --store k/kiosk.db funding
check "... one line saying so" test "$(wc -l <"$T_DIR/out")" -eq 1
check_fail "... not even for import" "$HUB" import --store k/kiosk.db --key hub/hub.key "$BUNDLE"
check "... one line saying so" grep -q "^storyhub: k/kiosk.db: a database but not a hub store" \
    "$T_DIR/out"
check "... which gained no hub table" sh -c '! cat k/kiosk.db* | grep -aq "TABLE quarantine"'
check_ok "... and still works" "$KIOSK" status --data k --check
check "... intact" grep -q "^integrity: *ok$" "$T_DIR/out"
check_fail "a key file is not a hub store" "$HUB" kiosks --store hub/hub.key
check "... one line saying so" grep -q "^storyhub: hub/hub.key: not a hub store" "$T_DIR/out"

# The commands that do create a store.
check_ok "import creates a store" "$HUB" import --store new.db --key hub/hub.key --no-receipt "$BUNDLE"
check "... there it is, mode 0600" test "$(stat -c %a new.db)" = 600
check_ok "... kiosks reads it" "$HUB" kiosks --store new.db
check "... and lists the kiosk" grep -q "^$KID  unknown" "$T_DIR/out"
check_ok "... export reads it" "$HUB" export --store new.db --format json
check "... (nothing trusted yet: [])" test "$(cat "$T_DIR/out")" = "[]"
check_ok "... trust imports the stories" "$HUB" kiosks --store new.db --key hub/hub.key trust "$KID"
check "... search finds them" test "$("$HUB" search --store new.db listened | tail -1)" = "2 stories found"

check "serve starts on a new store" start_server served.db hub/hub.key
check "... health answers ok" health "$URL"
check "... it stops on SIGTERM" stop_server
check "... the store is there, mode 0600" test "$(stat -c %a served.db)" = 600
check_ok "... and kiosks reads it" "$HUB" kiosks --store served.db
check "... (no kiosk yet)" grep -q "no kiosk has sent a bundle yet" "$T_DIR/out"

t_done
