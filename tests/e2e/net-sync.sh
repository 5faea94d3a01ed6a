# Network sync, the straight path and bad requests: push -> quarantine ->
# trust -> push -> receipt -> acknowledged -> purge; the same bundle twice
# (one after the other and at once); garbage, truncated, oversized,
# wrong-content-type, wrong-method and silent requests get a 4xx or are
# dropped while /v1/health keeps answering; one log line per request; SIGTERM
# stops the server cleanly. 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1

check_ok "hub key" t_hubkey hub
check_ok "init a kiosk" "$KIOSK" init --data k1 --hub-key hub/hub.pub --name "Stall 1"
KID=$(kiosk_id k1)
check "add 5 stories" add_stories k1 1 5
check "serve starts on a free port" start_server "$DB" hub/hub.key --max-bytes 200000 --timeout 3
check "health answers ok" health "$URL"

check_ok "push from an unknown kiosk is delivered" "$KIOSK" push --data k1 --url "$URL"
check "... and the kiosk hears it waits in quarantine" grep -q "quarantine until the coordinator trusts this kiosk (id $KID)" "$T_DIR/out"
check "... nothing is acknowledged" test "$(unacked k1)" = 5
check "... nothing imported yet" test "$(hub_count "$DB")" = 0
check_ok "trust the kiosk while the server runs" "$HUB" kiosks --store "$DB" --key hub/hub.key trust "$KID"
check "... imports its quarantined stories" grep -q "5 new, 0 duplicate" "$T_DIR/out"

check_ok "push again" "$KIOSK" push --data k1 --url "$URL/"
check "... the hub acknowledged every story" grep -q "pushed 5 stories in bundle [0-9]*; the hub acknowledged 5" "$T_DIR/out"
check "... nothing left unacknowledged" test "$(unacked k1)" = 0
check "status shows when the last push succeeded" \
    sh -c '"$1" status --data k1 | grep -Eq "^last push: +[0-9]{4}-[0-9]{2}-[0-9]{2}T"' sh "$KIOSK"
check "... hub holds 5" test "$(hub_count "$DB")" = 5
check_ok "push with nothing new" "$KIOSK" push --data k1 --url "$URL/v1/bundles"
check "... says so" grep -q "nothing to push" "$T_DIR/out"
check_ok "purge" "$KIOSK" purge --data k1
check "... deletes the 5 pushed stories" grep -q "purged 5" "$T_DIR/out"

# The same bundle twice, then twice at once.
check "add 3 more" add_stories k1 6 8
mkdir usb
check_ok "export them to a stick" "$KIOSK" export --data k1 --to usb
BUNDLE=$(ls usb/*.skb)
check "POST the exported bundle: 200" test "$(post_file "$URL" "$BUNDLE")" = 200
cp "$T_DIR/body" old.receipt
check "... the body is a receipt" test "$(head -c 8 old.receipt)" = SKRECEPT
check "POST it again: 200" test "$(post_file "$URL" "$BUNDLE")" = 200
post_file "$URL" "$BUNDLE" application/octet-stream same1.body >same1.code &
p1=$!
post_file "$URL" "$BUNDLE" application/octet-stream same2.body >same2.code &
p2=$!
wait $p1 $p2
check "the same bundle twice at once: both 200" test "$(cat same1.code)" = 200 -a "$(cat same2.code)" = 200
check "... hub holds each story once (8)" test "$(hub_count "$DB")" = 8
check_ok "push the exported stories too" "$KIOSK" push --data k1 --url "$URL"
check "... acknowledged, still 8 in the hub" test "$(unacked k1)" = 0 -a "$(hub_count "$DB")" = 8

# Bad requests.
printf 'this is not a bundle' >garbage
head -c 700 "$BUNDLE" >truncated
head -c 300000 /dev/urandom >oversized
code=$(post_file "$URL" garbage)
check "garbage: 422 ($code)" test "$code" = 422
check "... with the reason" grep -q "bad magic" "$T_DIR/body"
code=$(post_file "$URL" truncated)
check "truncated bundle: 422 ($code)" test "$code" = 422
check "... with the reason" grep -q "truncated" "$T_DIR/body"
code=$(post_file "$URL" oversized)
check "oversized upload: 413 ($code)" test "$code" = 413
code=$(curl -s -o "$T_DIR/body" -w '%{http_code}' --max-time 20 -H 'Content-Type: application/octet-stream' \
    -H 'Transfer-Encoding: chunked' --data-binary @oversized "$URL/v1/bundles")
check "oversized chunked upload (no length): 413 ($code)" test "$code" = 413
code=$(post_file "$URL" "$BUNDLE" text/plain)
check "wrong content type: 415 ($code)" test "$code" = 415
: >empty
code=$(post_file "$URL" empty)
check "empty body: 400 ($code)" test "$code" = 400
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/v1/bundles")
check "GET /v1/bundles: 405 ($code)" test "$code" = 405
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/v1/nothing")
check "unknown path: 404 ($code)" test "$code" = 404
# A client that stops half-way through its body is dropped after --timeout.
cat >silent.py <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
s.sendall(b"POST /v1/bundles HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 5000\r\n\r\nSKBUN")
t = time.time()
try:
    data = s.recv(100)
except socket.timeout:
    sys.exit(1)
sys.exit(0 if time.time() - t < 12 else 1)
PY
python3 silent.py "$SRV_PORT" &
silent=$!
check "health answers while a client is silent" health "$URL"
wait $silent
check "... and the silent client is dropped after the timeout" test $? -eq 0
check "the server still answers /v1/health" health "$URL"
check "hub still holds 8" test "$(hub_count "$DB")" = 8

check "stop on SIGTERM: exit 0" stop_server
check "... saying so" grep -q "^storyhub: stopped" "$SRV_LOG"
check "one log line per request" test "$(grep -c ' /v1/' "$SRV_LOG")" -ge 18
check "... with status, e.g. the 415" grep -q "POST /v1/bundles 415 " "$SRV_LOG"
check "... and the dropped client" grep -q "silent too long" "$SRV_LOG"
check "no 'database is locked' anywhere" sh -c "! grep -qi 'locked' '$SRV_LOG'"
check "add one more" add_stories k1 9 9
check_fail "push to the stopped server fails" "$KIOSK" push --data k1 --url "$URL"
check "... saying the connection was refused" grep -q "connection refused" "$T_DIR/out"
check "... and keeping the story" test "$(unacked k1)" = 1
check_fail "serve without --listen fails" "$HUB" serve --store "$DB" --key hub/hub.key
check_fail "serve on a bad address fails" "$HUB" serve --store "$DB" --key hub/hub.key --listen nonsense
t_done
