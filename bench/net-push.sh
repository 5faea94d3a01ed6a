#!/bin/sh
# Network sync over loopback, in two parts.
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
# Stories/s are medians over $RUNS runs; latencies are over every push of
# every run.
: "${TOP:?run from bench/run-all}" "${KIOSK:?}" "${HUB:?}"
S=${BENCH_NET_STORIES:-2000}
RUNS=${BENCH_RUNS:-3}
K=${BENCH_NET_KIOSKS:-20}
M=${BENCH_NET_KIOSK_STORIES:-50}
PART=${BENCH_NET_PART:-all}     # 1, 2 or all
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
if [ "$PART" != 2 ]; then
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

# one PUSH DIR: push the kiosk in DIR, printing "start end" (s) on success.
one() {
	_start=$(now)
	"$KIOSK" push --data "$1" --url "$URL" >"$1.out" 2>&1 || { echo fail; return 1; }
	grep -q "the hub acknowledged $M " "$1.out" || { echo fail; return 1; }
	echo "$_start $(now)"
}
fresh() {       # fresh copies of the kiosks and the hub store; serve it
	rm -rf run run.db run.db-wal run.db-shm
	mkdir run
	i=1
	while [ $i -le $K ]; do cp -Rp c$i run/c$i; i=$((i + 1)); done
	cp kseed.db run.db
	serve run.db
}
ser_t= con_t= ser_lat= con_lat=
r=0
while [ $r -lt "$RUNS" ]; do
	r=$((r + 1))
	fresh
	t0=$(now)
	i=1
	while [ $i -le $K ]; do
		one run/c$i >run/lat.$i || fail "serial push: $(cat run/c$i.out)"
		i=$((i + 1))
	done
	t1=$(now)
	unserve
	ser_t="$ser_t $(echo "$t1 - $t0" | bc -l)"
	ser_lat="$ser_lat $(cat run/lat.* | awk '{ printf "%s ", $2 - $1 }')"

	fresh
	t0=$(now)
	i=1
	pids=
	while [ $i -le $K ]; do
		one run/c$i >run/lat.$i &
		pids="$pids $!"
		i=$((i + 1))
	done
	for p in $pids; do wait "$p" || fail "concurrent push: $(cat run/c*.out | grep -v 'acknowledged' | head -3)"; done
	t1=$(now)
	unserve
	grep -q ' 5[0-9][0-9] ' srv.log && fail "the server answered 5xx: $(grep ' 5[0-9][0-9] ' srv.log | head -2)"
	con_t="$con_t $(echo "$t1 - $t0" | bc -l)"
	con_lat="$con_lat $(cat run/lat.* | awk '{ printf "%s ", $2 - $1 }')"
	echo "  run $r: $K kiosks one after another $(echo $ser_t | awk '{print $NF}') s, all at once $(echo $con_t | awk '{print $NF}') s"
done
pct() {         # pct P VALUES...: the P-th percentile (nearest rank)
	p=$1
	shift
	printf '%s\n' "$@" | sort -g | awk -v p="$p" '{ v[NR] = $1 } END { r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; print v[r] }'
}
sm=$(median $ser_t) cm=$(median $con_t)
awk -v n=$((K * M)) -v k=$K -v s="$sm" -v c="$cm" -v c50="$(pct 50 $con_lat)" \
    -v c99="$(pct 99 $con_lat)" -v s50="$(pct 50 $ser_lat)" -v s99="$(pct 99 $ser_lat)" \
    -v cores="$(nproc)" 'BEGIN {
	printf "--- summary: %d kiosks x %d stories, one after another vs all at once (medians of runs, %d cores)\n", k, n / k, cores
	printf "  %-34s %8.0f stories/s (%.3f s)\n", "one after another", n / s, s
	printf "  %-34s %8.0f stories/s (%.3f s)\n", "all at once", n / c, c
	r = s / c
	printf "  ratio all at once / one after another %.2f %s (target >= 1.5 on 2 cores)\n", r, (r >= 1.5 ? "PASS" : "MISS")
	printf "  one kiosk'"'"'s push, all at once:      p50 %.3f s, p99 %.3f s\n", c50, c99
	printf "  one kiosk'"'"'s push, one at a time:    p50 %.3f s, p99 %.3f s\n", s50, s99
}'
