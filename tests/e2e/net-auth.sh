# Only enrolled kiosks write anything over HTTP. 20 kiosks with keys the hub
# has never bound push bundles: 401 each, the body never read, no kiosk row,
# no story, the quarantine (a USB bundle waits there) as it was. A request
# sent again with its header (a replay) is refused, and so are a signature
# over other values, a keyid that is not the signer's, a wrong tag, a nonce
# this hub did not issue, a revoked kiosk (403) and an enrolled kiosk
# sending another kiosk's bundle. Tokens: unknown, expired, or used by
# another kiosk are refused (403) and dropped by the kiosk; a kiosk whose
# bundles wait in quarantine (USB) has them imported when it enrols.
# 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1
F=20

check_ok "hub key" t_hubkey hub
check_ok "init the enrolled kiosk" "$KIOSK" init --data ke --hub-key hub/hub.pub --name enrolled
check "add 3 stories" add_stories ke 1 3
check_ok "init a kiosk that goes by USB only" "$KIOSK" init --data ku --hub-key hub/hub.pub --name usb
check "add 2 stories" add_stories ku 1 2
mkdir stick
check_ok "... export to a stick" "$KIOSK" export --data ku --to stick
UB=$(ls stick/*.skb)
check_ok "the hub quarantines the USB bundle" "$HUB" import --store "$DB" --key hub/hub.key "$UB"
check "serve" start_server "$DB" hub/hub.key
check "enrol" enrol ke "$DB"
check_ok "the enrolled kiosk pushes" "$KIOSK" push --data ke --url "$URL"
check "... acknowledged" grep -q "the hub acknowledged 3" "$T_DIR/out"

# A picture of what the hub holds, to compare after each attack.
snapshot() {
	{
		"$HUB" kiosks --store "$DB" | cut -c1-50
		"$HUB" export --store "$DB" --format csv | cut -d, -f1
	} >"$1"
}
snapshot before
check "... the hub holds 3 stories, 1 bundle in quarantine" \
    sh -c "test \"\$('$HUB' export --store '$DB' --format json | jq length)\" = 3 && grep -q ' unknown .* 1 ' before"

# F kiosks the hub has never bound push at once.
forged() {
	"$KIOSK" init --data kf$1 --hub-key hub/hub.pub --name "forged $1" >/dev/null &&
	    add_stories kf$1 1 1
}
i=1
bad=0
while [ $i -le $F ]; do
	forged $i &
	a=$!
	forged $((i + 1)) || bad=$((bad + 1))
	wait $a || bad=$((bad + 1))
	i=$((i + 2))
done
check "$F kiosks with keys the hub does not know" test $bad -eq 0
lines0=$(grep -c "POST /v1/bundles 401 0 " "$SRV_LOG")
i=1
pids=
while [ $i -le $F ]; do
	"$KIOSK" push --data kf$i --url "$URL" >forged.$i.out 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
refused=0
for p in $pids; do
	wait "$p" || refused=$((refused + 1))
done
check "... every push refused ($refused of $F)" test $refused -eq $F
check "... each with 401: not enrolled" test "$(grep -l 'HTTP 401): kiosk [0-9a-f]* is not enrolled' forged.*.out | wc -l)" = $F
check "... each refused before its body was read (log: 401, 0 bytes)" \
    test "$(($(grep -c "POST /v1/bundles 401 0 " "$SRV_LOG") - lines0))" = $F
snapshot after
check "... no kiosk row, no story, the quarantine as it was" cmp -s before after
h=$(sign_headers "$URL" new "$UB" application/octet-stream)
code=$(curl -s -o body -w '%{http_code}' --max-time 10 -H "@$h" --data-binary "@$UB" "$URL/v1/bundles")
check "a USB bundle of an unknown kiosk sent with a forged key: 401 ($code)" test "$code" = 401
snapshot after
check "... nothing written" cmp -s before after

# Replays and tampering, with the enrolled kiosk's key.
"$KIOSK" export --data ke --all --to stick >/dev/null
EB=$(ls -t stick/*.skb | head -1)
h=$(sign_headers "$URL" ke "$EB" application/octet-stream)
code=$(curl -s -o body -w '%{http_code}' --max-time 10 -H "@$h" --data-binary "@$EB" "$URL/v1/bundles")
check "a signed request: 200 ($code)" test "$code" = 200
code=$(curl -s -o body -w '%{http_code}' --max-time 10 -H "@$h" --data-binary "@$EB" "$URL/v1/bundles")
check "the same request again (a replay): 401 ($code)" test "$code" = 401
check "... as a replay" grep -q "nonce was used already: a replayed request" body
h=$(sign_headers "$URL" ke "$EB" application/octet-stream)
sed 's/^Signature-Input: kiosk=("@method" "@path"/Signature-Input: kiosk=("@path" "@method"/' "$h" >h.swapped
code=$(curl -s -o body -w '%{http_code}' --max-time 10 -H "@h.swapped" --data-binary "@$EB" "$URL/v1/bundles")
check "Signature-Input changed after signing: 401 ($code)" test "$code" = 401
check "... the signature does not verify" grep -q "does not verify" body
EK=$(kiosk_id ke)
UK=$(kiosk_id ku)
h=$(sign_headers "$URL" new "$EB" application/octet-stream --keyid "$EK")
code=$(curl -s -o body -w '%{http_code}' --max-time 10 -H "@$h" --data-binary "@$EB" "$URL/v1/bundles")
check "another key claiming the enrolled kiosk's id: 401 ($code)" test "$code" = 401
check "... does not verify" grep -q "does not verify" body
h=$(sign_headers "$URL" ku "$UB" application/octet-stream)
code=$(curl -s -o body -w '%{http_code}' --max-time 10 -H "@$h" --data-binary "@$UB" "$URL/v1/bundles")
check "the USB kiosk's own key (known, not enrolled): 401 ($code)" test "$code" = 401
h=$(sign_headers "$URL" ke "$EB" application/octet-stream --tag other)
code=$(curl -s -o body -w '%{http_code}' --max-time 10 -H "@$h" --data-binary "@$EB" "$URL/v1/bundles")
check "a signature for another application (tag): 401 ($code)" test "$code" = 401
"$SIGNREQ" --data ke --nonce "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" --body "$EB" \
    --type application/octet-stream >h.nonce
code=$(curl -s -o body -w '%{http_code}' --max-time 10 -H "@h.nonce" --data-binary "@$EB" "$URL/v1/bundles")
check "a nonce this hub did not issue: 401 ($code)" test "$code" = 401
check "... saying so" grep -q "not issued by this hub" body
h=$(sign_headers "$URL" ke "$UB" application/octet-stream)
code=$(curl -s -o body -w '%{http_code}' --max-time 10 -H "@$h" --data-binary "@$UB" "$URL/v1/bundles")
check "the enrolled kiosk sending the USB kiosk's bundle: 422 ($code)" test "$code" = 422
check "... signed by another kiosk" grep -q "signed by kiosk $UK, not by kiosk $EK" body
snapshot after
check "... nothing written" cmp -s before after

# Tokens.
three() {
	for k in kt1 kt2 kt3; do
		"$KIOSK" init --data $k --hub-key hub/hub.pub >/dev/null && add_stories $k 1 1 || return 1
	done
}
check "three more kiosks, a story each" three
ODB=$(t_store other) || exit 1
check_ok "a store that is not this hub's" "$HUB" import --store "$ODB" --key hub/hub.key "$UB"
OTHER=$("$HUB" kiosks --store "$ODB" enroll | tail -1)
check_ok "a token from another hub store" "$KIOSK" enroll --data kt1 "$OTHER"
check_fail "... is refused" "$KIOSK" push --data kt1 --url "$URL"
check "... as unknown (403)" grep -q "HTTP 403): unknown enrolment token" "$T_DIR/out"
check "... and dropped" sh -c '"$1" status --data kt1 | grep -q "enrolment: *not enrolled"' sh "$KIOSK"
SOON=$("$HUB" kiosks --store "$DB" enroll --expires 30m | tail -1)
# all the store holds (the kiosk's id shows it is read), but not the token
no_token() {
	t_store_bytes "$DB" >store.bytes && grep -aq "$(kiosk_id ke)" store.bytes &&
	    ! grep -aq "$SOON" store.bytes
}
check "the hub keeps tokens by hash only" no_token
t_store_sql "$DB" "UPDATE enrolments SET expires = 1000 WHERE used = 0" >/dev/null
check_ok "a token past its expiry" "$KIOSK" enroll --data kt2 "$SOON"
check_fail "... is refused" "$KIOSK" push --data kt2 --url "$URL"
check "... as expired (403)" grep -q "HTTP 403): this enrolment token expired on 1970-01-01" "$T_DIR/out"
check_fail "a bad --expires is refused" "$HUB" kiosks --store "$DB" enroll --expires 3y
check_fail "so is --expires past a year" "$HUB" kiosks --store "$DB" enroll --expires 400d

# The USB kiosk enrols: what it left in quarantine is imported then.
before_n=$(hub_count "$DB")
check "enrol the USB kiosk" enrol ku "$DB"
check_ok "... its push" "$KIOSK" push --data ku --url "$URL"
check "... enrolment imported its quarantined bundle" grep -q "kiosk $UK enrolled: its key is bound; 1 quarantined bundle(s) imported" "$T_DIR/out"
check "... the hub holds its 2 stories once more" test "$(hub_count "$DB")" = $((before_n + 2))
check "... nothing of it waits in quarantine" sh -c "'$HUB' kiosks --store '$DB' | grep -q '^$UK  trusted *2 *0 '"
check "... its stories acknowledged" test "$(unacked ku)" = 0

# Revocation: 403 for a kiosk that was enrolled.
check "enrol the third" enrol kt3 "$DB"
check_ok "... it pushes" "$KIOSK" push --data kt3 --url "$URL"
check_ok "revoke it" "$HUB" kiosks --store "$DB" revoke "$(kiosk_id kt3)"
check "add a story" add_stories kt3 2 2
check_fail "a revoked kiosk's push" "$KIOSK" push --data kt3 --url "$URL"
check "... is refused with 403" grep -q "HTTP 403): kiosk $(kiosk_id kt3) is revoked" "$T_DIR/out"
check "... its story kept" test "$(unacked kt3)" = 1
check "health still ok" health "$URL"
check "stop" stop_server
t_done
