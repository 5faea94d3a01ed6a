# End to end, kiosk to hub and back: keygen -> init -> add 100 stories with
# tricky UTF-8 -> export -> import (quarantine) -> trust -> CSV/JSON give back
# every answer -> import again (no duplicates) -> receipt -> import-receipt ->
# purge; plus tampering, revocation, withdrawal and export failures.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1
DB2=$(t_store hub2) || exit 1
FORM="$TOP/forms/partnership.yaml"
N=100

# tricky pieces: quotes, commas, emoji, RTL, combining mark, newline
COMBINING=$(printf 'e\314\201')         # e + U+0301
story_json() {  # the story string as it appears inside JSON (and the export)
	printf 'Story %s: \\"quoted\\", commas, ☕🎉, مرحبا بالعالم, %s — line one\\nline two, end of story %s.' "$1" "$COMBINING" "$1"
}
title_json() {
	printf 'Title %s, \\"q\\" ☕' "$1"
}
tier() {
	case $(($1 % 3)) in 0) echo analysis ;; 1) echo quotes ;; 2) echo public ;; esac
}

check_ok "hub key" t_hubkey hub
check_ok "init" "$KIOSK" init --data kiosk --hub-key hub/hub.pub --name "Stall «Kisumu» ☕"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
check "init gave a kiosk id" test "${#KID}" -eq 16

mkdir -p answers
i=1
fails=0
while [ $i -le $N ]; do
	printf '{"lang":"en","consent":"%s","prompt":"worked","answers":{"story":"%s","title":"%s","drivers":[0.5,0.25,0.25],"equal":%s,"listened":50,"trust":0,"obstacles":["funding","power"],"role":"other","role_other":"Scribe %s","age":null}}\n' \
	    "$(tier $i)" "$(story_json $i)" "$(title_json $i)" $((i % 101)) $i >answers/$i.json
	"$KIOSK" add --data kiosk --form "$FORM" answers/$i.json >>add.log 2>&1 || fails=$((fails + 1))
	i=$((i + 1))
done
check "add $N stories with tricky UTF-8" test $fails -eq 0

mkdir usb
check_ok "export" "$KIOSK" export --data kiosk --to usb
BUNDLE=usb/storykiosk-$KID-000001.skb
check "the bundle is named by kiosk and sequence" test -f "$BUNDLE"
check "export reports what it wrote" grep -q "$N stories" "$T_DIR/out"
check_ok "export again" "$KIOSK" export --data kiosk --to usb
check "... has nothing new to export" grep -q "nothing to export" "$T_DIR/out"
check_fail "export to a missing directory fails" "$KIOSK" export --data kiosk --to nowhere/at/all

cp "$BUNDLE" tampered.skb
flip_byte tampered.skb 400
check "the tampered copy differs" sh -c '! cmp -s tampered.skb "$0"' "$BUNDLE"
head -c 300 "$BUNDLE" >truncated.skb

check_fail "a tampered bundle is rejected" "$HUB" import --store "$DB" --key hub/hub.key \
    tampered.skb truncated.skb "$BUNDLE"
check "... for its bad signature" grep -q "tampered.skb: rejected: bad signature" "$T_DIR/out"
check "... and a truncated one as truncated" grep -q "truncated.skb: rejected: truncated" "$T_DIR/out"
check "unknown kiosk: the good bundle is quarantined" \
    grep -q "^0 new, 0 duplicate, $N quarantined, 2 rejected: " "$T_DIR/out"
check "... saying how to trust it" grep -q "kiosks --store DB --key hub.key trust $KID" "$T_DIR/out"

check_ok "kiosks lists it" "$HUB" kiosks --store "$DB"
check "... as unknown with a bundle in quarantine" \
    grep -Eq "^$KID +unknown +0 +1 .*Stall «Kisumu» ☕" "$T_DIR/out"
check_fail "trust with a bad id" "$HUB" kiosks --store "$DB" trust nothex
check_ok "trust imports the quarantined bundle" \
    "$HUB" kiosks --store "$DB" --key hub/hub.key trust "$KID"
check "... all $N stories" grep -q "$N new, 0 duplicate" "$T_DIR/out"

check_ok "import again" "$HUB" import --store "$DB" --key hub/hub.key "$BUNDLE"
check "... adds nothing" grep -q "^0 new, $N duplicate, 0 quarantined, 0 rejected$" "$T_DIR/out"
check "... and writes a receipt" test -s "$BUNDLE.receipt"

check_ok "export CSV" "$HUB" export --store "$DB" --format csv --out all.csv
check_ok "export JSON" "$HUB" export --store "$DB" --format json --out all.json
check "CSV has a header and a row per story" \
    test "$(grep -c "^[0-9a-f]\{32\},[0-9A-Z]\{3\}-" all.csv)" -eq $N
check "CSV header has the triad columns" \
    grep -q "drivers_1,drivers_2,drivers_3,drivers_x,drivers_y" all.csv
check "CSV lines end in CRLF" grep -q "$(printf '\r')\$" all.csv
check_ok "export with a codebook from the form" "$HUB" export --store "$DB" --format csv \
    --form-file "$FORM" --consent quotes --codebook codebook.csv --out quotes.csv
check "the codebook names the scale poles" grep -q "^equal,equal,scale,.*,0 = Equal; 100 = Unequal" codebook.csv
check "the codebook names the triad corners" grep -q "^drivers_3,drivers,triad,.*Who held the power" codebook.csv
check "--consent quotes keeps quotes and public" \
    test "$(grep -c "^[0-9a-f]\{32\}," quotes.csv)" -eq $((N - N / 3))
check_fail "--codebook without a form" "$HUB" export --store "$DB" --format csv --codebook x.csv
missing=0
i=1
while [ $i -le $N ]; do
	grep -qF "\"story\":\"$(story_json $i)\"" all.json || missing=$((missing + 1))
	grep -qF "\"title\":\"$(title_json $i)\"" all.json || missing=$((missing + 1))
	grep -qF "\"Title $i, \"\"q\"\" ☕\"" all.csv || missing=$((missing + 1))
	grep -qF "line two, end of story $i.\"" all.csv || missing=$((missing + 1))
	i=$((i + 1))
done
check "CSV and JSON give back every tricky answer byte for byte" test $missing -eq 0
check "JSON keeps arrays and numbers" grep -qF '"obstacles":["funding","power"]' all.json

check_ok "export --consent public" "$HUB" export --store "$DB" --format json --consent public
check "... only public stories" test "$(grep -c '"consent":"public"' "$T_DIR/out")" -eq $((N / 3)) -a \
    "$(grep -c '"consent":"quotes"' "$T_DIR/out")" -eq 0
check_fail "export --consent with an unknown tier" \
    "$HUB" export --store "$DB" --format csv --consent everyone

check_ok "search" "$HUB" search --store "$DB" --limit 1000 "mrhba OR بالعالم"
check "... finds the stories" grep -q "^$N stories found" "$T_DIR/out"
CODE=$(sed -n 's/^stored story \([^ ]*\) .*/\1/p' add.log | head -1)
check_ok "withdraw" "$HUB" withdraw --store "$DB" "$CODE"
check_ok "export after withdrawal" "$HUB" export --store "$DB" --format json
check "... leaves the story out" test "$(grep -c '"story_id"' "$T_DIR/out")" -eq $((N - 1))
check "... and its code" sh -c "! grep -q '$CODE' '$T_DIR/out'"
check_fail "withdraw it again" "$HUB" withdraw --store "$DB" "$CODE"
check_fail "withdraw an unknown code" "$HUB" withdraw --store "$DB" "ZZZ-ZZZ"

mkdir usb3
check_ok "export --all (a lost stick)" "$KIOSK" export --data kiosk --to usb3 --all
B2=$(ls usb3/*.skb)
check_ok "import the overlapping bundle" "$HUB" import --store "$DB" --key hub/hub.key "$B2"
check "... adds nothing" grep -q "^0 new, $N duplicate, 0 quarantined, 0 rejected$" "$T_DIR/out"
"$HUB" import --store "$DB2" --key hub/hub.key "$B2" "$BUNDLE" >"$T_DIR/out" 2>&1
check "both bundles in reverse order into a new store: quarantined" \
    grep -q "^0 new, 0 duplicate, $((2 * N)) quarantined, 0 rejected$" "$T_DIR/out"
check_ok "trust there" "$HUB" kiosks --store "$DB2" --key hub/hub.key trust "$KID"
check "... imports each story once" grep -q "$N new, $N duplicate" "$T_DIR/out"

cp "$BUNDLE.receipt" bad.receipt
flip_byte bad.receipt 100
check_fail "a tampered receipt is refused" "$KIOSK" import-receipt --data kiosk bad.receipt
check_ok "purge before any receipt" "$KIOSK" purge --data kiosk
check "... purges nothing" grep -q "purged 0" "$T_DIR/out"
check_ok "import-receipt" "$KIOSK" import-receipt --data kiosk "$BUNDLE.receipt"
check "... acknowledges every story" grep -q "$N stories acknowledged" "$T_DIR/out"
"$KIOSK" add --data kiosk --form "$FORM" answers/1.json >/dev/null 2>&1
check_ok "purge" "$KIOSK" purge --data kiosk
check "... removes exactly the acknowledged stories" grep -q "purged $N acknowledged" "$T_DIR/out"
mkdir usb2
check_ok "export --all after purge" "$KIOSK" export --data kiosk --to usb2 --all
check "... holds only the story added since" grep -q "wrote .*: 1 story" "$T_DIR/out"

check_ok "revoke" "$HUB" kiosks --store "$DB" revoke "$KID"
check_fail "a revoked kiosk's bundle is refused" \
    "$HUB" import --store "$DB" --key hub/hub.key usb2/*.skb
check "... saying so" grep -q "is revoked" "$T_DIR/out"

for c in keygen import export kiosks search withdraw; do
	"$HUB" "$c" --help >"$T_DIR/out" 2>&1
	check "storyhub $c --help explains itself" grep -q "usage: storyhub $c" "$T_DIR/out"
done

t_done
