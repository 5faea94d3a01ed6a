# Network sync when things go wrong: a hub answering 500, a hub that never
# answers, no server, an unknown host, TLS to a plain-HTTP server, a receipt
# signed by another hub key and a replayed receipt: the push fails with one
# clear line and the kiosk keeps (and does not acknowledge) every story.
# Then the server is killed with SIGKILL mid-upload and restarted: pushing
# again leaves every story exactly once in the hub. 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
N=60

check_ok "hub key A" t_hubkey hubA
check_ok "hub key B" t_hubkey hubB
check_ok "init a kiosk sealing to hubs A and B" "$KIOSK" init --data k --hub-key hubA/hub.pub --hub-key hubB/hub.pub
KID=$(kiosk_id k)
check "add $N stories" add_stories k 1 $N

# A receipt for this kiosk's stories signed by hub B: a copy of the kiosk
# exports, hub B imports (after trusting) and signs; the kiosk itself then
# forgets hub B (keeps only A's public key).
cp -Rp k kB
cp hubA/hub.pub k/hub.pub
mkdir stickB
check_ok "the copy exports a bundle for hub B" "$KIOSK" export --data kB --to stickB
BB=$(ls stickB/*.skb)
check_ok "hub B quarantines it" "$HUB" import --store hubB.db --key hubB/hub.key "$BB"
check_ok "hub B trusts the kiosk" "$HUB" kiosks --store hubB.db --key hubB/hub.key trust "$KID"
check_ok "hub B imports it again and writes a receipt" "$HUB" import --store hubB.db --key hubB/hub.key "$BB"
check "... there it is" test -s "$BB.receipt"

# A fake hub: hands out nonces, and answers every POST as told (status,
# file with the body, delay).
cat >fake.py <<'PY'
import http.server, sys, time
status, body, delay = int(sys.argv[1]), open(sys.argv[2], "rb").read(), float(sys.argv[3])
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "10")
        self.end_headers()
        self.wfile.write(b"fakenonce\n")
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
FAKE_PID=
fake() {     # fake STATUS BODYFILE DELAY: sets FAKE_URL
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
	rm -f fake.port
	python3 fake.py "$@" >fake.port &
	FAKE_PID=$!
	wait_for "test -s fake.port" 10
	FAKE_URL=http://127.0.0.1:$(cat fake.port)
}
keeps_all() {
	[ "$(unacked k)" = $N ]
}

printf 'database on fire\n' >fire.txt
fake 500 fire.txt 0
check_fail "hub answering 500: push fails" "$KIOSK" push --data k --url "$FAKE_URL"
check "... with the status and the hub's reason" grep -q "HTTP 500): database on fire" "$T_DIR/out"
check "... and the kiosk keeps everything" keeps_all
printf 'slow down\n' >slow.txt
fake 200 slow.txt 30
check_fail "hub that never answers: push gives up after --timeout" "$KIOSK" push --data k --url "$FAKE_URL" --timeout 2
check "... saying so" grep -q "no complete answer" "$T_DIR/out"
check "... and the kiosk keeps everything" keeps_all
fake 200 "$BB.receipt" 0
check_fail "receipt signed by another hub key: rejected" "$KIOSK" push --data k --url "$FAKE_URL"
check "... saying it does not verify" grep -q "receipt does not verify" "$T_DIR/out"
check "... and nothing is acknowledged" keeps_all
printf 'not a receipt' >junk.txt
fake 200 junk.txt 0
check_fail "200 with junk instead of a receipt: rejected" "$KIOSK" push --data k --url "$FAKE_URL"
check "... nothing acknowledged" keeps_all
kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null; FAKE_PID=

check_fail "no server: connection refused" "$KIOSK" push --data k --url "$FAKE_URL"
check "... said as such" grep -q "connection refused" "$T_DIR/out"
check_fail "unknown host: DNS failure" "$KIOSK" push --data k --url "http://no-such-hub.invalid:8080" --timeout 5
check "... said as such" grep -q "DNS failure" "$T_DIR/out"
check_fail "not a URL" "$KIOSK" push --data k --url "ftp://127.0.0.1/x"
check "... keeps everything" keeps_all

# The real hub.
check "serve hub A" start_server hubA.db hubA/hub.key
check_fail "TLS to a plain-HTTP hub: TLS failure" "$KIOSK" push --data k --url "https://127.0.0.1:$SRV_PORT" --timeout 5
check "... said as such" grep -q "TLS failure" "$T_DIR/out"
check_fail "first push: not enrolled" "$KIOSK" push --data k --url "$URL"
check "... said so (401)" grep -q "HTTP 401): kiosk $KID is not enrolled" "$T_DIR/out"
# A copy of the kiosk (the same identity) enrols and pushes, so that the
# hub holds every story while the kiosk itself has none acknowledged.
cp -Rp k kE
check "enrol the kiosk" enrol kE hubA.db
check_ok "push: enrolled and delivered" "$KIOSK" push --data kE --url "$URL"
check "... hub holds $N" test "$(hub_count hubA.db)" = $N
check "... the kiosk is trusted" sh -c '"$1" kiosks --store hubA.db | grep -q "^$2  trusted"' sh "$HUB" "$KID"
check "... and the kiosk itself still holds every story" keeps_all

# A genuine receipt from hub A, for another bundle: replayed, it must not count.
mkdir stickA
"$KIOSK" export --data k --all --to stickA >/dev/null
BA=$(ls stickA/*.skb)
check "a genuine receipt from hub A for an exported bundle" test "$(signed_post "$URL" k "$BA" application/octet-stream genuine.receipt)" = 200
fake 200 genuine.receipt 0
check_fail "... replayed for another push: rejected" "$KIOSK" push --data k --url "$FAKE_URL"
check "... as a receipt for another bundle" grep -q "receipt is for another bundle" "$T_DIR/out"
check "... nothing acknowledged" keeps_all
kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null; FAKE_PID=

# SIGKILL mid-upload: a slow upload is cut, then the kiosk pushes while the
# server is killed at once; after a restart on the same port, push again.
check "add $N more" add_stories k $((N + 1)) $((2 * N))
N2=$((2 * N))
"$KIOSK" export --data k --all --to stickA >/dev/null
BIG=$(ls -t stickA/*.skb | head -1)
h=$(sign_headers "$URL" k "$BIG" application/octet-stream)
curl -s -o /dev/null --max-time 20 --limit-rate 20k -H "@$h" \
    --trace-ascii slow.trace --data-binary "@$BIG" "$URL/v1/bundles" &
slow=$!
wait_for "grep -q '^=> Send data' slow.trace" 10      # the body is on its way
kill -KILL "$SRV_PID"; wait "$SRV_PID" 2>/dev/null; SRV_PID=
wait $slow
check "server killed mid-upload" test $? -ne 0
check "... nothing of the cut bundle imported" test "$(hub_count hubA.db)" = $N
check "restart on the same port" start_server hubA.db hubA/hub.key
"$KIOSK" push --data k --url "$URL" >push-killed.out 2>&1 &
pushing=$!
sleep 0.05      # the kill lands wherever the push is: that moment is the test
kill -KILL "$SRV_PID"; wait "$SRV_PID" 2>/dev/null; SRV_PID=
wait $pushing
echo "# push during SIGKILL: exit $? ($(cat push-killed.out))"
check "restart again" start_server hubA.db hubA/hub.key
check_ok "push again" "$KIOSK" push --data k --url "$URL"
check "... every story acknowledged" test "$(unacked k)" = 0
check "... every story exactly once in the hub" test "$(hub_count hubA.db)" = $N2
check "... no story id twice (of $("$HUB" export --store hubA.db --format json | jq -r '.[].story_id' | sort -u | wc -l))" test "$("$HUB" export --store hubA.db --format json | jq -r '.[].story_id' | sort | uniq -d | wc -l)" = 0
check "stop cleanly" stop_server
t_done
