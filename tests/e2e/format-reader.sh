# The format documents are enough to implement the formats: an independent
# reader written from docs/bundle-format.md alone (tests/tools/skread.py,
# Python's standard library and PyNaCl) agrees with storyhub on every
# committed vector, opens the sealed-story vector step by step, and reads
# the key files, bundles and receipts the programs make here.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
PY=/usr/bin/python3
SKREAD="$TOP/tests/tools/skread.py"
V="$TOP/tests/vectors/bundle"
S="$TOP/tests/vectors/seal"
FORM="$TOP/forms/partnership.yaml"
[ -x "$PY" ] && "$PY" -c 'import nacl.bindings' 2>/dev/null ||
	t_skip_all "no python3-nacl for /usr/bin/python3 (packaging/install-deps installs it)"
sk() { "$PY" "$SKREAD" "$@"; }
export VP="vector passphrase"

# --- every vector, as storyhub reads it --------------------------------------
n=0 same=0
while IFS="$(printf '\t')" read -r f level want; do
	case $f in '#'* | '') continue ;; esac
	case $level in
	bundle) got=$(sk bundle "$V/$f" --hub-pub "$V/hub.pub") ;;
	trusted) got=$(sk bundle "$V/$f" --hub-key "$V/hub.key" --passphrase-env VP) ;;
	*) continue ;;
	esac
	n=$((n + 1))
	case $got in
	"$want"*) same=$((same + 1)) ;;
	*) echo "# $f: expected.txt says '$want', the reader '$got'" ;;
	esac
done <"$V/expected.txt"
check "the reader agrees with expected.txt on all $n bundle and trusted vectors" \
    test "$same" -eq "$n" -a "$n" -ge 19

# --- the sealed story, step by step --------------------------------------------
check_ok "hub.key opens with its passphrase (Argon2id, XSalsa20-Poly1305)" \
    sk key "$V/hub.key" --passphrase-env VP
check "... to the X25519 secret key of seal/hub-box-secret.hex" \
    test "$(awk '{ print $NF }' "$T_DIR/out")" = "$(cat "$S/hub-box-secret.hex")"
check_ok "hub.pub: its id is the BLAKE2b-128 one of the keys" sk key "$V/hub.pub"
sk seal "$S/story.sealed" --story-id "$(cat "$S/story-id.hex")" \
    --box-secret "$(cat "$S/hub-box-secret.hex")" >story.json 2>story.key
check "the sealed story opens to story.json, byte for byte" cmp -s story.json "$S/story.json"
check "... through the story key of story-key.hex" \
    test "$(sed -n 's/^story key //p' story.key)" = "$(cat "$S/story-key.hex")"
sk seal "$S/story.sealed" --story-id "$(sed 's/^../ff/' "$S/story-id.hex")" \
    --box-secret "$(cat "$S/hub-box-secret.hex")" >other.out 2>&1
check "... and not as another story (the id is associated data)" \
    grep -q "belongs to another story id" other.out

# --- what the programs make here ---------------------------------------------
check_ok "hub key" t_hubkey hub
check_ok "kiosk" "$KIOSK" init --data k --hub-key hub/hub.pub --name "Kiosk «R»"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
check_ok "the kiosk's kiosk.key is read" sk key k/kiosk.key
check "... its id is the one storykiosk shows ($KID)" \
    test "$(awk '{ print $2 }' "$T_DIR/out")" = "$KID"
check_ok "the hub's hub.pub" sk key hub/hub.pub
HID=$(awk '{ print $2 }' "$T_DIR/out")
export SP="$STORYHUB_PASSPHRASE"
check_ok "the hub's hub.key opens to the same key" sk key hub/hub.key --passphrase-env SP
check "... id $HID" test "$(awk '{ print $2 }' "$T_DIR/out")" = "$HID"
for i in 1 2 3; do
	printf '{"lang":"fr","consent":"quotes","prompt":"worked","answers":{"story":"Récit %s : le comité et la clinique ont partagé le budget, «ensemble».","drivers":[0.5,0.25,0.25],"equal":40,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' $i >a$i.json
	"$KIOSK" add --data k --form "$FORM" a$i.json >/dev/null 2>&1
done
mkdir usb
check_ok "export" "$KIOSK" export --data k --to usb
B=$(ls usb/*.skb)
check_ok "the reader verifies the bundle" sk bundle "$B" --hub-pub hub/hub.pub
check "... 3 stories from kiosk $KID" grep -q "^ok 3 kiosk $KID seq 1 " "$T_DIR/out"
check_ok "... and opens every story with hub.key" \
    sk stories "$B" --hub-key hub/hub.key --passphrase-env SP
check "... payloads as the spec lists them" sh -c \
    "test \$(grep -c '\"source\": \"paper\"' '$T_DIR/out') -eq 3 &&
     test \$(grep -c '\"status\": \"submitted\"' '$T_DIR/out') -eq 3 &&
     grep -q 'Récit 2 : le comité' '$T_DIR/out' && grep -q '\"kiosk\": \"$KID\"' '$T_DIR/out'"
check_ok "storyhub import (kiosk in quarantine)" "$HUB" import --store hub.db --key hub/hub.key "$B"
check_ok "trust" "$HUB" kiosks --store hub.db --key hub/hub.key trust "$KID"
check_ok "import again: a receipt" "$HUB" import --store hub.db --key hub/hub.key "$B"
check_ok "the reader verifies the receipt (hub's Ed25519, this kiosk, this bundle)" \
    sk receipt "$B.receipt" --hub-pub hub/hub.pub --kiosk "$KID" --bundle "$B"
ids=$(sk stories "$B" --hub-key hub/hub.key --passphrase-env SP |
	sed 's/.*"story_id": "\([0-9a-f]*\)".*/\1/' | sort | tr '\n' ' ')
check "... listing the bundle's 3 stories" \
    test "$(cut -d' ' -f8- "$T_DIR/out" | tr ' ' '\n' | grep . | sort | tr '\n' ' ')" = "$ids"
cp "$B.receipt" forged.receipt
flip_byte forged.receipt 90
check "a receipt changed by one byte is refused" sh -c \
    "! '$PY' '$SKREAD' receipt forged.receipt --hub-pub hub/hub.pub | grep -q '^ok'"
t_done
