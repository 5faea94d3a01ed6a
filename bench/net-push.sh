#!/bin/sh
# Network sync throughput over loopback (issue 5): `storykiosk push` (build
# the bundle, POST it, `storyhub serve` verifies and imports it, receipt
# verified, stories marked acknowledged) against `storyhub import` of the same
# stories as one bundle file. Both start from the same hub store (kiosk
# trusted, none of these stories held yet). The server unlocks the hub key
# before the clock starts; `storyhub import` unlocks it on every run, so the
# import time is also given without that key load (measured alone).
# Stories/s are medians over $RUNS runs; target: push >= 0.8 x import.
: "${TOP:?run from bench/run-all}" "${KIOSK:?}" "${HUB:?}"
S=${BENCH_NET_STORIES:-2000}
RUNS=${BENCH_RUNS:-3}
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

echo "setting up: one kiosk, $S stories of ~1 KB ($(nproc) cores)"
"$HUB" keygen --out hub >/dev/null || fail keygen
"$KIOSK" init --data k --hub-key hub/hub.pub --name bench >/dev/null || fail init
story() {
	printf '{"lang":"en","consent":"quotes","prompt":"worked","answers":{"story":"Story %s. %s","title":"t","drivers":[0.5,0.25,0.25],"equal":50,"listened":50,"trust":0,"obstacles":["funding"],"role":"other","role_other":"bench","age":null}}\n' \
	    "$1" "$(head -c 600 /dev/zero | tr '\0' 'x')"
}
story 0 | "$KIOSK" add --data k --form "$FORM" - >/dev/null || fail add
serve seed.db
"$KIOSK" push --data k --url "$URL" >/dev/null || fail "first push"
unserve
KID=$("$KIOSK" status --data k | sed -n 's/^kiosk id: *//p')
"$HUB" kiosks --store seed.db --key hub/hub.key trust "$KID" >/dev/null || fail trust
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
