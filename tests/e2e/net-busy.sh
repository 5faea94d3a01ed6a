# A busy store is not a refusal. While another process holds the hub
# store's write lock (SQLite: BEGIN EXCLUSIVE; PostgreSQL, under pg-net.sh:
# the writers' advisory lock, in a psql session), a push is answered 503 with
# Retry-After, never "database is locked": a push whose time runs out says
# "hub busy, will retry", exits 75 and keeps every story; one with time
# left waits as asked and tries again; once the lock is gone its stories
# arrive, each once. While an upload waits for the store on a worker
# thread, /v1/health and /v1/nonce answer within 1 s. A hub store on a full
# disk (a small tmpfs, where one can be mounted) answers 503 the same way,
# and the push goes through once there is room. 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1
N=12

check_ok "hub key" t_hubkey hub
check_ok "init a kiosk" "$KIOSK" init --data k --hub-key hub/hub.pub
check "add $N stories" add_stories k 1 $N
check "serve" start_server "$DB" hub/hub.key
check "enrol" enrol k "$DB"
check_ok "... the first push enrols it, nothing more to push" "$KIOSK" push --data k --url "$URL"
check "... the hub holds $N" test "$(hub_count "$DB")" = $N
check "add $N more" add_stories k $((N + 1)) $((2 * N))
mkdir stick
"$KIOSK" export --data k --all --to stick >/dev/null
B=$(ls stick/*.skb)

cat >hold.py <<'PY'
# hold.py DB HELD RELEASE: hold DB's write lock from when HELD appears until
# RELEASE does (at most 120 s).
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
end = time.time() + 120
while not os.path.exists(sys.argv[3]) and time.time() < end:
    time.sleep(0.05)
db.execute("ROLLBACK")
PY
# hold_pg: the same on PostgreSQL, the lock every writer takes first
# (hubstore-pg.c's LOCK_WRITE), held by a session while a shell waits.
hold_pg() {
	psql -X -q -d "$DB" <<'SQL'
SELECT pg_advisory_lock(8319100472766903651);
\! touch held; n=0; while [ ! -e release ] && [ $n -lt 1200 ]; do sleep 0.1; n=$((n + 1)); done
SELECT pg_advisory_unlock(8319100472766903651);
SQL
}
case $DB in
postgresql://*)
	hold_pg >hold.out 2>&1 &
	BUSY="lock timeout" # the store's words in the server's log
	;;
*)
	/usr/bin/python3 hold.py "$DB" held release &
	BUSY="database is locked"
	;;
esac
holder=$!
check "another process holds the store's write lock" wait_for "test -e held" 10

# A push with 12 s in all (the server waits 10 s for the store), then a
# signed request of our own.
"$KIOSK" push --data k --url "$URL" --timeout 12 >short.out 2>&1 &
short=$!
wait $short
rc=$?
cat >post.py <<'PY'
# post.py PORT HEADERS BODY: POST BODY to /v1/bundles with the signed
# HEADERS; "sent" appears once all of it is sent, then the answer's header
# goes to resp.head, its body to resp.body, and "answered" appears.
import socket, sys
port, hdr, body = int(sys.argv[1]), open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read()
s = socket.create_connection(("127.0.0.1", port), timeout=60)
s.sendall(b"POST /v1/bundles HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n" % len(body) +
          hdr.replace(b"\n", b"\r\n") + b"\r\n" + body)
open("sent", "w").close()
got = b""
while b"\r\n\r\n" not in got:
    got += s.recv(4096) or sys.exit(1)
head, rest = got.split(b"\r\n\r\n", 1)
n = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0]
while len(rest) < n:
    rest += s.recv(4096) or sys.exit(1)
open("resp.head", "wb").write(head + b"\r\n")
open("resp.body", "wb").write(rest)
open("answered", "w").close()
PY
h=$(sign_headers "$URL" k "$B" application/octet-stream)
/usr/bin/python3 post.py "$SRV_PORT" "$h" "$B" &
direct=$!
check "an upload waits for the store on a worker" wait_for "test -e sent && drained $SRV_PORT" 10
health_1s() {
	t0=$(t_now_ms)
	[ "$(curl -s --max-time 1 "$URL/v1/health")" = ok ] || return 1
	echo "# health answered in $(($(t_now_ms) - t0)) ms"
}
check "... meanwhile health answers within 1 s" health_1s
check "... and again" health_1s
check "... and a nonce" test "$(nonce "$URL" | wc -c)" -gt 40
check "... while the upload is still not answered" test ! -e answered
check "a push with no time left to wait: exit 75 ($rc)" test $rc -eq 75
check "... saying: hub busy, will retry" grep -q "^storykiosk: push failed: hub busy, will retry: the hub is busy" short.out
check "... every story kept" test "$(unacked k)" = $N
check "... and its status says so" sh -c '"$1" status --data k | grep -q "push result: *hub busy, will retry"' sh "$KIOSK"
wait $direct
check "the server answered 503" grep -q "^HTTP/1.1 503" resp.head
check "... with Retry-After" grep -qi "^Retry-After: 5" resp.head
check "... and never 'database is locked' to the client" sh -c '! grep -qi locked resp.body short.out'
check "... which the log keeps ($BUSY)" grep -q "POST /v1/bundles 503 .*$BUSY" "$SRV_LOG"

"$KIOSK" push --data k --url "$URL" --timeout 90 >long.out 2>&1 &
long=$!
check "a push with time: hub busy, will retry in 5 s" wait_for "grep -q 'hub busy, will retry in 5 s' long.out" 40
check "... nothing acknowledged yet" test "$(unacked k)" = $N
touch release
wait $holder
check "the lock is gone" test -e release
wait $long
rc=$?
check "... the push goes through (exit $rc)" test $rc -eq 0
check "... all acknowledged" grep -q "the hub acknowledged $N" long.out
check "... nothing left on the kiosk" test "$(unacked k)" = 0
check "... the hub holds every story" test "$(hub_count "$DB")" = $((2 * N))
check "... each once" test "$("$HUB" export --store "$DB" --format json | jq -r '.[].story_id' | sort | uniq -d | wc -l)" = 0
check "stop" stop_server

# A full disk is transient too: a hub store on a small tmpfs, filled up.
mkdir small
if [ "${HUB_ENGINE:-sqlite}" = pg ]; then
	t_skip "a full disk: the store is PostgreSQL's, whose disk is the server's (net-busy.sh on SQLite fills one)"
elif [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=4m,mode=0700 tmpfs small 2>mnt.err; then
	trap 'umount "$T_DIR/small" 2>/dev/null; t_cleanup' EXIT
	check "serve a store on a 4 MiB tmpfs" start_server small/hub.db hub/hub.key
	check_ok "init a kiosk" "$KIOSK" init --data kf --hub-key hub/hub.pub
	check "enrol it" enrol kf small/hub.db
	check "add a story" add_stories kf 1 1
	check_ok "... push it (the kiosk is enrolled now)" "$KIOSK" push --data kf --url "$URL"
	check "add 3 more" add_stories kf 2 4
	dd if=/dev/zero of=small/filler bs=4k 2>/dev/null
	check "the disk is full" test "$(df -k small | awk 'NR == 2 { print $4 }')" -le 4
	check_fail "a push to a hub whose disk is full" "$KIOSK" push --data kf --url "$URL" --timeout 8
	check "... says: hub busy, will retry (not a refusal)" grep -q "hub busy, will retry: the hub is busy" "$T_DIR/out"
	check "... every story kept" test "$(unacked kf)" = 3
	check "... the log has the store's words" grep -q "POST /v1/bundles 503 .*full" "$SRV_LOG"
	rm -f small/filler
	check_ok "room again: the push goes through" "$KIOSK" push --data kf --url "$URL"
	check "... all acknowledged" grep -q "the hub acknowledged 3" "$T_DIR/out"
	check "stop" stop_server
	umount small
else
	t_skip "a full disk: cannot mount a tmpfs here ($(id -un); $(cat mnt.err 2>/dev/null))"
fi
t_done
