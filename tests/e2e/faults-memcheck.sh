# valgrind memcheck on the end-to-end journey (docs/security.md,
# "Sanitizers and memcheck"): init, add, status --check, export, hub import,
# JSON/CSV export, search, import-receipt and purge each run under
#   valgrind --error-exitcode=99 --leak-check=full
# and must exit 0 (no invalid read/write, no use of uninitialised memory, no
# definite or possible leak). Plain builds only: under ASan the binaries
# cannot run under valgrind (skipped with a comment). One slow Argon2id per
# hub command with the key, so the hub side runs valgrind on one import.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
FORM="$TOP/forms/partnership.yaml"

if ldd "$KIOSK" 2>/dev/null | grep -q libasan; then
	t_skip_all "valgrind memcheck: sanitizer build (ASan and valgrind do not mix)"
fi
if ! command -v valgrind >/dev/null; then
	t_skip_all "valgrind memcheck: valgrind is not installed"
fi
VG="valgrind -q --error-exitcode=99 --leak-check=full --log-file=$T_DIR/vg.%p.log"
# Like check_ok, but prints valgrind's report on failure.
vg_ok() {
	desc=$1
	shift
	rm -f "$T_DIR"/vg.*.log
	$VG "$@" >"$T_DIR/out" 2>&1
	rc=$?
	cat "$T_DIR"/vg.*.log >>"$T_DIR/out" 2>/dev/null
	[ "$rc" -eq 99 ] && echo "# valgrind found errors in: $*" >>"$T_DIR/out"
	t_report "$rc" "memcheck: $desc"
}

answers() {
	printf '{"lang":"fr","consent":"quotes","prompt":"worked","answers":{"story":"Memcheck %s : la mairie et l’association ont partagé le budget ; ça a marché. ☕ e\314\201","title":"T %s","drivers":[0.2,0.3,0.5],"equal":10,"listened":90,"trust":50,"obstacles":["funding","power"],"role":"other","role_other":"Scribe","age":41}}\n' "$1" "$1"
}

check_ok "hub key" t_hubkey hub
vg_ok "storykiosk init" "$KIOSK" init --data kiosk --hub-key hub/hub.pub --name "Memcheck ☕"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
answers 1 >a1.json
answers 2 >a2.json
vg_ok "storykiosk add" "$KIOSK" add --data kiosk --form "$FORM" a1.json
printf '{"lang":' >bad.json
rm -f "$T_DIR"/vg.*.log
$VG "$KIOSK" add --data kiosk --form "$FORM" bad.json >"$T_DIR/out" 2>&1
rc=$?
cat "$T_DIR"/vg.*.log >>"$T_DIR/out" 2>/dev/null
check "memcheck: storykiosk add refusing bad JSON (exit 1, not 99)" test "$rc" -eq 1
vg_ok "storykiosk check-form" "$KIOSK" check-form "$FORM"
mkdir usb usb2
vg_ok "storykiosk export" "$KIOSK" export --data kiosk --to usb
"$HUB" import --store hub.db --key hub/hub.key usb/*.skb >/dev/null 2>&1
check_ok "trust" "$HUB" kiosks --store hub.db --key hub/hub.key trust "$KID"
"$KIOSK" add --data kiosk --form "$FORM" a2.json >/dev/null 2>&1
"$KIOSK" export --data kiosk --to usb2 >/dev/null 2>&1
B2=$(ls usb2/*.skb)
vg_ok "storyhub import" "$HUB" import --store hub.db --key hub/hub.key "$B2"
check "... imported it" grep -q "^1 new" "$T_DIR/out"
vg_ok "storyhub export json" "$HUB" export --store hub.db --format json --out all.json
vg_ok "storyhub export csv" "$HUB" export --store hub.db --format csv --out all.csv
vg_ok "storyhub search" "$HUB" search --store hub.db "mairie"
vg_ok "storyhub kiosks" "$HUB" kiosks --store hub.db
vg_ok "storykiosk import-receipt" "$KIOSK" import-receipt --data kiosk "$B2.receipt"
vg_ok "storykiosk purge" "$KIOSK" purge --data kiosk
vg_ok "storykiosk status --check" "$KIOSK" status --data kiosk --check

t_done
