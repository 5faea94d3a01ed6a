# The server's bounds, whatever clients do. 64 connections that send a
# request header a byte at a time (and 8 enrolled uploads that send their
# body a byte at a time) do not keep /v1/health from answering within 1 s,
# and are cut after --timeout; a 33rd connection from one address is
# refused; 64 large uploads left unfinished keep the server's memory under
# the budget docs/hub.md states (256 MiB): bodies past 4 MiB, or past 16 MiB
# in memory in all, wait in unnamed files beside the store; and so do 64
# clients that ask for a 16 MiB feedback pack and never read it (it is in
# memory once); a client that reads an answer too slowly is cut after
# --timeout, one that keeps up is not. Clients use source addresses
# 127.0.0.2-127.0.0.9 (all loopback). 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
T=3
BUDGET_MIB=256

check_ok "hub key" t_hubkey hub
check_ok "init a kiosk" "$KIOSK" init --data ke --hub-key hub/hub.pub
check "add a story" add_stories ke 1 1
check "serve, --timeout $T" start_server hub.db hub/hub.key --timeout $T
check "enrol" enrol ke hub.db
check_ok "... push" "$KIOSK" push --data ke --url "$URL"
mkdir stick
"$KIOSK" export --data ke --all --to stick >/dev/null
EB=$(ls stick/*.skb)

# Body tricklers need signed headers (unsigned ones get 401 at once).
i=1
while [ $i -le 8 ]; do
	sign_headers "$URL" ke "$EB" application/octet-stream >>headers.list
	i=$((i + 1))
done

cat >trickle.py <<'PY'
# trickle.py PORT HEADERS_LIST OUT: 64 connections that send a header a byte
# every 0.3 s, 8 that send a signed header then their body a byte every
# 0.3 s. Writes "started" to OUT when all are connected, then one line per
# connection: kind, seconds after its start, and "cut" when the server
# closed it (or "open" when it was still open after 30 s).
import socket, sys, threading, time
port, hdrs, out = int(sys.argv[1]), open(sys.argv[2]).read().split(), sys.argv[3]
lock = threading.Lock()
results = []
def run(kind, src, first, drip):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(0.3)
    s.connect(("127.0.0.1", port))
    t = time.time()
    s.sendall(first)
    started.release()
    end = t + 30
    how = "open"
    while time.time() < end:
        try:
            s.sendall(drip)
            if s.recv(1000) == b"":
                how = "cut"
                break
        except socket.timeout:
            continue
        except OSError:
            how = "cut"
            break
    with lock:
        results.append("%s %.1f %s" % (kind, time.time() - t, how))
started = threading.Semaphore(0)
threads = []
for i in range(64):
    first = b"POST /v1/bundles HTTP/1.1\r\nHost: x\r\nX-Slow: "
    threads.append(threading.Thread(target=run, args=("header", "127.0.0.%d" % (2 + i % 4), first, b"a")))
for h in hdrs:
    head = open(h, "rb").read().replace(b"\n", b"\r\n")
    first = b"POST /v1/bundles HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n" + head + b"\r\n"
    threads.append(threading.Thread(target=run, args=("body", "127.0.0.6", first, b"S")))
for th in threads:
    th.start()
for th in threads:
    started.acquire()
open(out, "w").write("started\n")
for th in threads:
    th.join()
with open(out, "a") as f:
    f.write("\n".join(results) + "\n")
PY
/usr/bin/python3 trickle.py "$SRV_PORT" headers.list trickle.out &
tp=$!
check "72 trickling connections open" wait_for "grep -q started trickle.out" 10
health_1s() {
	t0=$(t_now_ms)
	[ "$(curl -s --max-time 1 "$URL/v1/health")" = ok ] || return 1
	echo "# health answered in $(($(t_now_ms) - t0)) ms"
}
check "/v1/health answers within 1 s while they trickle" health_1s
check "... and again" health_1s
wait $tp
check "every trickling connection was cut by the server" test "$(grep -c ' cut$' trickle.out)" = 72
late=$(awk -v t=$T '$2 > t + 3 { n++ } END { print n + 0 }' trickle.out)
check "... none later than --timeout + 3 s ($late late; slowest $(sort -k2 -g trickle.out | tail -1))" test "$late" = 0
early=$(awk -v t=$T '$1 != "started" && $2 < t - 0.5 { n++ } END { print n + 0 }' trickle.out)
check "... none before --timeout ($early early$(awk -v t=$T '$1 != "started" && $2 < t - 0.5 { printf ": %s %s", $1, $2 }' trickle.out))" test "$early" = 0
check "the log says why: header" test "$(grep -c 'cut: no complete request header' "$SRV_LOG")" = 64
check "... and body" test "$(grep -c 'cut: the upload made no progress' "$SRV_LOG")" = 8
check "... nothing imported from them" test "$(hub_count hub.db)" = 1

cat >cap.py <<'PY'
# cap.py PORT N: N idle connections from 127.0.0.9; prints how many the
# server closed at once (within 1 s).
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
for i in range(n):
    s = socket.socket()
    s.bind(("127.0.0.9", 0))
    s.connect(("127.0.0.1", port))
    socks.append(s)
closed = 0
end = time.time() + 1
for s in socks:
    s.settimeout(max(0.01, end - time.time()))
    try:
        if s.recv(10) == b"":
            closed += 1
    except socket.timeout:
        pass
    except OSError:
        closed += 1
print(closed)
PY
closed=$(/usr/bin/python3 cap.py "$SRV_PORT" 40)
check "40 connections from one address: the 8 past 32 are refused ($closed)" test "$closed" = 8
check "... while another address is served" health_1s
check "stop" stop_server

# Unfinished large uploads and the memory budget. (Under ASan, freed memory
# waits in a quarantine of up to 256 MiB before it is reused or unmapped:
# the server's RSS would count blocks it has freed. Plain builds ignore this.)
ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
export ASAN_OPTIONS
check "serve again, --timeout 30" start_server hub.db hub/hub.key --timeout 30
: >big.list
i=1
while [ $i -le 64 ]; do
	sign_headers "$URL" ke "$EB" application/octet-stream >>big.list
	i=$((i + 1))
done
cat >hold.py <<'PY'
# hold.py PORT HEADERS_LIST OUT: 64 signed uploads: 32 announce 24 MiB and
# send 6 MiB, 32 announce 3 MiB and send all but a byte (within the disk
# budget, 1 GiB); then they hold (OUT: "sent N") until OUT.stop appears (at
# most 60 s).
import os, socket, sys, threading, time
port, hdrs, out = int(sys.argv[1]), open(sys.argv[2]).read().split(), sys.argv[3]
socks, total = [], [0]
lock = threading.Lock()
def up(i, h):
    big = i % 2 == 0
    length, send = (24 << 20, 6 << 20) if big else (3 << 20, (3 << 20) - 1)
    s = socket.socket()
    s.bind(("127.0.0.%d" % (2 + i % 4), 0))
    s.connect(("127.0.0.1", port))
    head = open(h, "rb").read().replace(b"\n", b"\r\n")
    s.sendall(b"POST /v1/bundles HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n" % length + head + b"\r\n")
    chunk = os.urandom(1 << 16)
    left = send
    while left > 0:
        n = min(left, len(chunk))
        s.sendall(chunk[:n])
        left -= n
    with lock:
        socks.append(s)
        total[0] += send
ths = [threading.Thread(target=up, args=(i, h)) for i, h in enumerate(hdrs)]
for t in ths:
    t.start()
for t in ths:
    t.join()
open(out, "w").write("sent %d\n" % total[0])
end = time.time() + 60
while not os.path.exists(out + ".stop") and time.time() < end:
    time.sleep(0.1)
PY
/usr/bin/python3 hold.py "$SRV_PORT" big.list hold.out &
hp=$!
check "64 large uploads sent, left unfinished" wait_for "grep -q '^sent' hold.out" 60
SENT=$(sed -n 's/^sent //p' hold.out)
check "... the server has read them all ($SENT bytes)" wait_for "drained $SRV_PORT" 30
hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$SRV_PID/status")
rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$SRV_PID/status")
echo "# server memory with 64 unfinished uploads ($((SENT >> 20)) MiB received): RSS $((rss / 1024)) MiB, peak $((hwm / 1024)) MiB (budget $BUDGET_MIB MiB)"
check "... its memory stayed under $BUDGET_MIB MiB (peak $((hwm / 1024)) MiB)" test "$hwm" -lt $((BUDGET_MIB * 1024))
check "... far less than what it holds" test $((hwm * 1024)) -lt "$SENT"
# upload_files: the server's open files that are uploads, unnamed, in the
# store's directory (this one).
upload_files() {
	for f in /proc/$SRV_PID/fd/*; do
		readlink "$f"
	done 2>/dev/null | grep -c "^$(pwd -P)/\.storyhub-upload\.[A-Za-z0-9]* (deleted)$"
}
files=$(upload_files)
check "... at least the 32 bodies past 4 MiB wait in unnamed files beside the store ($files)" test "$files" -ge 32
check "... health answers within 1 s meanwhile" health_1s
touch hold.out.stop
wait $hp
check "... the uploads' files are gone (unnamed)" sh -c '! ls -a | grep -q storyhub-upload'

# A big feedback pack (16 MiB, the largest a pack may be) fetched by 64
# clients that do not read it: the server holds it once, not once a client.
# The bytes go into the store as 'storyhub feedback --publish' puts them
# (the server hands out what is published; the kiosk verifies it).
head -c $((16 << 20)) /dev/urandom >big.skf
/usr/bin/python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("INSERT INTO packs(created, published, data) VALUES(0, 1, ?)", (open(sys.argv[2], "rb").read(),))
db.commit()' hub.db big.skf
check "a 16 MiB pack is published" sh -c '[ "$(curl -s -o got.skf -w "%{http_code}" --max-time 20 "$1/v1/pack")" = 200 ]' sh "$URL"
check "... a client that reads it gets it whole" cmp -s big.skf got.skf
cat >packhold.py <<'PY'
# packhold.py PORT OUT: 64 connections ask for the pack and read only the
# first bytes of the answer (OUT: "asked N" once all have them), then hold
# without reading until OUT.stop appears (at most 60 s).
import os, socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
socks, ok = [], 0
for i in range(64):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind(("127.0.0.%d" % (2 + i % 4), 0))
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /v1/pack HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(20)
    if s.recv(12).startswith(b"HTTP/1.1 200"):
        ok += 1
    socks.append(s)
open(out, "w").write("asked %d\n" % ok)
end = time.time() + 60
while not os.path.exists(out + ".stop") and time.time() < end:
    time.sleep(0.1)
PY
/usr/bin/python3 packhold.py "$SRV_PORT" packhold.out &
pp=$!
check "64 clients ask for it and do not read it" wait_for "grep -qs '^asked 64$' packhold.out" 60
rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$SRV_PID/status")
hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$SRV_PID/status")
echo "# server memory with 64 clients holding a 16 MiB pack answer: RSS $((rss / 1024)) MiB, peak $((hwm / 1024)) MiB (budget $BUDGET_MIB MiB)"
check "... its memory stayed under $BUDGET_MIB MiB (peak $((hwm / 1024)) MiB)" test "$hwm" -lt $((BUDGET_MIB * 1024))
check "... the pack is in memory once, not 64 times (RSS $((rss / 1024)) MiB)" test "$rss" -lt $((4 * 16 * 1024))
check "... health answers within 1 s meanwhile" health_1s
touch packhold.out.stop
wait $pp
check "stop" stop_server
check "... the log: every unfinished upload dropped" test "$(grep -c 'POST /v1/bundles - ' "$SRV_LOG")" -ge 64

# Slow readers of an answer. With --timeout $T a client must take 8 KiB
# more of an answer in every $T s while part of it waits for them. The 16
# MiB pack (more than the kernel's socket buffers take: an answer that fits
# in them is handed over whole and its connection freed) is asked for by
# four clients: one never reads, one reads 1 KiB a second (too slow), both
# with a 4 KiB receive buffer; one reads 256 KiB every 0.1 s (takes longer
# than $T s, but keeps up), and one 16 KiB every 1.5 s: slow, but more than
# 8 KiB in every $T s, so it is kept, though the server can hand its socket
# nothing more for far longer than $T s. 127.0.0.1 only.
check "serve, --timeout $T" start_server hub.db hub/hub.key --timeout $T
cat >slowread.py <<'PY'
# slowread.py PORT RCVBUF PERIOD CHUNK OUT: ask for the pack with a receive
# buffer of RCVBUF bytes, then read CHUNK bytes every PERIOD s (CHUNK 0:
# read nothing) for at most 40 s or until OUT.stop appears. OUT: "asked"
# once the request is sent, then "closed" (the server ended it) or "open",
# and the body's bytes read.
import os, socket, sys, time
port, rcvbuf, period, chunk, out = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
s.connect(("127.0.0.1", port))
s.sendall(b"GET /v1/pack HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
open(out, "w").write("asked\n")
s.settimeout(10)
data, how, end = b"", "open", time.time() + 40
while time.time() < end and not os.path.exists(out + ".stop"):
    t = time.time()
    want = len(data) + chunk
    while chunk and len(data) < want:
        b = s.recv(want - len(data))
        if b == b"":
            how = "closed"
            break
        data += b
    if how == "closed":
        break
    time.sleep(max(0.0, t + period - time.time()))
body = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""
open(out + ".body", "wb").write(body)
open(out, "a").write("%s %d\n" % (how, len(body)))
PY
/usr/bin/python3 slowread.py "$SRV_PORT" 4096 1 0 never.out &
r1=$!
/usr/bin/python3 slowread.py "$SRV_PORT" 4096 1 1024 trickle-read.out &
r2=$!
/usr/bin/python3 slowread.py "$SRV_PORT" 65536 0.1 262144 steady.out &
r3=$!
slow_ms=$(t_now_ms)
/usr/bin/python3 slowread.py "$SRV_PORT" 16384 1.5 16384 slow.out &
r4=$!
cutlines() { grep -c 'GET /v1/pack 200 .* cut: the client read the answer too slowly' "$SRV_LOG"; }
check "a client that never reads and one that reads 1 KiB a second are cut" \
    wait_for '[ "$(cutlines)" = 2 ]' $((T + 8))
check "... after --timeout, not before ($(grep 'read the answer too slowly' "$SRV_LOG" | awk '{ printf "%s ", $7 }'))" \
    sh -c 'grep "read the answer too slowly" "$1" | awk -v t="$2" "{ n++; if (\$7 + 0 < (t - 0.5) * 1000) bad++ } END { exit n != 2 || bad > 0 }"' sh "$SRV_LOG" $T
check "one that reads 256 KiB every 0.1 s gets the pack whole, though it takes longer than $T s" \
    wait_for "grep -q '^closed $((16 << 20))\$' steady.out" 60
check "... the same bytes" cmp -s big.skf steady.out.body
steady_ms=$(grep 'GET /v1/pack 200 ' "$SRV_LOG" | grep -v 'cut:' | awk '{ print $7 + 0 }')
check "... its answer took longer than $T s (${steady_ms}ms)" test "${steady_ms:-0}" -gt $((T * 1000))
check "... and it was not cut: of 3 answers logged, still 2 cut" \
    sh -c '[ "$(grep -c "GET /v1/pack 200 " "$1")" = 3 ] && [ "$(grep -c "read the answer too slowly" "$1")" = 2 ]' sh "$SRV_LOG"
check "the one reading 16 KiB every 1.5 s is still served, none other cut or dropped, $((3 * T)) s after it asked" \
    holds '[ "$(cutlines)" = 2 ] && ! grep -q "GET /v1/pack .* dropped:" "$SRV_LOG" && ! grep -q "^closed" slow.out' \
    $((3 * T - (($(t_now_ms) - slow_ms) / 1000)))
check "... health answers within 1 s meanwhile" health_1s
touch never.out.stop trickle-read.out.stop steady.out.stop slow.out.stop
wait $r1 $r2 $r3 $r4
check "... it left without being cut" test "$(grep -c '^open' slow.out)/$(cutlines)" = 1/2
check "stop" stop_server
t_done
