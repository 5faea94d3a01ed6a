# Quarantine has quotas: bundles from unknown kiosks (USB) wait up to a
# quota per kiosk and one in all, and a bundle past either is refused with
# a message saying what to do, nothing stored; a bundle already waiting
# takes no more room. 'storyhub kiosks reject ID' (with --key) deletes a
# kiosk's quarantined bundles and says how many, and so does 'revoke ID
# --reject'; after that the room is there again, and trusting a kiosk
# imports what still waits.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1

check_ok "hub key" t_hubkey hub
mkdir s1 s2 s3
# three bundles of 2 stories from u1, one each from u2 and u3
for k in u1 u2 u3; do
	"$KIOSK" init --data $k --hub-key hub/hub.pub --name "$k" >/dev/null
done
n=1
for b in 1 2 3; do
	add_stories u1 $n $((n + 1))
	mkdir u1.$b
	"$KIOSK" export --data u1 --to u1.$b >/dev/null
	n=$((n + 2))
done
add_stories u2 1 2
"$KIOSK" export --data u2 --to s2 >/dev/null
add_stories u3 1 2
"$KIOSK" export --data u3 --to s3 >/dev/null
B1=$(ls u1.1/*.skb) B2=$(ls u1.2/*.skb) B3=$(ls u1.3/*.skb) C=$(ls s2/*.skb) D=$(ls s3/*.skb)
S=$(wc -c <"$B3")
check "five bundles of about the same size ($S bytes)" test "$S" -gt 1000
U1=$(kiosk_id u1) U2=$(kiosk_id u2) U3=$(kiosk_id u3)
Q="--quarantine-per-kiosk $((2 * S + S / 2)) --quarantine-total $((3 * S + S / 2))"
imp() { "$HUB" import --store "$DB" --key hub/hub.key $Q "$@"; }

check_ok "u1's first two bundles wait in quarantine" imp "$B1" "$B2"
check "... 4 quarantined" grep -q "0 new, 0 duplicate, 4 quarantined, 0 rejected" "$T_DIR/out"
check_fail "u1's third is past its kiosk's quota" imp "$B3"
check "... and says what to do" grep -q "quarantine full for unknown kiosk $U1: 2 bundles (.* MiB) wait already and the quota is .* per kiosk; trust it ('storyhub kiosks --store DB --key hub.key trust $U1') or reject them" "$T_DIR/out"
check_ok "a bundle already waiting takes no more room" imp "$B1"
check_ok "u2's bundle fits in all" imp "$C"
check_fail "u3's is past the quota in all" imp "$D"
check "... saying so" grep -q "quarantine full: 3 bundles (.* MiB) from unknown kiosks wait and the quota is .* in all" "$T_DIR/out"
check_ok "list" "$HUB" kiosks --store "$DB"
check "... u1 has 2 waiting, u2 1, u3 none (never stored)" sh -c "grep -q '^$U1  unknown .* 2 ' '$T_DIR/out' && grep -q '^$U2  unknown .* 1 ' '$T_DIR/out' && ! grep -q '^$U3' '$T_DIR/out'"
check_fail "bad quota sizes are refused" "$HUB" import --store "$DB" --key hub/hub.key --quarantine-total 12X "$D"
check_fail "... zero too" "$HUB" import --store "$DB" --key hub/hub.key --quarantine-per-kiosk 0 "$D"

check_fail "reject without --key is refused" "$HUB" kiosks --store "$DB" reject "$U1"
check "... saying why" grep -q "needs --key hub.key" "$T_DIR/out"
check_ok "reject u1" "$HUB" kiosks --store "$DB" --key hub/hub.key reject "$U1"
check "... says how many" grep -q "^kiosk $U1: 2 quarantined bundles deleted$" "$T_DIR/out"
check "... they are gone" sh -c "'$HUB' kiosks --store '$DB' | grep -q '^$U1  unknown .* 0 '"
check "... and nothing of them remains in the store" \
    test "$(t_store_sql "$DB" "SELECT count(*) FROM quarantine WHERE kiosk = '$U1'")" = 0
check_ok "now u1's third fits" imp "$B3"
check_ok "and u3's" imp "$D"
check_fail "reject an unknown id" "$HUB" kiosks --store "$DB" --key hub/hub.key reject 0123456789abcdef
check "... saying so" grep -q "no kiosk 0123456789abcdef has sent a bundle here" "$T_DIR/out"

check_ok "revoke u2 --reject" "$HUB" kiosks --store "$DB" --key hub/hub.key revoke "$U2" --reject
check "... revoked, and its bundle deleted" sh -c "grep -q 'kiosk $U2 revoked' '$T_DIR/out' && grep -q '^kiosk $U2: 1 quarantined bundle deleted$' '$T_DIR/out'"
check_fail "revoke --reject without --key is refused" "$HUB" kiosks --store "$DB" revoke "$U3" --reject
check_ok "revoke u3 (without --reject)" "$HUB" kiosks --store "$DB" revoke "$U3"
check "... says a bundle of it waits and how to delete it" grep -q "1 bundle of it waits in quarantine: add --reject (or run 'reject $U3')" "$T_DIR/out"
check_ok "trust u1: what waits is imported" "$HUB" kiosks --store "$DB" --key hub/hub.key trust "$U1"
check "... its third bundle's 2 stories" grep -q "2 new, 0 duplicate" "$T_DIR/out"
check_ok "its first two, imported again from the stick" "$HUB" import --store "$DB" --key hub/hub.key "$B1" "$B2"
check "... 4 more" grep -q "4 new, 0 duplicate, 0 quarantined, 0 rejected" "$T_DIR/out"
check "the hub holds u1's 6 stories" test "$(hub_count "$DB")" = 6
t_done
