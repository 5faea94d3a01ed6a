# End to end: keygen -> init -> check-form -> add -> status, with bad input.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
FORM="$TOP/forms/partnership.yaml"

check_ok "storykiosk --help" "$KIOSK" --help
for c in init run add status export push import-receipt purge check-form preview enroll; do
	"$KIOSK" "$c" --help >"$T_DIR/out" 2>&1
	check "storykiosk $c --help explains itself" \
	    grep -q "usage: storykiosk $c" "$T_DIR/out"
done
check_ok "storyhub --help" "$HUB" --help
check "the kiosk program does not load libcurl (push runs in a helper)" \
    sh -c '! ldd "$1" | grep -q libcurl' sh "$KIOSK"
check "storyhub does not load ncurses" sh -c '! ldd "$1" | grep -q libncurses' sh "$HUB"

check_ok "keygen" "$HUB" keygen --out hub
check "hub.key is 0600" test "$(stat -c %a hub/hub.key)" = 600
check_fail "keygen refuses to overwrite" "$HUB" keygen --out hub
check_fail "keygen refuses an empty passphrase" \
    env STORYHUB_PASSPHRASE= "$HUB" keygen --out hub2

check_ok "init" "$KIOSK" init --data kiosk --hub-key hub/hub.pub --name "Test stall"
check "init prints the kiosk id" grep -Eq '^kiosk id: +[0-9a-f]{16}$' "$T_DIR/out"
fpr=$(grep '^# fingerprint' hub/hub.pub | awk '{print $3}')
check "init prints the hub fingerprint" grep -q "hub key: *$fpr" "$T_DIR/out"
check "kiosk.key is 0600" test "$(stat -c %a kiosk/kiosk.key)" = 600
check "pin is 0600" test "$(stat -c %a kiosk/pin)" = 600
check_fail "init refuses to replace an identity" \
    "$KIOSK" init --data kiosk --hub-key hub/hub.pub
check_fail "init rejects a secret key as --hub-key" \
    "$KIOSK" init --data k2 --hub-key hub/hub.key
check "... saying which kind of file it is" grep -q "hub secret key" "$T_DIR/out"
check_fail "init rejects a name with an escape sequence" \
    "$KIOSK" init --data k5 --hub-key hub/hub.pub --name "$(printf 'a\033[2Jb')"
check "... and creates nothing" test ! -e k5/kiosk.key
check_fail "init without a hub key" "$KIOSK" init --data k3
check_fail "init with a short PIN" env STORYKIOSK_PIN=12 \
    "$KIOSK" init --data k4 --hub-key hub/hub.pub

check_ok "check-form accepts the default form" "$KIOSK" check-form "$FORM"

cat >story.json <<'JSON'
{"lang": "fr", "consent": "quotes", "prompt": "worked",
 "answers": {"story": "CANARY-e2e-1234: Quand l’association et la mairie ont partagé le budget, tout a changé — « enfin » écoutés. 🌱",
             "drivers": [0.5, 0.3, 0.2], "equal": 35, "listened": 80, "trust": 60,
             "obstacles": ["funding", "process"],
             "role": "community", "role_other": null}}
JSON
check_ok "add stores a story" "$KIOSK" add --data kiosk --form "$FORM" story.json
check "add prints the story code" grep -Eq 'stored story [2-9A-Z]{3}-[2-9A-Z]{3}' "$T_DIR/out"
check_ok "status" "$KIOSK" status --data kiosk --check
check "status counts one submitted story" grep -q '1 submitted' "$T_DIR/out"
check "status integrity ok" grep -q 'integrity: *ok' "$T_DIR/out"
check "status shows the name" grep -q 'Test stall' "$T_DIR/out"
check "no plaintext in the data directory" sh -c '! grep -rqa "CANARY-e2e" kiosk'
check "no answer text in the data directory" sh -c '! grep -rqa "partagé le budget" kiosk'

# Bad input: a clear one-line error, nothing stored.
sed 's/"equal": 35/"equal": 135/' story.json >bad-range.json
check_fail "add rejects an out-of-range scale" "$KIOSK" add --data kiosk --form "$FORM" bad-range.json
printf '{"lang": "en", "consent": "analysis", "prompt": "worked", "answers": {"story": "short"}}' >bad-short.json
check_fail "add rejects a too-short story" "$KIOSK" add --data kiosk --form "$FORM" bad-short.json
printf '{"lang": "en", "consent": "analysis"' >bad-json.json
check_fail "add rejects malformed JSON" "$KIOSK" add --data kiosk --form "$FORM" bad-json.json
sed 's/CANARY-e2e-1234:/\\u001b[2J/' story.json >bad-esc.json
check_fail "add rejects an escape sequence" "$KIOSK" add --data kiosk --form "$FORM" bad-esc.json
check_fail "add with a missing data directory" "$KIOSK" add --data nowhere --form "$FORM" story.json
check_fail "add with a missing answers file" "$KIOSK" add --data kiosk --form "$FORM" none.json
printf 'form: x\nversion: 1\n' >bad.yaml
check_fail "add with a broken form" "$KIOSK" add --data kiosk --form bad.yaml story.json
check_ok "status after the bad adds" "$KIOSK" status --data kiosk
check "still exactly one story" grep -q '1 submitted, 0 interrupted, 0 timed_out, 0 draft' "$T_DIR/out"

chmod 644 kiosk/kiosk.key
check_fail "a group-readable identity is refused" "$KIOSK" status --data kiosk
check "... with the chmod to fix it" grep -q 'chmod 600' "$T_DIR/out"
chmod 600 kiosk/kiosk.key

# The key keygen wrote (full Argon2id cost) opens the story at the hub; the
# other tests use cheap keys (t_hubkey).
mkdir usb
check_ok "export" "$KIOSK" export --data kiosk --to usb
check_ok "import with keygen's key" sh -c '"$1" import --store hub.db --key hub/hub.key usb/*.skb' sh "$HUB"
KID=$("$KIOSK" status --data kiosk | sed -n 's/^kiosk id: *//p')
check_ok "trust the kiosk" "$HUB" kiosks --store hub.db --key hub/hub.key trust "$KID"
check_ok "the story is at the hub" "$HUB" search --store hub.db CANARY
check "... found once" grep -q '^1 stor' "$T_DIR/out"

check_fail "unknown command" "$KIOSK" frobnicate
t_done
