#!/bin/sh
# Hub import and kiosk export against their limits (issue 4), in one run:
#   import (in-process)  import_files(): the code path of `storyhub import`
#   import (storyhub)    the real binary, passphrase (Argon2id) included
#   limit                the same work plainly: verify + seal_open + payload
#                        decode (payread) + content hash + insert into the
#                        hub's table with its unique indexes and FTS5 index,
#                        one transaction per bundle, one thread
#   export               export_run() (storykiosk export --all)
#   sign+write           the same sealed bytes signed (Ed25519ph) and written
# Stories/s are medians over $RUNS runs (the binary: $BIN_RUNS, it is slow;
# export and sign+write: $EXPORT_RUNS, each takes only some 20 ms). Size:
# BENCH_BUNDLES x BENCH_STORIES (default 100 x 1000 stories of ~2 KB),
# BENCH_EXPORT stories for export.
: "${TOP:?run from bench/run-all}" "${BUILD:?}" "${HUB:?}"
BUNDLES=${BENCH_BUNDLES:-100}
STORIES=${BENCH_STORIES:-1000}
EXPORT=${BENCH_EXPORT:-2000}
RUNS=${BENCH_RUNS:-3}
EXPORT_RUNS=${BENCH_EXPORT_RUNS:-15}
BIN_RUNS=${BENCH_BIN_RUNS:-1}
# The binary is a cross-check of the same code path (plus the Argon2id key
# load): over the first 10 bundles by default, as all 100 take a minute a run.
BIN_BUNDLES=${BENCH_BIN_BUNDLES:-10}
PROG="$TOP/$BUILD/bench/import"
[ -x "$PROG" ] || { echo "bench/import.sh: $PROG missing (make bench-progs)"; exit 1; }
[ "$BUNDLES" = 100 ] && [ "$STORIES" = 1000 ] ||
	echo "note: scaled down to $BUNDLES x $STORIES stories (BENCH_BUNDLES/BENCH_STORIES)"

W=$(mktemp -d "${TMPDIR:-/tmp}/bench-import.XXXXXX")
trap 'rm -rf "$W"' EXIT
echo "generating $BUNDLES bundles x $STORIES stories, then $RUNS runs of each bench ($(nproc) cores)"
TOP="$TOP" "$PROG" "$W" "$BUNDLES" "$STORIES" "$RUNS" "$EXPORT" "$EXPORT_RUNS" >"$W/out" || {
	cat "$W/out"; echo "bench/import.sh: bench-import failed"; exit 1; }
sed 's/^/  /' "$W/out"
val() { sed -n "s/^$1 //p" "$W/out"; }

# The storyhub binary, same bundles, into a copy of the seed store (kiosk trusted).
[ "$BIN_BUNDLES" -le "$BUNDLES" ] || BIN_BUNDLES=$BUNDLES
total=$((BIN_BUNDLES * STORIES))
files=$(ls "$W"/bundles/*.skb | head -n "$BIN_BUNDLES")
times=
r=0
[ "$BIN_BUNDLES" -gt 0 ] || BIN_RUNS=0
while [ "$r" -lt "$BIN_RUNS" ]; do
	r=$((r + 1))
	rm -f "$W/bin.db" "$W/bin.db-wal" "$W/bin.db-shm"
	cp "$W/seed.db" "$W/bin.db"
	t0=$(date +%s.%N)
	STORYHUB_PASSPHRASE='bench passphrase' "$HUB" import --store "$W/bin.db" \
	    --key "$W/hub/hub.key" $files >"$W/bin.out" 2>&1 || {
		cat "$W/bin.out"; echo "bench/import.sh: storyhub import failed"; exit 1; }
	t1=$(date +%s.%N)
	t=$(echo "$t1 - $t0" | bc -l)
	echo "  run $r storyhub_import_s $t ($(tail -1 "$W/bin.out"))"
	times="$times $t"
done
bin_sps=-
[ -n "$times" ] && bin_sps=$(printf '%s\n' $times | sort -g |
    awk -v n="$total" '{v[NR]=$1} END {printf "%.0f", n / ((NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}')

imp=$(val import_sps) lim=$(val limit_sps) exp=$(val export_sps) sig=$(val sign_sps)
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "PASS" : "MISS" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
r_imp=$(ratio "$imp" "$lim")
[ "$EXPORT" -gt 0 ] && r_exp=$(ratio "$exp" "$sig")

echo "--- summary: import/export ($BUNDLES x $STORIES stories of ~2 KB, medians of $RUNS)"
printf '  %-28s %8s stories/s\n' "limit (same index work, 1 thr)" "$lim"
printf '  %-28s %8s stories/s  ratio %s  %s (target >= 0.8)\n' "import (in-process)" "$imp" \
    "$r_imp" "$(verdict "$r_imp" 0.8)"
printf '  %-28s %8s stories/s  (cross-check, %s run(s): smaller store, Argon2id key load)\n' \
    "storyhub import, $BIN_BUNDLES bundles" "$bin_sps" "$BIN_RUNS"
printf '  %-28s import %s us, limit %s us (ratio %s; all threads)\n' "CPU per story" \
    "$(val import_cpu_us)" "$(val limit_cpu_us)" "$(ratio "$(val import_cpu_us)" "$(val limit_cpu_us)")"
[ "$EXPORT" -gt 0 ] || exit 0
printf '  %-28s %8s stories/s  (medians of %s)\n' "limit (sign+write, $EXPORT)" "$sig" \
    "$EXPORT_RUNS"
printf '  %-28s %8s stories/s  ratio %s  %s (target >= 0.8)\n' "export (export_run --all)" \
    "$exp" "$r_exp" "$(verdict "$r_exp" 0.8)"
