#!/bin/sh
# The hub on SQLite and on PostgreSQL side by side, in one run, at 10,000 and
# 100,000 stories of about 2 KB (BENCH_HUB_SIZES; what fits the time: the
# output says which sizes ran):
#   import   storyhub import of every bundle but the first (1,000 stories a
#            bundle) into a store where the kiosk is trusted: stories/s and
#            CPU per story (storyhub's own; on PostgreSQL the server's work
#            is not in it)
#   export   storyhub export --format csv --out FILE: CPU per story (user +
#            sys) against a plain `sqlite3 -csv` dump of the same rows
#            (target: at most 3x), and peak RSS (target: at 100,000 stories
#            at most 1.2x that at 10,000); medians of BENCH_HUB_RUNS runs
#   search   storyhub search --limit 50 of a frequent word (in most stories)
#            and of a rare one, the whole command: wall time, medians of 7
#            runs, and CPU time (user + sys), the mean of the same 7 (target
#            on SQLite: the frequent word within 50 ms at 100,000 stories;
#            on a shared machine the wall time also holds the waits for
#            other programs, the CPU time does not)
# PostgreSQL runs in a throw-away cluster (pg_virtualenv, as the tests do);
# without PostgreSQL installed, the SQLite figures alone.
: "${TOP:?run from bench/run-all}" "${BUILD:?}" "${HUB:?}"
SIZES=${BENCH_HUB_SIZES:-"10000 100000"}
RUNS=${BENCH_HUB_RUNS:-3}
GEN="$TOP/$BUILD/tests/gen-bundles"
KEYTOOL="$TOP/$BUILD/tests/cheap-hubkey"
TIME=/usr/bin/time

if [ -z "${PG_TEST_INSIDE:-}" ]; then
	for t in "$GEN" "$KEYTOOL"; do
		[ -x "$t" ] || { echo "bench/hub.sh: $t missing (make check builds it)"; exit 1; }
	done
	[ -x "$TIME" ] || { echo "bench/hub.sh: needs $TIME (Debian's time package)"; exit 1; }
	command -v sqlite3 >/dev/null || { echo "bench/hub.sh: needs the sqlite3 shell (install-deps)"; exit 1; }
	if command -v pg_virtualenv >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
		# the rest of this script runs inside a throw-away cluster
		set -- bench
		. "$TOP/tests/e2e/pg.lib"
	fi
	echo "PostgreSQL is not installed: SQLite only"
	ENGINES=sqlite
else
	. "$TOP/tests/e2e/pg.lib"
	ENGINES="sqlite postgresql"
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/bench-hub.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
export STORYHUB_PASSPHRASE="bench passphrase"
"$KEYTOOL" hub || exit 1

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# timed OUT COMMAND...: run it; OUT gets "elapsed user sys maxrss_kb"
timed() {
	_o=$1
	shift
	"$TIME" -f '%e %U %S %M' -o "$_o" "$@" >/dev/null 2>"$_o.err" || {
		echo "bench/hub.sh: failed: $*"; cat "$_o.err"; exit 1; }
}
field() { awk -v f="$2" '{ print $f }' "$1" | tail -n 1; }
cpu() { awk '{ printf "%.3f", $2 + $3 }' "$1" | tail -n 1; }
ms_of() { # wall time of COMMAND in ms, median of 7
	for _i in 1 2 3 4 5 6 7; do
		_t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		_t1=$(date +%s%N)
		echo $(((_t1 - _t0) / 1000000))
	done | median
}
cpu_ms_of() { # CPU time of COMMAND in ms, the mean of 7 runs
	"$TIME" -f '%U %S' -o cpu7 sh -c 'for i in 1 2 3 4 5 6 7; do "$@" >/dev/null 2>&1; done' \
	    sh "$@"
	awk '{ printf "%.0f", ($1 + $2) * 1000 / 7 }' cpu7 | tail -n 1
}

store_of() { # ENGINE N
	if [ "$1" = sqlite ]; then echo "$W/s$2.db"; else echo "postgresql:///b$2"; fi
}

for N in $SIZES; do
	NB=$((N / 1000))
	echo "--- $N stories ($NB bundles of 1,000, ~2 KB each)"
	rm -rf bundles
	t0=$(date +%s)
	KID=$("$GEN" bundles hub/hub.pub "$NB" 1000) || exit 1
	echo "  generated in $(($(date +%s) - t0)) s"
	set -- bundles/*.skb
	first=$1
	shift
	for E in $ENGINES; do
		S=$(store_of "$E" "$N")
		[ "$E" = postgresql ] && { pg_newdb "b$N" >/dev/null || exit 1; }
		"$HUB" import --store "$S" --key hub/hub.key --no-receipt "$first" >/dev/null 2>&1
		"$HUB" kiosks --store "$S" --key hub/hub.key trust "$KID" >/dev/null 2>&1 || exit 1
		timed imp.$E "$HUB" import --store "$S" --key hub/hub.key --no-receipt "$@"
		n=$((N - 1000))
		printf '%s_import %s %s\n' "$E" \
		    "$(awk -v n=$n '{ printf "%.0f", n / $1 }' imp.$E)" \
		    "$(awk -v n=$n '{ printf "%.1f", ($2 + $3) / n * 1e6 }' imp.$E)" >>"res.$N"
		for r in $(seq "$RUNS"); do
			timed exp.$E.$r "$HUB" export --store "$S" --format csv --out "$W/out.csv"
		done
		for r in $(seq "$RUNS"); do cpu exp.$E.$r; echo; done | median >cpu.$E
		for r in $(seq "$RUNS"); do field exp.$E.$r 4; done | median >rss.$E
		for r in $(seq "$RUNS"); do field exp.$E.$r 1; done | median >wall.$E
		printf '%s_export %s %s %s\n' "$E" "$(cat cpu.$E)" "$(cat rss.$E)" "$(cat wall.$E)" >>"res.$N"
		printf '%s_search %s %s %s %s\n' "$E" \
		    "$(ms_of "$HUB" search --store "$S" --limit 50 community)" \
		    "$(ms_of "$HUB" search --store "$S" --limit 50 nothinglikethis)" \
		    "$(cpu_ms_of "$HUB" search --store "$S" --limit 50 community)" \
		    "$(cpu_ms_of "$HUB" search --store "$S" --limit 50 nothinglikethis)" >>"res.$N"
		rows=$("$HUB" search --store "$S" --limit 50 community | tail -n 1)
		echo "  $E: search 'community': $rows"
	done
	for r in $(seq "$RUNS"); do
		timed base.$r sh -c 'sqlite3 -csv "$1" "SELECT * FROM stories WHERE withdrawn = 0 ORDER BY n" >"$2"' \
		    sh "$W/s$N.db" "$W/out.csv"
	done
	for r in $(seq "$RUNS"); do cpu base.$r; echo; done | median >cpu.base
	echo "base_export $(cat cpu.base)" >>"res.$N"
	rm -f "$W/out.csv"
	sed 's/^/  raw: /' "res.$N"
done

val() { awk -v k="$2" '$1 == k { print $'"$3"' }' "res.$1"; }
verdict() { awk -v r="$1" -v t="$2" -v d="$3" 'BEGIN { ok = d == "le" ? r <= t : r >= t; print ok ? "PASS" : "MISS" }'; }
echo "--- summary: hub on SQLite and PostgreSQL (sizes run: $SIZES)"
for N in $SIZES; do
	printf '  %s stories\n' "$N"
	printf '    %-11s %-38s %-38s\n' "" "SQLite" "PostgreSQL"
	for E in $ENGINES; do
		eval "imp_$E='$(val "$N" "${E}_import" 2) stories/s, $(val "$N" "${E}_import" 3) us CPU/story'"
		c=$(val "$N" "${E}_export" 2)
		eval "exp_$E='$(awk -v c="$c" -v n="$N" 'BEGIN { printf "%.1f", c / n * 1e6 }') us CPU/story, $(val "$N" "${E}_export" 3) KiB RSS'"
		eval "sea_$E='$(val "$N" "${E}_search" 2)/$(val "$N" "${E}_search" 4) ms frequent, $(val "$N" "${E}_search" 3)/$(val "$N" "${E}_search" 5) ms rare'"
	done
	printf '    %-11s %-38s %-38s\n' import "$imp_sqlite" "${imp_postgresql:--}"
	printf '    %-11s %-38s %-38s\n' "export csv" "$exp_sqlite" "${exp_postgresql:--}"
	printf '    %-11s %-38s %-38s\n' search "$sea_sqlite" "${sea_postgresql:--}"
	printf '    %-11s %s\n' "" "(search: wall/CPU of the whole command, ms)"
	base=$(val "$N" base_export 2)
	r=$(awk -v a="$(val "$N" sqlite_export 2)" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
	printf '    export CPU against sqlite3 -csv of the same rows (%s us/story): %sx  %s (target <= 3)\n' \
	    "$(awk -v c="$base" -v n="$N" 'BEGIN { printf "%.1f", c / n * 1e6 }')" "$r" "$(verdict "$r" 3 le)"
done
set -- $SIZES
if [ $# -ge 2 ]; then
	small=$1
	eval "large=\${$#}"
	for E in $ENGINES; do
		r=$(awk -v a="$(val "$large" "${E}_export" 3)" -v b="$(val "$small" "${E}_export" 3)" \
		    'BEGIN { printf "%.2f", a / b }')
		printf '  %s export RSS at %s against %s stories: %sx  %s (target <= 1.2)\n' "$E" \
		    "$large" "$small" "$r" "$(verdict "$r" 1.2 le)"
	done
	t=$(val "$large" sqlite_search 2)
	c=$(val "$large" sqlite_search 4)
	printf '  SQLite search of a frequent word at %s stories: %s ms wall  %s (target <= 50); %s ms CPU\n' \
	    "$large" "$t" "$(verdict "$t" 50 le)" "$c"
fi
