# Hostile names and files (issue 17): a path holding ESC [2J and a newline
# given to every command never reaches the terminal raw (no control byte in
# what the command prints, its one-line messages stay one line); a form
# nested 500,000 deep (1 MiB) is refused at once with FILE:LINE: nesting too
# deep; the stale temp files of each command's own naming pattern are
# removed before it writes there, never one a running writer holds.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
FORM="$TOP/forms/partnership.yaml"
ESC=$(printf '\033')
EVIL=$(printf 'evil\n%s[2J name' "$ESC")

# clean FILE: no control byte but the line ends (cat -v shows none), and
# exactly LINES lines.
clean() {
	! cat -v "$1" | grep -q '\^\[' &&
	    ! LC_ALL=C tr -d '\n' <"$1" | LC_ALL=C grep -q '[[:cntrl:]]' &&
	    { [ -z "${2:-}" ] || [ "$(wc -l <"$1")" -eq "$2" ]; }
}
# quiet CMD...: run it, its output (both streams) in $T_DIR/out.
quiet() { "$@" >"$T_DIR/out" 2>&1; }
# refused DESC CMD...: fails with one clean line.
refused() {
	_d=$1
	shift
	quiet "$@"
	_rc=$?
	if [ $_rc -ne 0 ] && [ $_rc -lt 128 ] && clean "$T_DIR/out" 1 &&
	    grep -Eq '^(storykiosk|storyhub): ' "$T_DIR/out"; then
		ok "$_d: one clean line"
	else
		cat -v "$T_DIR/out" | sed 's/^/#   /'
		notok "$_d: one clean line (exit $_rc)"
	fi
}
# shown DESC LINES CMD...: succeeds, output clean in LINES lines, and the
# name it printed is neutralised (the newline a space, the ESC U+FFFD).
shown() {
	_d=$1
	_n=$2
	shift 2
	quiet "$@"
	_rc=$?
	if [ $_rc -eq 0 ] && clean "$T_DIR/out" "$_n" && grep -q 'evil .\[2J name' "$T_DIR/out"; then
		ok "$_d: clean, neutralised"
	else
		cat -v "$T_DIR/out" | sed 's/^/#   /'
		notok "$_d: clean, neutralised (exit $_rc)"
	fi
}

story() {
	printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"Path story %s: the clinic and the water committee met every week and shared the budget.","drivers":[0.5,0.25,0.25],"equal":40,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' "$1"
}

check_ok "hub key" t_hubkey hub
check_ok "kiosk" "$KIOSK" init --data k --hub-key hub/hub.pub --name Paths
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
story 1 >a.json
check_ok "a story" "$KIOSK" add --data k --form "$FORM" a.json

# --- storykiosk ------------------------------------------------------------
shown "init --data EVIL" 6 "$KIOSK" init --data "$EVIL" --hub-key hub/hub.pub
refused "init --hub-key EVIL" "$KIOSK" init --data k2 --hub-key "$EVIL"
refused "status --data EVIL/missing" "$KIOSK" status --data "$EVIL/missing"
refused "add --form EVIL" "$KIOSK" add --data k --form "$EVIL.yaml" a.json
refused "add EVIL.json" "$KIOSK" add --data k --form "$FORM" "$EVIL.json"
refused "export --to EVIL/missing" "$KIOSK" export --data k --to "$EVIL/missing"
mkdir "$EVIL-usb"
shown "export --to EVIL" 1 "$KIOSK" export --data k --to "$EVIL-usb"
refused "import-receipt EVIL (missing)" "$KIOSK" import-receipt --data k "$EVIL.receipt"
printf 'not a receipt' >"$EVIL.receipt"
refused "import-receipt EVIL (not a receipt)" "$KIOSK" import-receipt --data k "$EVIL.receipt"
refused "purge --data EVIL/missing" "$KIOSK" purge --data "$EVIL/missing"
quiet "$KIOSK" check-form "$EVIL.yaml"
check "check-form EVIL (missing): its problem and summary lines clean" clean "$T_DIR/out" 2
printf 'form: [\n' >"$EVIL.yaml"
quiet "$KIOSK" check-form "$EVIL.yaml"
check "check-form EVIL (bad YAML): every line clean, the name neutralised" sh -c \
    "! cat -v '$T_DIR/out' | grep -q '\\^\\[' && grep -q 'evil .\\[2J name.yaml:' '$T_DIR/out'"
refused "run --data EVIL/missing" "$KIOSK" run --data "$EVIL/missing" --form "$FORM"
refused "push --data EVIL/missing (the push helper)" "$KIOSK" push --data "$EVIL/missing" \
    --url http://127.0.0.1:9
refused "push --url with ESC and newline" "$KIOSK" push --data k --url "http://127.0.0.1:9/$EVIL"

# --- storyhub --------------------------------------------------------------
B=$(ls "$EVIL-usb"/*.skb)
cp "$B" "$EVIL.skb"
shown "import EVIL.skb (quarantined)" 2 "$HUB" import --store hub.db --key hub/hub.key "$EVIL.skb"
printf 'SKBUNDLE but not one' >"$EVIL-bad.skb"
quiet "$HUB" import --store hub.db --key hub/hub.key "$EVIL-bad.skb"
check "import EVIL-bad.skb (rejected): clean, two lines" clean "$T_DIR/out" 2
check "... the rejection names the file neutralised" \
    grep -q '^storyhub: evil .\[2J name-bad.skb: rejected: ' "$T_DIR/out"
refused "import --key EVIL" "$HUB" import --store hub.db --key "$EVIL.key" "$B"
refused "import --store EVIL/missing/db" "$HUB" import --store "$EVIL/missing/db" \
    --key hub/hub.key "$B"
check_ok "trust" "$HUB" kiosks --store hub.db --key hub/hub.key trust "$KID"
quiet "$HUB" export --store hub.db --format csv --out "$EVIL.csv"
check "export --out EVIL: clean, the name neutralised" sh -c \
    "grep -q 'to evil .\\[2J name.csv' '$T_DIR/out' && ! cat -v '$T_DIR/out' | grep -q '\\^\\['"
refused "export --store EVIL" "$HUB" export --store "$EVIL.db" --format json
refused "kiosks --store EVIL" "$HUB" kiosks --store "$EVIL.db"
refused "search --store EVIL" "$HUB" search --store "$EVIL.db" water
refused "withdraw CODE with ESC" "$HUB" withdraw --store hub.db "$EVIL"
refused "serve --listen EVIL" "$HUB" serve --store hub.db --key hub/hub.key --listen "$EVIL"
shown "keygen --out EVIL" 2 "$HUB" keygen --out "$EVIL-hub"

# --- a kiosk name with ESC and a newline ---------------------------------------
# init refuses such a name; a database changed behind its back holds one.
if /usr/bin/python3 -c 'import sqlite3' 2>/dev/null; then
	/usr/bin/python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE meta SET value = ? WHERE key = ?", ("evil\n\033[2J name", "name"))
db.commit()' k/kiosk.db
	shown "status of a kiosk whose name holds ESC and a newline" 14 "$KIOSK" status --data k
	story 3 >c.json
	"$KIOSK" add --data k --form "$FORM" c.json >/dev/null
	mkdir usb-name
	check_ok "export: the bundle carries the name" "$KIOSK" export --data k --to usb-name
	check_ok "storyhub import" "$HUB" import --store hub.db --key hub/hub.key usb-name/*.skb
	quiet "$HUB" kiosks --store hub.db
	check "storyhub kiosks lists it clean" clean "$T_DIR/out"
	check "... the name neutralised" grep -q 'evil .\[2J name' "$T_DIR/out"
else
	t_skip "no sqlite3 module for /usr/bin/python3: the kiosk name is not changed behind init's back"
fi

# --- a form nested too deep --------------------------------------------------
awk 'BEGIN { n = 524280; printf "form: "; for (i = 0; i < n; i++) printf "["; for (i = 0; i < n; i++) printf "]"; print "" }' >deep.yaml
t0=$(t_now_ms)
quiet "$KIOSK" check-form deep.yaml
ms=$(($(t_now_ms) - t0))
echo "# check-form of a form nested 524,280 deep ($(wc -c <deep.yaml) bytes): refused in $ms ms"
check "check-form: deep.yaml:1: nesting too deep" grep -q '^deep.yaml:1: nesting too deep' "$T_DIR/out"
check "... refused at once (failure guard: under 3 s, was minutes)" test "$ms" -lt 3000
t0=$(t_now_ms)
refused "add --form of the deep form" "$KIOSK" add --data k --form deep.yaml a.json
ms=$(($(t_now_ms) - t0))
echo "# add --form of the same: refused in $ms ms"
check "... nesting too deep, at once" sh -c "grep -q 'deep.yaml:1: nesting too deep' '$T_DIR/out' && test $ms -lt 3000"

# --- stale temp files -------------------------------------------------------
# What a killed writer leaves (NAME.tmp.XXXXXX), of each command's own
# pattern, in the directories it writes; a locked one (a writer at work)
# and others' files stay.
mkdir usb
: >"usb/storykiosk-0123456789abcdef-000007.skb.tmp.Ab12Cd"
: >"usb/storykiosk-$KID-000002.skb.tmp.Xy98Zw"
: >"usb/notes.txt.tmp.Qq11Qq"
: >"usb/storykiosk-$KID-000003.skb.tmp.LoCkEd"
flock "usb/storykiosk-$KID-000003.skb.tmp.LoCkEd" sleep 60 &
LOCKER=$!
locker_cleanup() { kill "$LOCKER" 2>/dev/null; }
T_CLEANUP="$T_CLEANUP locker_cleanup"
wait_for 'ls /proc/$LOCKER >/dev/null 2>&1' 2
story 2 >b.json
"$KIOSK" add --data k --form "$FORM" b.json >/dev/null
check_ok "export to a stick with stale temp files" "$KIOSK" export --data k --to usb
check "... its stale bundles (any kiosk's) removed" sh -c \
    "! ls usb | grep -q -e 'Ab12Cd' -e 'Xy98Zw'"
check "... the one a running writer holds kept" test -e "usb/storykiosk-$KID-000003.skb.tmp.LoCkEd"
check "... and another program's temp file kept" test -e usb/notes.txt.tmp.Qq11Qq
kill "$LOCKER" 2>/dev/null
B2=$(ls usb/*.skb | head -1)
: >"$B2.receipt.tmp.Rr22Rr"
: >"usb/old-bundle.skb.receipt.tmp.Ss33Ss"
check_ok "storyhub import writing receipts there" "$HUB" import --store hub.db --key hub/hub.key "$B2"
check "... stale receipts removed" sh -c "! ls usb | grep -q -e Rr22Rr -e Ss33Ss"
check "... and its receipt written" test -s "$B2.receipt"
mkdir keys2
: >keys2/hub.key.tmp.Kk44Kk
: >keys2/hub.pub.tmp.Pp55Pp
check_ok "keygen into a directory with a killed keygen's temp files" "$HUB" keygen --out keys2
check "... removed" sh -c "! ls keys2 | grep -q tmp"
mkdir k3
: >k3/kiosk.key.tmp.Ii66Ii
: >k3/pin.tmp.Nn77Nn
check_ok "init into a directory with a killed init's temp files" \
    "$KIOSK" init --data k3 --hub-key hub/hub.pub
check "... removed" sh -c "! ls k3 | grep -q tmp"
: >out.json.tmp.Oo88Oo
check_ok "storyhub export --out beside a stale temp of the same file" \
    "$HUB" export --store hub.db --format json --out out.json
check "... removed" test ! -e out.json.tmp.Oo88Oo
t_done
