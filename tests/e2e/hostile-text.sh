# Hostile display text (docs/security.md, "Input from participants"):
# stories with ESC[2J, an OSC 52 clipboard write, C1 CSI (U+009B and a raw
# 0x9b byte), bidi overrides, zero-width characters and invalid UTF-8 are
# refused by `storykiosk add` with a one-line message that itself carries no
# control bytes, and nothing is stored. Allowed-but-tricky text (RTL,
# combining marks, emoji) goes through the hub, and `storyhub search`, the
# CSV and the JSON exports carry no ESC, C1 or bidi control bytes.
# Also: canaries added through `add` are absent from every file of the data
# directory and from the exported bundle (no plaintext at rest); key files
# are 0600 and a readable kiosk.key stops the kiosk.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
FORM="$TOP/forms/partnership.yaml"

# 1 if file $1 holds ESC, a C1 control (UTF-8 C2 80-9F), a raw 0x9b, or a
# bidi embedding/override/isolate (U+202A-202E, U+2066-2069) or zero-width
# (U+200B-200F, U+2060, U+FEFF) character.
has_controls() {
	LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae\x8b-\x8f]|\xe2\x81[\xa0\xa6-\xa9]|\xef\xbb\xbf|\x9b' "$1"
}
# A file without controls must pass, one with must not (the detector itself).
printf 'plain مرحبا e\314\201 ☕\n' >clean.txt
printf 'x\033[2Jy\n' >dirty.txt
check "control detector: clean text passes" sh -c "! LC_ALL=C grep -aqP '\x1b' clean.txt"
check "control detector: ESC is found" has_controls dirty.txt
printf 'x\302\233y\n' >c1.txt
printf 'x\342\200\256y\n' >rlo.txt
check "control detector: C1 CSI (UTF-8) is found" has_controls c1.txt
check "control detector: RLO is found" has_controls rlo.txt
check "control detector: RTL text and combining marks are not" sh -c "! { LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\x9b|\xe2\x80[\xaa-\xae\x8b]' clean.txt; }"

check_ok "hub key" t_hubkey hub
check_ok "init" "$KIOSK" init --data kiosk --hub-key hub/hub.pub --name "Hostile"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")

# story JSON with $1 spliced into a long enough story (raw bytes allowed)
story() {
	printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"Canary-H0STILE before %s after: the clinic and the council shared the budget.","drivers":[0.5,0.25,0.25],"equal":40,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' "$1"
}

refused=0
for pair in \
    'esc-2J:\u001b[2J' \
    'esc-raw-2J:RAWESC' \
    'osc52:\u001b]52;c;SGVsbG8=\u0007' \
    'c1-csi:\u009b31m' \
    'c1-raw:RAW9B' \
    'bidi-rlo:\u202eevil' \
    'bidi-isolate:\u2066x\u2069' \
    'zero-width:a\u200bb' \
    'zwj-bom:\ufeff' \
    'invalid-utf8:RAWFF' \
    'surrogate:\ud800' \
    'del:\u007f' \
    'tag:\udb40\udc41'; do
	name=${pair%%:*}
	text=${pair#*:}
	case $text in
	RAWESC) text=$(printf '\033[2J') ;;
	RAW9B) text=$(printf '\233') ;;
	RAWFF) text=$(printf '\377\376') ;;
	esac
	story "$text" >"$name.json"
	check_fail "add refuses a story with $name" "$KIOSK" add --data kiosk --form "$FORM" "$name.json"
	check "... and its message carries no control bytes" sh -c "! LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\x9b|\xe2\x80\xae' '$T_DIR/out'"
	refused=$((refused + 1))
done
echo "# add: $refused hostile stories refused; last message: $(last_out)"
check_ok "status" "$KIOSK" status --data kiosk
check "nothing was stored" grep -q '^stories: *0 submitted, 0 interrupted, 0 timed_out, 0 draft' "$T_DIR/out"

# Allowed but tricky: RTL, combining marks, emoji, Arabic-Indic digits, a
# lone right-to-left mark is refused above; plain RTL script is fine.
RTL='مرحبا بالعالم ١٢٣ שלום'
COMB=$(printf 'e\314\201 a\314\200\314\201\314\202 Z\315\221\315\222')
story "$RTL $COMB ☕🎉 Canary-H0STILE-OK" >tricky.json
check_ok "add accepts RTL, combining marks and emoji" "$KIOSK" add --data kiosk --form "$FORM" tricky.json
CODE=$(sed -n 's/^stored story \([^ ]*\) .*/\1/p' "$T_DIR/out")

# No plaintext at rest: the canary is in no file of the data directory
# (database, WAL, shared memory, journal, temp files) nor in the bundle.
mkdir usb
check_ok "export" "$KIOSK" export --data kiosk --to usb
bytes=$(cat kiosk/* usb/* | wc -c)
files=$(ls kiosk usb | wc -l)
check "canary absent from every file of the data dir and the bundle ($files files, $bytes bytes)" \
    sh -c "! grep -r -a -q -e 'Canary-H0STILE' -e 'مرحبا' kiosk usb"
echo "# searched $files files, $bytes bytes for the canaries"

check_ok "hub import" "$HUB" import --store hub.db --key hub/hub.key usb/*.skb
check_ok "trust" "$HUB" kiosks --store hub.db --key hub/hub.key trust "$KID"
check_ok "search (Arabic)" "$HUB" search --store hub.db "بالعالم"
cp "$T_DIR/out" search1.txt
check "... finds the story" grep -q "$CODE" search1.txt
check "... its output has no ESC, C1 or bidi control bytes" sh -c "! { LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\x9b|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' search1.txt; }"
check "... and shows the RTL text and combining marks intact" grep -qF "١٢٣ שלום $COMB" search1.txt
check_ok "search (canary)" "$HUB" search --store hub.db "Canary"
check "... clean too" sh -c "! { LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\x9b' '$T_DIR/out'; }"
check_ok "hub CSV export" "$HUB" export --store hub.db --format csv --out all.csv
check_ok "hub JSON export" "$HUB" export --store hub.db --format json --out all.json
check "CSV and JSON exports carry no ESC, C1 or bidi control bytes" \
    sh -c "! { LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\x9b|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' all.csv all.json; }"
check "... and keep the combining marks byte for byte" grep -qF "$COMB" all.json

# Key files are 0600, and a kiosk whose identity became readable by others
# refuses to work until it is fixed.
check "kiosk.key is 0600" test "$(stat -c %a kiosk/kiosk.key)" = 600
check "hub.key is 0600" test "$(stat -c %a hub/hub.key)" = 600
chmod 644 kiosk/kiosk.key
check_fail "a group/world-readable kiosk.key is refused (add)" "$KIOSK" add --data kiosk --form "$FORM" tricky.json
check_fail "... and by status" "$KIOSK" status --data kiosk
check_fail "... and the kiosk does not start (run)" "$KIOSK" run --data kiosk --form "$FORM" </dev/null
check "... saying how to fix it" grep -q "chmod 600" "$T_DIR/out"
chmod 600 kiosk/kiosk.key
check_ok "back to 0600: works again" "$KIOSK" status --data kiosk

t_done
