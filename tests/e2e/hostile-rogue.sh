# Hostile text from a compromised kiosk (docs/security.md, "Hostile display
# text"): tests/faults/rogue-add.c stores a story WITHOUT the kiosk's checks,
# so ESC[2J, OSC 52, C1 CSI (U+009B), RLO and ZWSP are sealed, exported and
# signed by a kiosk the hub trusts. The hub must never hand them to a
# terminal: `storyhub search` neutralises them; the CSV and JSON exports
# (which go to standard output without --out) must not carry them raw.

. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1
FORM="$TOP/forms/partnership.yaml"

# 0 if file $1 holds ESC, a C1 control (raw or as UTF-8), RLO/LRO/isolates
# or a zero-width space.
raw_controls() {
	LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\x9b|\xe2\x80[\xaa-\xae\x8b]|\xe2\x81[\xa6-\xa9]' "$1"
}

# make check builds it ($BUILD/tests/rogue-add) from the same libraries as
# the kiosk, so it follows the layers' include paths.
ROGUE="$TOP/$BUILD/tests/rogue-add"
if [ ! -x "$ROGUE" ]; then
	echo "not ok 1 - the rogue kiosk helper $ROGUE is built (make check builds it)"
	exit 1
fi

check_ok "hub key" t_hubkey hub
check_ok "init" "$KIOSK" init --data kiosk --hub-key hub/hub.pub --name "Rogue"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"Rogue-R0GUE \\u001b[2J \\u001b]52;c;SGVsbG8=\\u0007 \\u009b31m \\u202eevil \\u200bzw and enough text to be a story of partnership.","title":"T \\u001b[31mred","drivers":[0.5,0.25,0.25],"equal":40,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' >rogue.json
check_fail "the real add refuses it" "$KIOSK" add --data kiosk --form "$FORM" rogue.json
check_ok "the rogue kiosk stores it anyway" "$ROGUE" kiosk "$FORM" rogue.json
mkdir usb
check_ok "export (signed by the kiosk)" "$KIOSK" export --data kiosk --to usb
"$HUB" import --store "$DB" --key hub/hub.key usb/*.skb >/dev/null 2>&1
check_ok "the hub trusts the kiosk" "$HUB" kiosks --store "$DB" --key hub/hub.key trust "$KID"
echo "# hub import of the rogue story: $(last_out)"

check_ok "search finds it" "$HUB" search --store "$DB" "Rogue"
cp "$T_DIR/out" search.txt
check "... and prints no ESC, C1, RLO or ZWSP" sh -c "! LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\x9b|\xe2\x80[\xaa-\xae\x8b]' search.txt"
"$HUB" export --store "$DB" --format csv >all.csv 2>&1
"$HUB" export --store "$DB" --format json >all.json 2>&1
check "CSV export (stdout) has the story" grep -q "Rogue-R0GUE" all.csv
check "CSV export to stdout carries no raw ESC, C1, RLO or ZWSP" sh -c "! { LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\x9b|\xe2\x80[\xaa-\xae\x8b]' all.csv; }"
check "JSON export has the story, with ESC and BEL replaced" sh -c "grep -q 'Rogue-R0GUE' all.json && ! LC_ALL=C grep -aq \"\$(printf '\\033')\" all.json && ! grep -q 'u001[bB]' all.json"
check "JSON export carries no raw C1 (U+009B), RLO or ZWSP" sh -c "! { LC_ALL=C grep -aqP '\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae\x8b]' all.json; }"

t_done
