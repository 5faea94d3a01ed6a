# Network sync, the straight path and bad requests: a kiosk that is not
# enrolled is refused (401) and nothing is written; enrol with a one-time
# token -> push -> receipt -> acknowledged -> purge; the token works once;
# the same bundle twice (one after the other and at once); garbage,
# truncated, oversized, wrong-content-type, wrong-digest, unsigned,
# wrong-method and silent requests get a 4xx or are dropped while
# /v1/health keeps answering; one log line per request; SIGTERM stops the
# server cleanly. 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1

check_ok "hub key" t_hubkey hub
check_ok "init a kiosk" "$KIOSK" init --data k1 --hub-key hub/hub.pub --name "Stall 1"
check "... which says how to enrol it" grep -q "storykiosk enroll --data k1 TOKEN" "$T_DIR/out"
KID=$(kiosk_id k1)
check "add 5 stories" add_stories k1 1 5
check "serve starts on a free port" start_server "$DB" hub/hub.key --max-bytes 200000 --timeout 3
check "health answers ok" health "$URL"

check_fail "push from a kiosk that is not enrolled is refused" "$KIOSK" push --data k1 --url "$URL"
check "... with 401 and how to enrol" grep -q "HTTP 401): kiosk $KID is not enrolled with this hub" "$T_DIR/out"
check "... nothing acknowledged" test "$(unacked k1)" = 5
check_ok "the hub knows no kiosk" "$HUB" kiosks --store "$DB"
check "... none at all (nothing quarantined either)" grep -q "no kiosk has sent a bundle yet" "$T_DIR/out"
check "... its log shows the 401, body not read" grep -q "POST /v1/bundles 401 0 " "$SRV_LOG"
check_ok "the coordinator makes a token" "$HUB" kiosks --store "$DB" enroll --name "Stall 1" --expires 2d
TOKEN=$(tail -1 "$T_DIR/out")
check "... the last line is the token alone" sh -c "echo '$TOKEN' | grep -Eqx '[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}'"
# the typo: its last character changed (to 2, or to 3 if it is a 2: a random
# token ends in 2 one time in 32, and then "${TOKEN%?}2" was no typo at all)
TYPO=2
[ "${TOKEN#??????????????????}" != 2 ] || TYPO=3
check_fail "a token with a typo is refused at the kiosk" "$KIOSK" enroll --data k1 "${TOKEN%?}$TYPO"
check_ok "the kiosk keeps the token (any case, spaces)" "$KIOSK" enroll --data k1 "$(echo "$TOKEN" | tr 'A-Z-' 'a-z ')"
check "... status says the next push enrols it" sh -c '"$1" status --data k1 | grep -q "enrolment: *token kept"' sh "$KIOSK"

check_ok "push enrols, then delivers" "$KIOSK" push --data k1 --url "$URL/"
check "... enrolled" grep -q "enrolled with the hub: kiosk $KID enrolled" "$T_DIR/out"
check "... the hub acknowledged every story" grep -q "pushed 5 stories in bundle [0-9]*; the hub acknowledged 5" "$T_DIR/out"
check "... nothing left unacknowledged" test "$(unacked k1)" = 0
check "status shows when the last push succeeded" \
    sh -c '"$1" status --data k1 | grep -Eq "^last push: +[0-9]{4}-[0-9]{2}-[0-9]{2}T"' sh "$KIOSK"
check "... and that the kiosk is enrolled" sh -c '"$1" status --data k1 | grep -q "enrolment: *enrolled with the hub on"' sh "$KIOSK"
check "... hub holds 5" test "$(hub_count "$DB")" = 5
check "the hub lists the kiosk trusted" sh -c '"$1" kiosks --store "$3" | grep -q "^$2  trusted *5 "' sh "$HUB" "$KID" "$DB"
check_ok "init a second kiosk with the same token" "$KIOSK" init --data k2 --hub-key hub/hub.pub --enroll "$TOKEN"
check "add 1 story" add_stories k2 1 1
check_fail "... its push is refused: the token was used" "$KIOSK" push --data k2 --url "$URL"
check "... by the first kiosk (403)" grep -q "HTTP 403): this enrolment token was used already, by kiosk $KID" "$T_DIR/out"
check "... and the kiosk drops the token" sh -c '"$1" status --data k2 | grep -q "enrolment: *not enrolled"' sh "$KIOSK"
check "... its story kept" test "$(unacked k2)" = 1
check_ok "push with nothing new" "$KIOSK" push --data k1 --url "$URL/v1/bundles"
check "... says so" grep -q "nothing to push" "$T_DIR/out"
check_ok "purge" "$KIOSK" purge --data k1
check "... deletes the 5 pushed stories" grep -q "purged 5" "$T_DIR/out"

# The same bundle twice, then twice at once.
check "add 3 more" add_stories k1 6 8
mkdir usb
check_ok "export them to a stick" "$KIOSK" export --data k1 --to usb
BUNDLE=$(ls usb/*.skb)
check "POST the exported bundle, signed: 200" test "$(signed_post "$URL" k1 "$BUNDLE")" = 200
cp "$T_DIR/body" old.receipt
check "... the body is a receipt" test "$(head -c 8 old.receipt)" = SKRECEPT
check "POST it again: 200" test "$(signed_post "$URL" k1 "$BUNDLE")" = 200
signed_post "$URL" k1 "$BUNDLE" application/octet-stream same1.body >same1.code &
p1=$!
signed_post "$URL" k1 "$BUNDLE" application/octet-stream same2.body >same2.code &
p2=$!
wait $p1 $p2
check "the same bundle twice at once: both 200" test "$(cat same1.code)" = 200 -a "$(cat same2.code)" = 200
check "... hub holds each story once (8)" test "$(hub_count "$DB")" = 8
check_ok "push the exported stories too" "$KIOSK" push --data k1 --url "$URL"
check "... acknowledged, still 8 in the hub" test "$(unacked k1)" = 0 -a "$(hub_count "$DB")" = 8

# Bad requests, signed by the enrolled kiosk unless said otherwise.
printf 'this is not a bundle' >garbage
head -c 700 "$BUNDLE" >truncated
head -c 300000 /dev/urandom >oversized
code=$(post_file "$URL" "$BUNDLE")
check "unsigned: 401 ($code)" test "$code" = 401
check "... saying so" grep -q "not signed" "$T_DIR/body"
# Requests without a body keep their connection (a push's nonce, upload and
# pack share one); an upload refused before its body is read closes it.
curl -sv --max-time 10 "$URL/v1/health" "$URL/v1/nonce" "$URL/v1/pack" >/dev/null 2>"$T_DIR/curlv"
check "three GETs on one connection" \
    test "$(grep -Ec '^\* Re-?using existing connection' "$T_DIR/curlv")" = 2
curl -sv --max-time 10 -H 'Content-Type: application/octet-stream' --data-binary "@$BUNDLE" \
    "$URL/v1/bundles" "$URL/v1/health" >/dev/null 2>"$T_DIR/curlv"
check "... an unsigned upload's connection is closed after its 401" \
    sh -c "grep -q '^< HTTP/1.1 401' '$T_DIR/curlv' && ! grep -Eq '^\* Re-?using existing connection' '$T_DIR/curlv'"
code=$(signed_post "$URL" k1 garbage)
check "garbage: 422 ($code)" test "$code" = 422
check "... with the reason" grep -q "bad magic" "$T_DIR/body"
code=$(signed_post "$URL" k1 truncated)
check "truncated bundle: 422 ($code)" test "$code" = 422
check "... with the reason" grep -q "truncated" "$T_DIR/body"
code=$(signed_post "$URL" k1 oversized)
check "oversized upload: 413 ($code)" test "$code" = 413
# Past twice the cap, the declared length alone is refused, before any body.
h=$(sign_headers "$URL" k1 oversized application/octet-stream)
cat >huge.py <<'PY'
import socket, sys
hdr = open(sys.argv[2], "rb").read().replace(b"\n", b"\r\n")
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /v1/bundles HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n" + hdr + b"\r\n")
print(s.recv(100).split(b" ")[1].decode())
PY
code=$(/usr/bin/python3 huge.py "$SRV_PORT" "$h")
check "a length far past the cap: 413 with no body sent ($code)" test "$code" = 413
h=$(sign_headers "$URL" k1 oversized application/octet-stream)
code=$(curl -s -o "$T_DIR/body" -w '%{http_code}' --max-time 20 -H "@$h" \
    -H 'Transfer-Encoding: chunked' --data-binary @oversized "$URL/v1/bundles")
check "oversized chunked upload (no length): 413 ($code)" test "$code" = 413
code=$(signed_post "$URL" k1 "$BUNDLE" text/plain)
check "wrong content type: 415 ($code)" test "$code" = 415
h=$(sign_headers "$URL" k1 truncated application/octet-stream)
code=$(curl -s -o "$T_DIR/body" -w '%{http_code}' --max-time 20 -H "@$h" --data-binary "@$BUNDLE" "$URL/v1/bundles")
check "a body other than its signed Content-Digest: 400 ($code)" test "$code" = 400
check "... with the reason" grep -q "does not match its Content-Digest" "$T_DIR/body"
: >empty
code=$(signed_post "$URL" k1 empty)
check "empty body: 400 ($code)" test "$code" = 400
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/v1/bundles")
check "GET /v1/bundles: 405 ($code)" test "$code" = 405
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/v1/nothing")
check "unknown path: 404 ($code)" test "$code" = 404
# A client that stops half-way through its body is dropped after --timeout.
h=$(sign_headers "$URL" k1 "$BUNDLE" application/octet-stream)
cat >silent.py <<'PY'
import socket, sys, time
hdr = open(sys.argv[2], "rb").read().replace(b"\n", b"\r\n")
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
s.sendall(b"POST /v1/bundles HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n" + hdr + b"\r\nSKBUN")
t = time.time()
try:
    data = s.recv(100)
except socket.timeout:
    sys.exit(1)
sys.exit(0 if time.time() - t < 12 else 1)
PY
/usr/bin/python3 silent.py "$SRV_PORT" "$h" &
silent=$!
check "health answers while a client is silent" health "$URL"
wait $silent
check "... and the silent client is dropped after the timeout" test $? -eq 0
check "the server still answers /v1/health" health "$URL"
check "hub still holds 8" test "$(hub_count "$DB")" = 8

check "stop on SIGTERM: exit 0" stop_server
check "... saying so" grep -q "^storyhub: stopped" "$SRV_LOG"
check "one log line per request" test "$(grep -c ' /v1/' "$SRV_LOG")" -ge 30
check "... with status, e.g. the 415" grep -q "POST /v1/bundles 415 " "$SRV_LOG"
check "... and the kiosk" grep -q "POST /v1/bundles 200 .* kiosk $KID: " "$SRV_LOG"
check "... and the dropped client" grep -Eq "silent too long|made no progress" "$SRV_LOG"
check "no 'database is locked' anywhere" sh -c "! grep -qi 'locked' '$SRV_LOG'"
check "add one more" add_stories k1 9 9
check_fail "push to the stopped server fails" "$KIOSK" push --data k1 --url "$URL"
check "... saying the connection was refused" grep -q "connection refused" "$T_DIR/out"
check "... and keeping the story" test "$(unacked k1)" = 1
check_fail "serve without --listen fails" "$HUB" serve --store "$DB" --key hub/hub.key
check_fail "serve on a bad address fails" "$HUB" serve --store "$DB" --key hub/hub.key --listen nonsense
t_done
