#!/bin/sh
# Network sync over loopback, in three parts.
# 1. Throughput (issue 5): `storykiosk push` (build the bundle, get a nonce,
#    sign and POST it, `storyhub serve` verifies and imports it, receipt
#    verified, stories marked acknowledged) against `storyhub import` of the
#    same stories as one bundle file. Both start from the same hub store
#    (kiosk enrolled, none of these stories held yet). The server unlocks the
#    hub key before the clock starts; `storyhub import` unlocks it on every
#    run, so the import time is also given without that key load (measured
#    alone). Target: push >= 0.8 x import.
# 2. Concurrency (issue 20): $K enrolled kiosks with $M stories each push
#    one after another, then all at once, to a fresh copy of the same hub
#    store: stories/s of each, their ratio (target >= 1.5 on 2 cores), and
#    the p50 and p99 of one kiosk's push time (start of `storykiosk push` to
#    its end) when all push at once, beside the same figures one at a time.
#    Each push is a `storykiosk push` process (with libcurl's start, about
#    20 ms of its 30 ms of CPU): on 2 cores the 20 kiosks' own work competes
#    with the hub's, where in the field each kiosk is a machine of its own.
#    One Python process starts the pushes and times them (pushes.py), so
#    that the measuring itself starts no other process.
# 3. The hub alone (issue 20): the same $K bundles, their requests signed
#    beforehand (tests/tools/sign-request), sent by one client process
#    (Python threads) one after another, then all at once: the server's
#    stories/s, their ratio, and the p50 and p99 of one upload's answer.
# Stories/s are medians over $RUNS runs; latencies are over every push of
# every run. The machine may be shared: part 2 also gives the CPU its runs
# took, the share other programs took while all pushed at once, and the
# ratio the CPU would allow on an otherwise idle machine.
: "${TOP:?run from bench/run-all}" "${KIOSK:?}" "${HUB:?}"
S=${BENCH_NET_STORIES:-2000}
RUNS=${BENCH_RUNS:-3}
K=${BENCH_NET_KIOSKS:-20}
M=${BENCH_NET_KIOSK_STORIES:-50}
PART=${BENCH_NET_PART:-all}     # 1, 2, 3 or all
FORM="$TOP/forms/partnership.yaml"
export STORYHUB_PASSPHRASE="bench passphrase, long enough" STORYKIOSK_PIN=2468

W=$(mktemp -d "${TMPDIR:-/tmp}/bench-net.XXXXXX")
SRV=
trap '[ -n "$SRV" ] && kill -KILL $SRV 2>/dev/null; rm -rf "$W"' EXIT
cd "$W" || exit 1
fail() { echo "bench/net-push.sh: $*"; exit 1; }

serve() {       # serve DB: start on a free port, set SRV and URL
	: >srv.log
	"$HUB" serve --store "$1" --key hub/hub.key --listen 127.0.0.1:0 2>srv.log &
	SRV=$!
	n=0
	while [ $n -lt 300 ]; do
		p=$(sed -n 's/^storyhub: listening on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' srv.log)
		[ -n "$p" ] && { URL=http://127.0.0.1:$p; return 0; }
		sleep 0.1
		n=$((n + 1))
	done
	fail "server did not start: $(cat srv.log)"
}
unserve() { kill -TERM $SRV; wait $SRV; SRV=; }
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

"$HUB" keygen --out hub >/dev/null || fail keygen
enrol() {       # enrol DIR DB: a token from DB, kept by the kiosk in DIR
	tok=$("$HUB" kiosks --store "$2" enroll | tail -1) &&
	    "$KIOSK" enroll --data "$1" "$tok" >/dev/null
}
story() {
	printf '{"lang":"en","consent":"quotes","prompt":"worked","answers":{"story":"Story %s. %s","title":"t","drivers":[0.5,0.25,0.25],"equal":50,"listened":50,"trust":0,"obstacles":["funding"],"role":"other","role_other":"bench","age":null}}\n' \
	    "$1" "$(head -c 600 /dev/zero | tr '\0' 'x')"
}
if [ "$PART" = 1 ] || [ "$PART" = all ]; then
echo "setting up: one kiosk, $S stories of ~1 KB ($(nproc) cores)"
"$KIOSK" init --data k --hub-key hub/hub.pub --name bench >/dev/null || fail init
story 0 | "$KIOSK" add --data k --form "$FORM" - >/dev/null || fail add
serve seed.db
enrol k seed.db || fail enrol
"$KIOSK" push --data k --url "$URL" >/dev/null || fail "first push"
unserve
i=1
while [ $i -le $S ]; do
	story $i | "$KIOSK" add --data k --form "$FORM" - >/dev/null || fail add
	i=$((i + 1))
done
cp -Rp k kx
mkdir stick
"$KIOSK" export --data kx --to stick >/dev/null || fail export
B=$(ls stick/*.skb)
echo "  bundle: $(wc -c <"$B") bytes, $((S + 1)) stories (1 already at the hub)"

push_t= imp_t= key_t= srv_t=
r=0
while [ $r -lt "$RUNS" ]; do
	r=$((r + 1))
	rm -rf kr run.db*
	cp -Rp k kr
	cp seed.db run.db
	serve run.db
	t0=$(now)
	"$KIOSK" push --data kr --url "$URL" >push.out 2>&1 || fail "push: $(cat push.out)"
	t1=$(now)
	unserve
	srv_ms=$(sed -n 's/^.* POST \/v1\/bundles 200 [0-9]* \([0-9]*\)ms .*$/\1/p' srv.log)
	push_t="$push_t $(echo "$t1 - $t0" | bc -l)"
	srv_t="$srv_t $(echo "${srv_ms:-0} / 1000" | bc -l)"

	rm -f run.db*
	cp seed.db run.db
	t0=$(now)
	"$HUB" import --store run.db --key hub/hub.key --no-receipt "$B" >imp.out 2>&1 ||
		fail "import: $(cat imp.out)"
	t1=$(now)
	imp_t="$imp_t $(echo "$t1 - $t0" | bc -l)"

	t0=$(now)
	"$HUB" kiosks --store run.db --key hub/hub.key >/dev/null || fail "key load"
	t1=$(now)
	key_t="$key_t $(echo "$t1 - $t0" | bc -l)"
	echo "  run $r: push $(echo $push_t | awk '{print $NF}') s (server receive+import ${srv_ms} ms; $(cut -c1-50 push.out)...), import $(echo $imp_t | awk '{print $NF}') s ($(tail -1 imp.out)), key load $(echo $key_t | awk '{print $NF}') s"
done
pm=$(median $push_t) im=$(median $imp_t) km=$(median $key_t) sm=$(median $srv_t)
awk -v s=$((S + 1)) -v p="$pm" -v i="$im" -v k="$km" -v sv="$sm" 'BEGIN {
	ik = i - k; if (ik <= 0) ik = i
	printf "--- summary: push vs import (%d stories, medians of runs)\n", s
	printf "  %-34s %8.0f stories/s (%.3f s)\n", "storykiosk push -> serve (loopback)", s / p, p
	if (sv > 0)
		printf "  %-34s %8.0f stories/s (%.3f s, as the server logs it)\n", "  of which receive+import", s / sv, sv
	printf "  %-34s %8.0f stories/s (%.3f s)\n", "storyhub import (incl. key load)", s / i, i
	printf "  %-34s %8.0f stories/s (%.3f s)\n", "storyhub import (minus key load)", s / ik, ik
	r1 = i / p; r2 = ik / p
	printf "  ratio push/import %.2f %s, against import without key load %.2f %s (target >= 0.8)\n",
	    r1, (r1 >= 0.8 ? "PASS" : "MISS"), r2, (r2 >= 0.8 ? "PASS" : "MISS")
	if (sv > 0) {
		r3 = ik / sv
		printf "  ratio receive+import/import without key load %.2f %s (the hub side alone)\n",
		    r3, (r3 >= 0.8 ? "PASS" : "MISS")
	}
}'

fi
[ "$PART" = 1 ] && exit 0
SIGNREQ="$TOP/$BUILD/tests/sign-request"
[ "$PART" = 2 ] || [ -x "$SIGNREQ" ] || fail "no $SIGNREQ (make bench builds it)"

# --- 2. concurrency: K kiosks one after another, then all at once --------
echo "setting up: $K kiosks, enrolled, $M stories of ~1 KB each"
serve kseed.db
i=1
while [ $i -le $K ]; do
	"$KIOSK" init --data c$i --hub-key hub/hub.pub --name "bench $i" >/dev/null || fail init
	enrol c$i kseed.db || fail enrol
	"$KIOSK" push --data c$i --url "$URL" >/dev/null || fail "enrolling push"
	i=$((i + 1))
done
unserve
# adds, two kiosks at a time
fill() {
	j=1
	while [ $j -le $M ]; do
		story "$1.$j" | "$KIOSK" add --data c$1 --form "$FORM" - >/dev/null || return 1
		j=$((j + 1))
	done
}
i=1
while [ $i -le $K ]; do
	fill $i &
	a=$!
	[ $((i + 1)) -le $K ] && { fill $((i + 1)) || fail add; }
	wait $a || fail add
	i=$((i + 2))
done

# pushes.py MODE KIOSK URL M DIR...: `KIOSK push` each kiosk DIR, one after
# another (MODE serial) or all at once; prints the seconds from the first
# start to the last end, then each push's seconds; exits 1 unless every push
# says the hub acknowledged its M stories. One process starts them all, so
# that the measuring adds no processes of its own beside the pushes.
cat >pushes.py <<'PY'
import subprocess, sys, time
mode, kiosk, url, m, dirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
lat, bad, procs = [0.0] * len(dirs), [], []
def start(i):
    out = open(dirs[i] + ".out", "wb")
    p = subprocess.Popen([kiosk, "push", "--data", dirs[i], "--url", url], stdout=out,
                         stderr=subprocess.STDOUT)
    out.close()
    return (p, time.perf_counter())
def end(i, p, t):
    p.wait()
    lat[i] = time.perf_counter() - t
    if p.returncode != 0 or ("the hub acknowledged %s " % m) not in open(dirs[i] + ".out").read():
        bad.append(dirs[i])
t0 = time.perf_counter()
if mode == "serial":
    for i in range(len(dirs)):
        end(i, *start(i))
else:
    procs = [start(i) for i in range(len(dirs))]
    for i, (p, t) in enumerate(procs):
        end(i, p, t)
print("%.4f" % (time.perf_counter() - t0), " ".join("%.4f" % x for x in lat))
for d in bad:
    sys.stderr.write("push failed: %s: %s\n" % (d, open(d + ".out").read().strip()[:200]))
sys.exit(1 if bad else 0)
PY
# CPU accounting, to read the ratio on a shared machine: the CPU seconds
# of this script's finished children (from what 'times' wrote, run in this
# shell: a subshell would count its own), the machine's busy and total CPU
# time (/proc/stat) and a running process's own (/proc/PID/stat).
HZ=$(getconf CLK_TCK)
children_cpu() { awk 'NR == 2 { s = 0; for (i = 1; i <= NF; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] } print s }' "$1"; }
machine() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
proc_cpu() { awk -v hz="$HZ" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }
# phase_start (server running), phase_end (before unserve), phase_done
# (after unserve), then phase_cpu prints "OURS BUSY CAPACITY" in CPU
# seconds: the pushes' and the server's (its start, the key unlock, left
# out), the whole machine's, and what its cores could give.
phase_start() { times >cpu.0; _s0=$(proc_cpu "$SRV"); set -- $(machine); _b0=$1 _t0=$2; }
phase_end() { set -- $(machine); _b1=$1 _t1=$2; }
phase_done() { times >cpu.1; }
phase_cpu() {
	awk -v c0="$(children_cpu cpu.0)" -v c1="$(children_cpu cpu.1)" -v s0="$_s0" \
	    -v b=$((_b1 - _b0)) -v t=$((_t1 - _t0)) -v hz="$HZ" \
	    'BEGIN { printf "%.3f %.3f %.3f\n", c1 - c0 - s0, b / hz, t / hz }'
}
fresh() {       # fresh copies of the kiosks and the hub store; serve it
	rm -rf run run.db run.db-wal run.db-shm
	mkdir run
	i=1
	while [ $i -le $K ]; do cp -Rp c$i run/c$i; i=$((i + 1)); done
	cp kseed.db run.db
	serve run.db
}
# measure OUT COMMAND...: run COMMAND, a driver that prints the seconds of
# the whole and then of each push or upload, against the running server,
# then stop the server; adds the figures to the ser_* or con_* lists (by
# $mode): seconds, each one's seconds, CPU and the share of the machine's
# CPU that other programs took meanwhile.
measure() {
	_out=$1
	shift
	phase_start
	"$@" >"$_out" || fail "$mode run failed: $(tail -3 srv.log)"
	phase_end
	unserve
	phase_done
	grep -q ' 5[0-9][0-9] ' srv.log && fail "the server answered 5xx: $(grep ' 5[0-9][0-9] ' srv.log | head -2)"
	set -- $(phase_cpu)
	_oth=$(awk -v o="$1" -v b="$2" -v t="$3" 'BEGIN { x = (b - o) / t; printf "%.2f", x < 0 ? 0 : x }')
	_t=$(cut -d' ' -f1 "$_out")
	_lat=$(cut -d' ' -f2- "$_out")
	if [ "$mode" = serial ]; then
		ser_t="$ser_t $_t" ser_lat="$ser_lat $_lat" ser_cpu="$ser_cpu $1"
	else
		con_t="$con_t $_t" con_lat="$con_lat $_lat" con_cpu="$con_cpu $1" con_others="$con_others $_oth"
	fi
}
last() { echo "$@" | awk '{ print $NF }'; }
# run_line WHAT: the last run's figures, one line.
run_line() {
	echo "  run $r: $1 one after another $(last $ser_t) s ($(last $ser_cpu) s of CPU), all at once $(last $con_t) s ($(last $con_cpu) s of CPU; other programs took $(last $con_others | awk '{printf "%d", $1 * 100}')% of the machine's CPU meanwhile)"
}
pct() {         # pct P VALUES...: the P-th percentile (nearest rank)
	p=$1
	shift
	printf '%s\n' "$@" | sort -g | awk -v p="$p" '{ v[NR] = $1 } END { r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; print v[r] }'
}
# summary TITLE ONE WHOSE CEILING: the medians of the ser_* and con_* lists
# (then emptied). ONE names a push or upload, WHOSE the CPU counted; the
# CPU's ceiling on the ratio is printed when CEILING is 1.
summary() {
	awk -v n=$((K * M)) -v s="$(median $ser_t)" -v c="$(median $con_t)" \
	    -v c50="$(pct 50 $con_lat)" -v c99="$(pct 99 $con_lat)" \
	    -v s50="$(pct 50 $ser_lat)" -v s99="$(pct 99 $ser_lat)" \
	    -v sc="$(median $ser_cpu)" -v cc="$(median $con_cpu)" -v oth="$(median $con_others)" \
	    -v cores="$(nproc)" -v title="$1" -v one="$2" -v whose="$3" -v ceiling="$4" 'BEGIN {
	printf "--- summary: %s (medians of runs, %d cores)\n", title, cores
	printf "  %-34s %8.0f stories/s (%.3f s)\n", "one after another", n / s, s
	printf "  %-34s %8.0f stories/s (%.3f s)\n", "all at once", n / c, c
	r = s / c
	printf "  ratio all at once / one after another %.2f %s (target >= 1.5 on 2 cores)\n", r, (r >= 1.5 ? "PASS" : "MISS")
	printf "  %-36s p50 %.3f s, p99 %.3f s\n", one ", all at once:", c50, c99
	printf "  %-36s p50 %.3f s, p99 %.3f s\n", one ", one at a time:", s50, s99
	printf "  CPU (%s): %.2f s one after another, %.2f s all at once; other programs took %d%% of the machine'"'"'s CPU meanwhile\n", whose, sc, cc, oth * 100
	if (ceiling && cc > 0)
		printf "  all at once needs %.2f s of %d cores: on an otherwise idle machine the CPU allows a ratio up to %.2f\n", cc / cores, cores, s / (cc / cores)
}'
	ser_t= con_t= ser_lat= con_lat= ser_cpu= con_cpu= con_others=
}
ser_t= con_t= ser_lat= con_lat= ser_cpu= con_cpu= con_others=
dirs=$(i=1; while [ $i -le $K ]; do printf 'run/c%d ' $i; i=$((i + 1)); done)
r=0
[ "$PART" = 3 ] && r=$RUNS
while [ $r -lt "$RUNS" ]; do
	r=$((r + 1))
	for mode in serial concurrent; do
		fresh
		measure pushes.out /usr/bin/python3 pushes.py "$mode" "$KIOSK" "$URL" "$M" $dirs
	done
	run_line "$K kiosks"
done
[ "$PART" != 3 ] && summary "$K kiosks x $M stories, one after another vs all at once" \
    "one kiosk's push" "pushes and server" 1
[ "$PART" = 2 ] && exit 0

# --- 3. the hub alone: the same uploads from one client process ----------
i=1
while [ $i -le $K ]; do
	rm -rf x$i b$i
	cp -Rp c$i x$i
	mkdir b$i
	"$KIOSK" export --data x$i --to b$i >/dev/null || fail "export"
	i=$((i + 1))
done
cat >send.py <<'PY'
# send.py PORT MODE HEADERS BODY...: POST each BODY to /v1/bundles with its
# signed HEADERS, one after another (MODE serial) or all at once (threads);
# prints the seconds from the first request to the last answer, then each
# upload's seconds; exits 1 unless every answer is 200.
import http.client, sys, threading, time
port, mode, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
reqs = []
for h, b in zip(args[0::2], args[1::2]):
    hdrs = dict(l.split(":", 1) for l in open(h).read().splitlines())
    hdrs = {k: v.strip() for k, v in hdrs.items() if v.strip()}
    reqs.append((hdrs, open(b, "rb").read()))
lat, bad = [0.0] * len(reqs), []
def one(i):
    t = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    c.request("POST", "/v1/bundles", body=reqs[i][1], headers=reqs[i][0])
    r = c.getresponse()
    r.read()
    if r.status != 200:
        bad.append(r.status)
    lat[i] = time.perf_counter() - t
t0 = time.perf_counter()
if mode == "serial":
    for i in range(len(reqs)):
        one(i)
else:
    th = [threading.Thread(target=one, args=(i,)) for i in range(len(reqs))]
    for t in th:
        t.start()
    for t in th:
        t.join()
print("%.4f" % (time.perf_counter() - t0), " ".join("%.4f" % x for x in lat))
sys.exit(1 if bad else 0)
PY
# signed: a fresh hub store served, each upload signed over a fresh nonce,
# then sent as $mode says.
signed() {
	rm -f run.db run.db-wal run.db-shm
	cp kseed.db run.db
	serve run.db
	set --
	i=1
	while [ $i -le $K ]; do
		b=$(ls b$i/*.skb)
		"$SIGNREQ" --data c$i --nonce "$(curl -s --max-time 10 "$URL/v1/nonce")" --body "$b" \
		    --type application/octet-stream >h$i || fail "sign-request"
		set -- "$@" h$i "$b"
		i=$((i + 1))
	done
	measure send.out /usr/bin/python3 send.py "${URL##*:}" "$mode" "$@"
}
r=0
while [ $r -lt "$RUNS" ]; do
	r=$((r + 1))
	for mode in serial concurrent; do
		signed
	done
	run_line "the hub takes $K uploads"
done
summary "the hub alone, $K uploads of $M stories from one client process" \
    "one upload's answer" "the server, and the client with its start" 0
