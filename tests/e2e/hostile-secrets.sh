# Secrets (issue 17): storyhub, storykiosk and the push helper leave no core
# file when they crash, even under `ulimit -c unlimited` (RLIMIT_CORE 0 and
# PR_SET_DUMPABLE 0 first thing); STORYHUB_PASSPHRASE is gone from a running
# hub's environment once read; a hub.key with any group or other permission
# bit is refused with the chmod 600 to run.
# test: serial (it sets the kernel's core pattern, which every process shares)
. "$(dirname "$0")/kiosk.lib"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
PASS="secret-$$-passphrase-canary"
export STORYHUB_PASSPHRASE="$PASS"
REAL_KIOSK=$KIOSK

check "hub key" t_hubkey "$W/hub"
check "kiosk" sh -c "STORYKIOSK_PIN=$PIN '$KIOSK' init --data '$W/k' --hub-key '$W/hub/hub.pub' >/dev/null"
KID=$("$KIOSK" status --data "$W/k" | sed -n 's/^kiosk id: *//p')
add_stories "$W/k" 1 3

# --- hub.key's mode ----------------------------------------------------------
mkdir usb
"$KIOSK" export --data "$W/k" --to usb >/dev/null
B=$(ls usb/*.skb)
for mode in 644 640 604 620; do
	chmod $mode "$W/hub/hub.key"
	check_fail "hub.key mode $mode is refused" \
	    "$HUB" import --store hub.db --key "$W/hub/hub.key" --no-receipt "$B"
	check "... saying to run chmod 600" grep -q "run: chmod 600 $W/hub/hub.key" "$T_DIR/out"
done
check_fail "... by serve too" "$HUB" serve --store hub.db --key "$W/hub/hub.key" --listen 127.0.0.1:0
chmod 600 "$W/hub/hub.key"
check_ok "mode 600 is taken" "$HUB" import --store hub.db --key "$W/hub/hub.key" --no-receipt "$B"
check_ok "trust the kiosk" "$HUB" kiosks --store hub.db --key "$W/hub/hub.key" trust "$KID"

# --- cores -------------------------------------------------------------------
# A core pattern in our directory, when the kernel lets us set one; a
# process that does not harden itself (sleep) shows the setup makes cores.
mkdir -m 1777 cores
old_pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
restore_pattern() {
	[ -n "${pattern_set:-}" ] && printf '%s\n' "$old_pattern" >/proc/sys/kernel/core_pattern
	return 0
}
T_CLEANUP="restore_pattern $T_CLEANUP"
pattern_set=
cores=0
case $old_pattern in
'|'*) echo "# core_pattern pipes cores to a handler ($old_pattern): the core checks below use /proc instead" ;;
esac
if printf '%s\n' "$T_DIR/cores/core.%e.%p" 2>/dev/null >/proc/sys/kernel/core_pattern; then
	pattern_set=1
	sh -c 'ulimit -c unlimited; exec sleep 30' &
	ctl=$!
	wait_for "[ -e /proc/$ctl ] && grep -q sleep /proc/$ctl/comm" 2
	kill -SEGV $ctl
	wait $ctl 2>/dev/null
	if wait_for '[ -n "$(ls cores)" ]' 5; then
		cores=1
		ok "control: a crashed sleep under ulimit -c unlimited leaves $(ls cores)"
		rm -f cores/*
	else
		t_skip "this kernel wrote no core even for a plain crashed process: only /proc is checked"
	fi
else
	t_skip "cannot set /proc/sys/kernel/core_pattern here: only /proc is checked"
fi

# no_core DESC PID: PID's core limit is 0 while it runs; killed with SEGV
# it leaves no core.
no_core() {
	check "$1: RLIMIT_CORE 0 (/proc/PID/limits)" \
	    grep -Eq '^Max core file size +0 +0 ' "/proc/$2/limits"
	kill -SEGV "$2"
	wait_for "[ ! -e /proc/$2 ] || grep -q '^State:.*Z' /proc/$2/status" 5
	if [ $cores -eq 1 ]; then
		holds '[ -z "$(ls cores)" ]' 1
		check "$1: killed with SIGSEGV under ulimit -c unlimited, no core file" \
		    test -z "$(ls cores)"
		rm -f cores/*
	fi
}

# storyhub serve, a story's text pushed into it, crashed.
SRV_LOG=$T_DIR/serve.log
(ulimit -c unlimited && exec "$HUB" serve --store hub.db --key "$W/hub/hub.key" \
    --listen 127.0.0.1:0) 2>"$SRV_LOG" &
SRV_PID=$!
check "storyhub serve started under ulimit -c unlimited" \
    wait_for 'server_port >/dev/null || ! kill -0 "$SRV_PID" 2>/dev/null' 30
URL=http://127.0.0.1:$(server_port)
# a hub that takes pushes from enrolled kiosks only (net.lib's enrol)
if type enrol >/dev/null 2>&1; then enrol "$W/k" hub.db; fi
add_stories "$W/k" 4 4
check_ok "push a story to it" "$KIOSK" push --data "$W/k" --url "$URL"
check "the passphrase is gone from the running hub's environment" sh -c \
    "! tr '\\0' '\\n' </proc/$SRV_PID/environ | grep -q '$PASS'"
sleep 30 &
ctl=$!
wait_for "[ \"\$(cat /proc/$ctl/comm 2>/dev/null)\" = sleep ]" 2
check "... (control: a process started with it shows it there)" sh -c \
    "tr '\\0' '\\n' </proc/$ctl/environ | grep -q '$PASS'"
kill $ctl
no_core "storyhub serve" "$SRV_PID"
wait "$SRV_PID" 2>/dev/null
SRV_PID=

# The push helper, waiting on a stopped hub, crashed.
start_server hub.db "$W/hub/hub.key"
add_stories "$W/k" 5 5
kill -STOP "$SRV_PID"
(ulimit -c unlimited && exec "$KIOSK" push --data "$W/k" --url "$URL" --timeout 60) >push.out 2>&1 &
PUSH=$!
check "storykiosk push runs the helper, storykiosk-push" \
    wait_for "[ \"\$(cat /proc/$PUSH/comm 2>/dev/null)\" = storykiosk-push ]" 5
no_core "storykiosk-push" "$PUSH"
wait $PUSH 2>/dev/null
kill -CONT "$SRV_PID"
stop_server

# The kiosk itself, in tmux, crashed.
printf '#!/bin/sh\nulimit -c unlimited\nexec "%s" "$@"\n' "$REAL_KIOSK" >kiosk-unlimited
chmod 755 kiosk-unlimited
KIOSK=$T_DIR/kiosk-unlimited
KIOSK_DATA=$W/k
start_kiosk
KIOSK=$REAL_KIOSK
kp=$(kiosk_pid)
check "storykiosk run is up ($kp)" test -n "$kp"
[ -n "$kp" ] && no_core "storykiosk run" "$kp"
# (139: SIGSEGV; under ASan its own handler reports the crash and exits 1)
check "... the kiosk crashed" wait_text "KIOSK-EXITED="

# --- not dumpable --------------------------------------------------------------
# Run as nobody, a dumpable process's /proc/PID/status belongs to nobody; an
# undumpable one's to root (the kernel's task_dump_owner).
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 711 "$T_DIR"
	mkdir -m 700 nb
	cp "$W/hub/hub.key" nb/hub.key
	chown -R 65534:65534 nb
	NOBODY="--reuid=65534 --regid=65534 --clear-groups"
	# (setpriv itself in the background: a function there would be a
	# subshell of root's)
	setpriv $NOBODY sleep 30 &
	ctl=$!
	wait_for "[ \"\$(stat -c %u /proc/$ctl/status 2>/dev/null)\" = 65534 ]" 2
	check "control: nobody's sleep has /proc/PID/status owned by nobody" \
	    test "$(stat -c %u /proc/$ctl/status)" = 65534
	kill $ctl
	setpriv $NOBODY "$HUB" serve --store nb/hub.db --key nb/hub.key --listen 127.0.0.1:0 \
	    2>nb.log &
	nbp=$!
	SRV_PID=$nbp
	if wait_for 'grep -q listening nb.log || ! kill -0 $nbp 2>/dev/null' 30 &&
	    grep -q listening nb.log; then
		check "storyhub serve run by nobody runs as nobody" \
		    grep -Eq '^Uid:[[:space:]]+65534' "/proc/$nbp/status"
		check "... and is not dumpable (/proc/PID/status owned by root)" \
		    test "$(stat -c %u /proc/$nbp/status)" = 0
	else
		sed 's/^/# /' nb.log
		t_skip "storyhub serve could not start as nobody here"
	fi
	kill $nbp 2>/dev/null
	wait $nbp 2>/dev/null
	SRV_PID=
else
	t_skip "not root (or no setpriv): the dumpable flag is not checked"
fi
t_done
