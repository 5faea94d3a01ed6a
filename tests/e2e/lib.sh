# The TAP library of the end-to-end tests (sourced, POSIX sh). Every script
# in tests/e2e/ sources this file (directly or through kiosk.lib or net.lib),
# reports through it and ends with t_done; tests/run-all counts the
# "ok N - ..." and "not ok N - ..." lines it prints.
#
#   ok "description"                      a pass
#   notok "description"                   a failure (with the diagnostics)
#   check "description" command...        ok if the command exits 0
#   check_ok "description" command...     the same, its output kept in
#                                         $T_DIR/out (last_out) and shown on
#                                         failure
#   check_fail "description" command...   the command must exit non-zero with
#                                         a one-line "storykiosk:"/"storyhub:"
#                                         message, and not crash
#   t_skip "why"                          a check that cannot run here: a
#                                         "# skip - why" comment, not a pass
#   t_skip_all "why"                      the whole script cannot run here:
#                                         the comment, the plan 1..0, exit 0
#   t_done                                the plan 1..N; non-zero on a failure
#   wait_for CONDITION [SECONDS]          poll until CONDITION holds
#   holds CONDITION SECONDS               CONDITION stays true that long
#   t_hubkey DIR                          a hub key pair in DIR, as keygen
#                                         makes, but cheap to unlock
#   t_store NAME                          a new hub store for --store: NAME.db
#                                         (SQLite), or under pg.lib a new
#                                         PostgreSQL database (its URI)
#   t_store_sql STORE SQL                 one statement on that store's tables
#   t_store_bytes STORE                   all it holds (file or pg_dump)
#
# Each script gets a private directory, $T_DIR, removed at exit. A domain
# library adds its own clean-up to T_CLEANUP and its own diagnostics for a
# failed check to T_DIAG (both lists of function names).

: "${TOP:?run through tests/run-all (TOP, KIOSK, HUB)}"
: "${KIOSK:?}" "${HUB:?}" "${BUILD:=build/plain}"
T_N=0
T_FAILED=0
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ske2e.XXXXXX")
T_CLEANUP=
T_DIAG=
export LC_ALL=C.UTF-8
export STORYHUB_PASSPHRASE="correct horse battery staple"
export STORYKIOSK_PIN=2468

t_cleanup() {
	for _tc in $T_CLEANUP; do "$_tc"; done
	cd / && rm -rf "$T_DIR"
}
trap t_cleanup EXIT
# A test stopped by tests/run-all's timeout still cleans up (servers, tmux).
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# t_report STATUS DESC [OUTPUT-FILE]: the one place a TAP line is printed;
# a failure shows the command's output, then each T_DIAG function's report.
t_report() {
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
		return 0
	fi
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $2"
	if [ -n "${3:-}" ] && [ -s "$3" ]; then
		sed 's/^/#   /' "$3" | head -20
	fi
	for _td in $T_DIAG; do "$_td"; done
	return 0
}

ok() { t_report 0 "$1"; }
notok() { t_report 1 "$1"; }

check() {
	_t_desc=$1
	shift
	"$@"
	t_report $? "$_t_desc" "$T_DIR/out"
}

check_ok() {
	_t_desc=$1
	shift
	"$@" >"$T_DIR/out" 2>&1
	t_report $? "$_t_desc" "$T_DIR/out"
}

# The command must fail, say why on one line prefixed with the program's name,
# and not crash (exit status below 128).
check_fail() {
	_t_desc=$1
	shift
	"$@" >"$T_DIR/out" 2>&1
	_t_rc=$?
	if [ "$_t_rc" -ne 0 ] && [ "$_t_rc" -lt 128 ] &&
	    grep -Eq '^(storykiosk|storyhub): ' "$T_DIR/out"; then
		_t_rc=0
	else
		echo "# exit status $_t_rc" >>"$T_DIR/out"
		_t_rc=1
	fi
	t_report "$_t_rc" "$_t_desc" "$T_DIR/out"
}

# Output of the last check_ok/check_fail.
last_out() {
	cat "$T_DIR/out"
}

t_skip() {
	echo "# skip - $*"
}

t_skip_all() {
	t_skip "$@"
	echo "1..0"
	exit 0
}

t_done() {
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
}

t_now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_for CONDITION [SECONDS]: evaluate CONDITION (a command line, often a
# function with its arguments) every 0.1 s until it succeeds; non-zero once
# SECONDS (default 5, fractions allowed) have passed without. It keeps its
# state in its own arguments, so a condition may itself call wait_for.
wait_for() {
	set -- "$1" $(($(t_now_ms) + $(awk -v s="${2:-5}" 'BEGIN { printf "%d", s * 1000 }')))
	until eval "$1"; do
		[ "$(t_now_ms)" -lt "$2" ] || return 1
		sleep 0.1       # the poll interval
	done
}

# holds CONDITION SECONDS: CONDITION stays true for SECONDS, checked every
# 0.1 s (fails as soon as it does not): for what must not happen, such as a
# program exiting or a push starting, where waiting out the time is the test.
holds() {
	! wait_for "! { $1; }" "$2"
}

# t_quote STRING: STRING quoted for the shell, to build a wait_for CONDITION.
t_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# flip_byte FILE OFFSET: invert one byte in place (a fixed replacement byte
# would leave the file unchanged whenever it was already that byte).
flip_byte() {
	fb=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
	[ -n "$fb" ] || return 1
	printf "\\$(printf %03o $((255 - fb)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# t_hubkey DIR: DIR/hub.pub and DIR/hub.key as `storyhub keygen --out DIR`
# writes them, locked with $STORYHUB_PASSPHRASE at the smallest Argon2id cost
# (tests/tools/cheap-hubkey.c), so each import or serve that unlocks it costs
# microseconds, not 0.3 s and 128 MiB. Tests of keygen itself use keygen.
# Under make check ARCH=arm64 the arm64 tool runs under $EMU (qemu-aarch64).
# t_store NAME: the --store of a new hub store called NAME. The hub tests
# use it for every store, so that a pg-*.sh variant (pg.lib) runs them on
# PostgreSQL.
t_store() {
	if [ "${HUB_ENGINE:-sqlite}" = pg ]; then
		# one server may serve several tests: the name carries this one's
		pg_newdb "$1_$(basename "$T_DIR" | tr 'A-Z' 'a-z' | tr -dc 'a-z0-9')"
	else
		echo "$1.db"
	fi
}

# t_store_sql STORE SQL: run one SQL statement on the hub store STORE (its
# tables by their plain names) and print the rows: sqlite3 for a file, psql
# for a postgresql:// URI (the schema storyhub).
t_store_sql() {
	case $1 in
	postgres://* | postgresql://*)
		PGOPTIONS="-c search_path=storyhub" psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"
		;;
	*) sqlite3 -batch "$1" "$2" ;;
	esac
}

# t_store_bytes STORE: every byte the hub store STORE holds, for the checks
# that something never reaches it: the file and its WAL, or the database's
# dump (pg_dump, as the role storyhub).
t_store_bytes() {
	case $1 in
	postgres://* | postgresql://*) pg_dump -d "$1" --data-only ;;
	*) cat "$1" && { [ ! -e "$1-wal" ] || cat "$1-wal"; } ;;
	esac
}

t_hubkey() {
	STORYHUB_PASSPHRASE=${STORYHUB_PASSPHRASE:-} ${EMU:-} "$TOP/$BUILD/tests/cheap-hubkey" "$1"
}
