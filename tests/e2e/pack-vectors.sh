#!/bin/sh
# The committed feedback pack vectors (tests/vectors/pack/, the examples of
# docs/pack-format.md): the generator writes exactly them (its keys have
# fixed seeds and Ed25519 is deterministic), and `storykiosk feedback` on a
# kiosk initialised with their hub key gives each the result expected.txt
# names: the valid ones are taken in the order of their sequence numbers,
# every other one is refused with its message and the kiosk's pack left
# as it was.
. "$TOP/tests/e2e/lib.sh"

V=$TOP/tests/vectors/pack
GEN=$TOP/$BUILD/tests/gen-pack-vectors
[ -x "$GEN" ] || t_skip_all "no $GEN (make check builds it)"

check_ok "the generator runs" ${EMU:-} "$GEN" "$T_DIR/gen"
check_ok "it writes the committed vectors byte for byte" diff -r "$V" "$T_DIR/gen"

STORYKIOSK_PIN=2468 "$KIOSK" init --data "$T_DIR/k" --hub-key "$V/hub.pub" >/dev/null 2>&1
pack_sum() { cksum <"$T_DIR/k/feedback.skf" 2>/dev/null; }
n=0
for f in valid-empty.skf older.skf valid.skf hostile.skf; do
	check_ok "$f is taken" "$KIOSK" feedback --data "$T_DIR/k" "$V/$f"
	check "... and kept as it came" cmp -s "$V/$f" "$T_DIR/k/feedback.skf"
done
before=$(pack_sum)
tab=$(printf '\t')
grep -v '^#' "$V/expected.txt" | grep -v "${tab}ok" >"$T_DIR/refusals"
tried=0
while IFS="$tab" read -r f want; do
	"$KIOSK" feedback --data "$T_DIR/k" "$V/$f" >"$T_DIR/out" 2>&1
	rc=$?
	tried=$((tried + 1))
	if [ "$rc" -eq 1 ] && grep -qF "$V/$f: $want" "$T_DIR/out" &&
	    [ "$(pack_sum)" = "$before" ]; then
		ok "$f refused: $want"
	else
		echo "# exit status $rc; wanted \"$want\" and the pack unchanged" >>"$T_DIR/out"
		t_report 1 "$f refused: $want" "$T_DIR/out"
	fi
done <"$T_DIR/refusals"
check "every refusal of expected.txt was tried" test "$tried" -ge 12
check_fail "valid.skf again: older than hostile.skf (8)" \
    "$KIOSK" feedback --data "$T_DIR/k" "$V/valid.skf"
check "... says so" grep -q 'pack 7 is older than pack 8' "$T_DIR/out"
t_done
