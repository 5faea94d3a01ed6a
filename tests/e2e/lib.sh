# Shared helpers for the end-to-end tests (sourced, POSIX sh).
# Each test prints TAP lines; tests/run-all counts them.
#   check_ok  "description" command...   the command must exit 0
#   check_fail "description" command...  the command must exit non-zero with a
#                                        one-line "storykiosk:"/"storyhub:" message
#   check     "description" test-expression...

: "${TOP:?run through tests/run-all (TOP, KIOSK, HUB)}"
: "${KIOSK:?}" "${HUB:?}"
T_N=0
T_FAILED=0
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ske2e.XXXXXX")
trap 'rm -rf "$T_DIR"' EXIT
export LC_ALL=C.UTF-8
export STORYHUB_PASSPHRASE="correct horse battery staple"
export STORYKIOSK_PIN=2468

t_report() {
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
	else
		T_FAILED=$((T_FAILED + 1))
		echo "not ok $T_N - $2"
		[ -s "$T_DIR/out" ] && sed 's/^/#   /' "$T_DIR/out" | head -20
	fi
	return 0
}

check_ok() {
	desc=$1
	shift
	"$@" >"$T_DIR/out" 2>&1
	t_report $? "$desc"
}

# The command must fail, say why on one line prefixed with the program's name,
# and not crash (exit status below 128).
check_fail() {
	desc=$1
	shift
	"$@" >"$T_DIR/out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] &&
	    grep -Eq '^(storykiosk|storyhub): ' "$T_DIR/out"; then
		t_report 0 "$desc"
	else
		echo "# exit status $rc" >>"$T_DIR/out"
		t_report 1 "$desc"
	fi
}

check() {
	desc=$1
	shift
	if "$@"; then t_report 0 "$desc"; else t_report 1 "$desc"; fi
}

# Output of the last check_ok/check_fail.
last_out() {
	cat "$T_DIR/out"
}

t_done() {
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
}

# flip_byte FILE OFFSET: invert one byte in place (a fixed replacement byte
# would leave the file unchanged whenever it was already that byte).
flip_byte() {
	fb=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
	[ -n "$fb" ] || return 1
	printf "\\$(printf %03o $((255 - fb)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
