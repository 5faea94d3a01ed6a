# Commands that do not need the secret key do not open it: kiosks (list,
# revoke, and trust when nothing waits in quarantine) work with --key given
# and a wrong passphrase, and stay far below the 128 MiB Argon2id takes to
# open a key made by keygen; trusting a kiosk whose bundles wait, import and
# serve open it (and refuse a wrong passphrase). export, search, withdraw
# and migrate take no --key at all.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=

check_ok "a real hub key (keygen: Argon2id, 128 MiB)" "$HUB" keygen --out hub
check_ok "a kiosk" "$KIOSK" init --data k --hub-key hub/hub.pub --name "Stall"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"The committee listened and the well was built together in one season.","drivers":[0.5,0.25,0.25],"equal":50,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' >s.json
check_ok "a story" "$KIOSK" add --data k --form "$TOP/forms/partnership.yaml" s.json
mkdir usb
check_ok "exported" "$KIOSK" export --data k --to usb
check_ok "import (quarantined: the kiosk is unknown)" "$HUB" import --store "$DB" \
    --key hub/hub.key --no-receipt usb/*.skb

# peak_kb COMMAND...: run it, keep its output, print its peak RSS in KiB
peak_kb() {
	$TIME -f '%M' -o rss.txt "$@" >"$T_DIR/out" 2>&1
	_rc=$?
	tail -n 1 rss.txt
	return $_rc
}

BAD="not the passphrase"
if [ -n "$TIME" ]; then
	kb=$(STORYHUB_PASSPHRASE=$BAD peak_kb "$HUB" kiosks --store "$DB" --key hub/hub.key)
	check "kiosks (list) with --key and a wrong passphrase works" test $? -eq 0
	check "... without opening the key (peak ${kb} KiB, under 64 MiB)" test "$kb" -lt 65536
	kb=$(peak_kb "$HUB" kiosks --store "$DB" --key hub/hub.key trust "$KID")
	check "trusting the kiosk whose bundle waits opens the key" test $? -eq 0
	check "... (peak ${kb} KiB: Argon2id's 128 MiB)" test "$kb" -gt 131072
else
	t_skip "/usr/bin/time is not installed: no peak memory figures"
	check_ok "trust the kiosk (its bundle waits: opens the key)" "$HUB" kiosks --store "$DB" \
	    --key hub/hub.key trust "$KID"
fi
check_ok "kiosks (list) with a wrong passphrase" env STORYHUB_PASSPHRASE="$BAD" \
    "$HUB" kiosks --store "$DB" --key hub/hub.key
check "... lists the kiosk" grep -q "^$KID  trusted" "$T_DIR/out"
check_ok "trust again (nothing waits) with a wrong passphrase" env STORYHUB_PASSPHRASE="$BAD" \
    "$HUB" kiosks --store "$DB" --key hub/hub.key trust "$KID"
check_ok "revoke with a wrong passphrase" env STORYHUB_PASSPHRASE="$BAD" \
    "$HUB" kiosks --store "$DB" --key hub/hub.key revoke "$KID"
check_ok "... trust again without --key at all" "$HUB" kiosks --store "$DB" trust "$KID"

# a second kiosk's bundle waits: now the key must open
check_ok "a second kiosk" "$KIOSK" init --data k2 --hub-key hub/hub.pub --name "Stall 2"
K2=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
check_ok "... a story" "$KIOSK" add --data k2 --form "$TOP/forms/partnership.yaml" s.json
mkdir usb2
check_ok "... exported" "$KIOSK" export --data k2 --to usb2
check_ok "... quarantined" "$HUB" import --store "$DB" --key hub/hub.key --no-receipt usb2/*.skb
check_fail "trusting it with a wrong passphrase fails" env STORYHUB_PASSPHRASE="$BAD" \
    "$HUB" kiosks --store "$DB" --key hub/hub.key trust "$K2"
check "... saying why" grep -q "wrong passphrase" "$T_DIR/out"
check_fail "... and without --key, says to give it" "$HUB" kiosks --store "$DB" trust "$K2"
check "... so" grep -q "give --key hub.key" "$T_DIR/out"
check_fail "import opens the key: a wrong passphrase fails" env STORYHUB_PASSPHRASE="$BAD" \
    "$HUB" import --store "$DB" --key hub/hub.key usb2/*.skb
for c in export search withdraw migrate; do
	check_fail "$c takes no --key" "$HUB" $c --store "$DB" --key hub/hub.key x
done
t_done
