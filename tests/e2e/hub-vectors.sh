# The committed bundle vectors through the real storyhub: each bad vector is
# rejected with its expected message and stores nothing; then trust, conflict,
# and withdrawal when two stories share a code.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1
V="$TOP/tests/vectors/bundle"
export STORYHUB_PASSPHRASE="vector passphrase"
cp "$V/hub.key" hub.key
chmod 600 hub.key

files=$(awk -F '\t' '$2 == "bundle" && $3 !~ /^ok/ { print $1 }' "$V/expected.txt")
set --
for f in $files; do set -- "$@" "$V/$f"; done
check_fail "import every bad vector" "$HUB" import --store "$DB" --key hub.key "$@"
cp "$T_DIR/out" bad.out
n=0
for f in $files; do
	want=$(awk -F '\t' -v f="$f" '$1 == f { print $3 }' "$V/expected.txt")
	check "$f: $want" grep -qF "$f: rejected: $want" bad.out
	n=$((n + 1))
done
check "at least 13 failure vectors" test $n -ge 13
check "... and nothing stored" grep -q "^0 new, 0 duplicate, 0 quarantined, $n rejected: " bad.out

check_ok "valid bundles from unknown kiosks are quarantined" \
    "$HUB" import --store "$DB" --key hub.key "$V/valid-a.skb" "$V/unknown-kiosk.skb"
check "... all 5 stories" grep -q "^0 new, 0 duplicate, 5 quarantined, 0 rejected$" "$T_DIR/out"
KA=$(grep "valid-a.skb: bundle from unknown kiosk" "$T_DIR/out" | sed 's/.*unknown kiosk \([0-9a-f]*\).*/\1/')
check_ok "trust kiosk A" "$HUB" kiosks --store "$DB" --key hub.key trust "$KA"
check "... imports its 3 stories" grep -q "3 new" "$T_DIR/out"
check_ok "a story with the same id and other content" \
    "$HUB" import --store "$DB" --key hub.key --no-receipt "$V/conflict-a.skb"
check "... is kept as a conflict" grep -q "1 conflict kept for review" "$T_DIR/out"
check_ok "export" "$HUB" export --store "$DB" --format csv
check "... both versions, flagged" test "$(grep -c ',1,"the same id\|,1,"Hadithi' "$T_DIR/out")" -eq 2
check_fail "withdraw a code two stories share" "$HUB" withdraw --store "$DB" k7p2qx
check "... asks for --id" grep -q "run again with --id" "$T_DIR/out"
SID=$(printf '02%.0s' $(seq 16))
check_ok "withdraw with --id" "$HUB" withdraw --store "$DB" --id "$SID" K7P-2QX
check_ok "kiosks" "$HUB" kiosks --store "$DB"
check "... A trusted with 3 stories, B waiting" sh -c \
    "grep -Eq '^$KA +trusted +3 +0 ' '$T_DIR/out' && grep -Eq ' unknown +0 +1 .*Kiosk B' '$T_DIR/out'"

# Level "trusted": kiosk D's bundles, once D is trusted. A record whose
# status or source is not what its sealed story says rejects the bundle
# whole, with nothing stored.
tfiles=$(awk -F '\t' '$2 == "trusted" { print $1 }' "$V/expected.txt")
first=$(printf '%s\n' $tfiles | head -1)
check_ok "a bundle of kiosk D waits in quarantine" \
    "$HUB" import --store "$DB" --key hub.key --no-receipt "$V/$first"
KD=$(sed -n 's/.*unknown kiosk \([0-9a-f]*\).*/\1/p' "$T_DIR/out")
"$HUB" kiosks --store "$DB" --key hub.key trust "$KD" >trust.out 2>&1
check "trusting kiosk D rejects its held bundle" grep -q "1 rejected: " trust.out
nt=0
for f in $tfiles; do
	want=$(awk -F '\t' -v f="$f" '$1 == f { print $3 }' "$V/expected.txt")
	before=$("$HUB" export --store "$DB" --format json | grep -c '"story_id"')
	case $want in
	ok*)
		check_ok "$f: imported" "$HUB" import --store "$DB" --key hub.key --no-receipt "$V/$f"
		check "... ${want#ok } new" grep -q "^${want#ok } new, " "$T_DIR/out"
		;;
	*)
		check_fail "$f: rejected" "$HUB" import --store "$DB" --key hub.key --no-receipt "$V/$f"
		check "... $want" grep -qF "$f: rejected: $want" "$T_DIR/out"
		check "... nothing stored" test "$("$HUB" export --store "$DB" --format json |
		    grep -c '"story_id"')" -eq "$before"
		nt=$((nt + 1))
		;;
	esac
done
check "at least 2 records relabelled and refused" test $nt -ge 2

t_done
