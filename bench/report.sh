#!/bin/sh
# storyhub report against its targets (issue 15), in one run:
#   time  `storyhub report --by role` over BENCH_REPORT_BUNDLES x
#         BENCH_REPORT_STORIES stories (default 100 x 1000 = 100,000), as a
#         ratio to `storyhub export --format csv` of the same store (median
#         of BENCH_REPORT_RUNS alternating runs; target at most 2): CPU time
#         (user + system, what the verdict is on: the machine is shared, so
#         the wall clock waits on others) and the wall clock
#   RSS   the report's peak resident memory over the first
#         BENCH_REPORT_SMALL bundles (default 10: 10,000 stories) and over
#         all of them (target: at most 1.2 apart; memory must not grow with
#         the store). The figure includes the store engine's page cache,
#         which fills as the pass reads the store, up to the size the engine
#         gives it (SQLite's cache_size): a cache larger than the small
#         store shows here as growth that stops at that size.
# The stores come from bench-import --store (bench/import.c: the import
# bench's generator with answers that vary), imported by import_files().
: "${TOP:?run from bench/run-all}" "${BUILD:?}" "${HUB:?}"
BUNDLES=${BENCH_REPORT_BUNDLES:-100}
STORIES=${BENCH_REPORT_STORIES:-1000}
SMALL=${BENCH_REPORT_SMALL:-10}
RUNS=${BENCH_REPORT_RUNS:-3}
PROG="$TOP/$BUILD/bench/import"
FORM="$TOP/forms/partnership.yaml"
TIME=/usr/bin/time
[ -x "$PROG" ] || { echo "bench/report.sh: $PROG missing (make bench-progs)"; exit 1; }
[ -x "$TIME" ] || { echo "bench/report.sh: $TIME missing (Debian's time package) to measure peak memory"; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/bench-report.XXXXXX")
trap 'rm -rf "$W"' EXIT
echo "making stores of $((SMALL * STORIES)) and $((BUNDLES * STORIES)) stories ($(nproc) cores)"
TOP="$TOP" "$PROG" --store "$W" "$BUNDLES" "$STORIES" "$SMALL" >"$W/gen.out" 2>&1 || {
	cat "$W/gen.out"; echo "bench/report.sh: bench-import --store failed"; exit 1; }
sed 's/^/  /' "$W/gen.out"

# measure NAME COMMAND...: one "NAME wall-seconds kilobytes cpu-seconds"
# line (GNU time; CPU = user + system).
measure() {
	_n=$1
	shift
	"$TIME" -f "$_n %e %M %U %S" -o "$W/time.out" "$@" >"$W/cmd.out" 2>&1 || {
		cat "$W/cmd.out"; echo "bench/report.sh: $_n failed"; exit 1; }
	awk '{ printf "%s %s %s %.2f\n", $1, $2, $3, $4 + $5 }' "$W/time.out"
}

: >"$W/runs"
r=0
while [ "$r" -lt "$RUNS" ]; do
	r=$((r + 1))
	measure export "$HUB" export --store "$W/store.db" --format csv --out "$W/all.csv" >>"$W/runs"
	measure report "$HUB" report --store "$W/store.db" --form-file "$FORM" --by role \
	    --out "$W/report.html" >>"$W/runs"
	measure small "$HUB" report --store "$W/small.db" --form-file "$FORM" --by role \
	    --out "$W/small.html" >>"$W/runs"
	tail -3 "$W/runs" | sed "s/^/  run $r /"
done
ls -l "$W/all.csv" "$W/report.html" | awk '{ printf "  %s %.1f MB\n", $NF, $5 / 1e6 }'

median() {  # median NAME FIELD
	awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$W/runs" | sort -g |
	    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
te=$(median export 2) tr=$(median report 2) mb=$(median report 3) ms=$(median small 3)
ce=$(median export 4) cr=$(median report 4) cs=$(median small 4)
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "PASS" : "MISS" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rt=$(ratio "$tr" "$te")
rc=$(ratio "$cr" "$ce")
rm_=$(ratio "$mb" "$ms")
echo "--- summary: report ($((BUNDLES * STORIES)) stories, --by role, medians of $RUNS)"
printf '  %-34s %8s s CPU  %8s s wall\n' "export --format csv" "$ce" "$te"
printf '  %-34s %8s s CPU  %8s s wall  ratio %s CPU, %s wall  %s (target <= 2)\n' "report" \
    "$cr" "$tr" "$rc" "$rt" "$(verdict "$rc" 2)"
printf '  %-34s %8s s CPU\n' "report, $((SMALL * STORIES)) stories" "$cs"
printf '  %-34s %8s KB\n' "report peak RSS, $((SMALL * STORIES)) stories" "$ms"
printf '  %-34s %8s KB  ratio %s  %s (target <= 1.2)\n' \
    "report peak RSS, $((BUNDLES * STORIES)) stories" "$mb" "$rm_" "$(verdict "$rm_" 1.2)"
