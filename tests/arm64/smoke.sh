#!/bin/sh
# The Raspberry Pi (arm64) build under qemu-user: make check ARCH=arm64 runs
# this instead of tests/e2e/. The programs cross-built into build/arm64/ are
# arm64 ELF; under qemu storyhub makes a hub key (full Argon2id cost), the
# kiosk is initialised, the real kiosk draws its welcome screen in tmux, takes
# a participant's story and quits from the admin screen; a paper story is
# added, both are exported to a directory, and the arm64 hub imports the
# bundle and finds them; the arm64 push helper sends them to the arm64 hub
# server, which acknowledges them. The bench refuses to time anything under
# qemu. $KIOSK and $HUB are tests/run-all's wrappers that run the arm64
# programs under $EMU.
. "$TOP/tests/e2e/kiosk.lib"
. "$TOP/tests/e2e/net.lib"
cd "$W" || exit 1
FORM="$TOP/forms/partnership.yaml"
B="$TOP/$BUILD"
# qemu starts each program slower than the native build does.
KIOSK_START_WAIT=60
PASS=e2e-pass-phrase

if [ -z "${EMU:-}" ]; then
	notok "run by make check ARCH=arm64 (tests/run-all sets EMU)"
	t_done
	exit
fi

# --- what was built --------------------------------------------------------
is_arm64() { readelf -h "$1" 2>/dev/null | grep -q 'Machine: *AArch64'; }
for p in storykiosk storyhub storykiosk-push tests/cheap-hubkey; do
	check "$p is an arm64 (AArch64) program" is_arm64 "$B/$p"
done
check "the arm64 kiosk does not load libcurl (the push helper does)" \
    sh -c '! readelf -d "$1" | grep NEEDED | grep -q libcurl' sh "$B/storykiosk"
check "the arm64 push helper loads libcurl" \
    sh -c 'readelf -d "$1" | grep NEEDED | grep -q libcurl' sh "$B/storykiosk-push"
check "the arm64 hub does not load ncurses" \
    sh -c '! readelf -d "$1" | grep NEEDED | grep -q ncurses' sh "$B/storyhub"

# --- the command line under qemu -------------------------------------------
check_ok "storykiosk --help under qemu" "$KIOSK" --help
check "... prints the usage" grep -q '^usage: storykiosk' "$T_DIR/out"
check_ok "storyhub --help under qemu" "$HUB" --help
check_fail "an unknown command gets a one-line error" "$KIOSK" frobnicate
check_ok "storyhub keygen under qemu (full Argon2id cost)" \
    env STORYHUB_PASSPHRASE=$PASS "$HUB" keygen --out "$W/hub"
check "hub.key is 0600" test "$(stat -c %a "$W/hub/hub.key" 2>/dev/null)" = 600
check_ok "storykiosk init with the hub key" \
    env STORYKIOSK_PIN=$PIN "$KIOSK" init --data "$W/k" --hub-key "$W/hub/hub.pub" --name "Pi stall"
check "init prints the kiosk id" grep -Eq '^kiosk id: +[0-9a-f]{16}$' "$T_DIR/out"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
check_ok "check-form accepts the default form" "$KIOSK" check-form "$FORM"

# --- the real kiosk in tmux under qemu -------------------------------------
check "the kiosk draws its welcome screen" start_kiosk
check "... listing the languages" wait_text "Kiswahili"
check "a participant reaches the story editor" to_story 0
type_text "Arm64tmux: the water committee and the district office shared the work and it lasted."
check "the story shows as typed" wait_text "Arm64tmux: the water"
answer_all "Pi title"
check "the review lists the answers" wait_text "Animatrice"
keys End Enter
check "the thank-you screen after submit" wait_text "Thank you" 15
code=$(shown_code)
check "a story code is shown ($code)" test -n "$code"
check "status counts 1 submitted" has_status submitted 1
leave_thanks
check "back to the welcome screen" wait_text "Kiswahili"
keys F12
check "F12 asks for the admin PIN" wait_text "admin PIN"
type_text "$PIN"; keys Enter
check "the PIN opens the admin screen" wait_text "Quit the kiosk" 15
check "... showing the kiosk id" wait_text "$KID"
keys End Enter
check "quit ends the kiosk with status 0" wait_text "KIOSK-EXITED=0" 15
check "the typed story is not in the data directory" \
    sh -c "! grep -r -a -q Arm64tmux '$W/k'"
stderr_clean

# --- a paper story, the export and the hub ---------------------------------
cat >story.json <<'JSON'
{"lang": "fr", "consent": "quotes", "prompt": "worked",
 "answers": {"story": "Arm64paper: quand l’association et la mairie ont partagé le budget, tout a changé — « enfin » écoutés.",
             "drivers": [0.5, 0.3, 0.2], "equal": 35, "listened": 80, "trust": 60,
             "obstacles": ["funding"], "role": "community", "role_other": null}}
JSON
check_ok "storykiosk add a paper story" "$KIOSK" add --data "$W/k" --form "$FORM" story.json
check "add prints the story code" grep -Eq 'stored story [2-9A-Z]{3}-[2-9A-Z]{3}' "$T_DIR/out"
check_ok "status --check" "$KIOSK" status --data "$W/k" --check
check "... counts 2 submitted, integrity ok" sh -c \
    "grep -q '2 submitted' '$T_DIR/out' && grep -q 'integrity: *ok' '$T_DIR/out'"
mkdir usb
check_ok "storykiosk export to a directory" "$KIOSK" export --data "$W/k" --to usb
check "... wrote one bundle" test "$(ls usb/*.skb 2>/dev/null | wc -l)" -eq 1
check_ok "the arm64 hub imports the bundle" sh -c \
    'STORYHUB_PASSPHRASE=$1 "$2" import --store hub.db --key "$3/hub/hub.key" usb/*.skb' \
    sh "$PASS" "$HUB" "$W"
check_ok "trust the kiosk" env STORYHUB_PASSPHRASE=$PASS \
    "$HUB" kiosks --store hub.db --key "$W/hub/hub.key" trust "$KID"
check_ok "the hub finds the story typed in the kiosk" "$HUB" search --store hub.db Arm64tmux
check "... once" grep -q '^1 stor' "$T_DIR/out"
check_ok "the hub finds the paper story" "$HUB" search --store hub.db Arm64paper
check "... once" grep -q '^1 stor' "$T_DIR/out"
check_ok "storyhub export json" "$HUB" export --store hub.db --format json --out out.json
check "the code shown on the kiosk is the hub's" grep -q "\"code\":\"$code\"" out.json
check "the French text arrives intact" grep -q "partagé le budget, tout a changé — « enfin »" out.json

# --- the push helper to the hub server, both arm64 -------------------------
STORYHUB_PASSPHRASE=$PASS start_server hub.db "$W/hub/hub.key"
check "storyhub serve listens under qemu" test -n "${URL:-}"
check_ok "storykiosk-push sends to the hub server" \
    "$TOP/$BUILD/emu/storykiosk-push" --data "$W/k" --url "${URL:-http://127.0.0.1:1}"
check "... the hub acknowledged both stories" \
    grep -q 'pushed 2 stories in bundle [0-9]*; the hub acknowledged 2' "$T_DIR/out"
check "nothing is left unacknowledged" test "$(unacked "$W/k")" = 0
check "the server stops cleanly" stop_server
check_ok "the hub still holds each story once" "$HUB" search --store hub.db Arm64paper
check "... once" grep -q '^1 stor' "$T_DIR/out"

# --- no qemu timings as Pi figures -----------------------------------------
refuses_bench() {
	"$@" >bench.out 2>&1 && return 1
	grep -q 'not Raspberry Pi figures' bench.out && ! grep -Eq '[0-9] ?(ms|s)\b' bench.out
}
check "make bench ARCH=arm64 refuses: qemu timings are not Pi figures" \
    refuses_bench make -s --no-print-directory -C "$TOP" bench ARCH=arm64
check "bench/run-all refuses the arm64 build too" \
    refuses_bench env BUILD="$BUILD" "$TOP/bench/run-all"
t_done
