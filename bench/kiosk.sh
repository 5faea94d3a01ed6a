#!/bin/sh
# The kiosk's start-up, memory and typing cost (issue 3), on the real binary
# in tmux (80x24), in one run:
#   start    time from launching the program in a tmux window to its first
#            frame on screen (the welcome title), polled with capture-pane;
#            peak RSS (VmHWM) 0.3 s later; against bench/bare-curses (ncursesw
#            + libsodium + SQLite + a title, nothing else), medians of $RUNS
#   typing   CPU (schedstat, ns) of the kiosk process while an 8 KB story is
#            edited: the story is pasted to 8000-KEYS-100 characters, then KEYS
#            letters and KEYS Backspaces are sent one tmux call each (so each
#            is read and redrawn alone, as when typing); CPU per keystroke,
#            with and without the idle cost of the same wall time (the 250 ms
#            tick redraws).
: "${TOP:?run from bench/run-all}" "${BUILD:?}" "${KIOSK:?}" "${HUB:?}"
RUNS=${BENCH_KIOSK_RUNS:-5}
KEYS=${BENCH_KEYS:-300}
BARE="$TOP/$BUILD/bench/bare-curses"
FORM="$TOP/forms/partnership.yaml"
TITLE="Partnership stories"
[ -x "$BARE" ] || { echo "bench/kiosk.sh: $BARE missing (make bench-progs)"; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/bench-kiosk.XXXXXX")
SOCK=benchsock$$
T() { tmux -L "$SOCK" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$W"' EXIT

STORYHUB_PASSPHRASE=bench-pass "$HUB" keygen --out "$W/hub" >/dev/null 2>&1 &&
    STORYKIOSK_PIN=2468 "$KIOSK" init --data "$W/k" --hub-key "$W/hub/hub.pub" \
    >/dev/null 2>&1 || { echo "bench/kiosk.sh: keygen/init failed"; exit 1; }
printf 'set -g status off\nset -g remain-on-exit off\nset -g default-size 80x24\n' \
    >"$W/tmux.conf"
T -f "$W/tmux.conf" new-session -d -s b -x 80 -y 24 'exec sleep 100000' ||
    { echo "bench/kiosk.sh: tmux failed"; exit 1; }

ENV="env TERM=screen LC_ALL=C.UTF-8 STORYKIOSK_LOCALEDIR='$TOP/$BUILD/locale'"
KCMD="exec $ENV '$KIOSK' run --data '$W/k' --form '$FORM' 2>>'$W/stderr'"
BCMD="exec $ENV '$BARE' '$W/bare.db' '$TITLE' 2>>'$W/stderr'"

ns() { date +%s%N; }
screen() { T capture-pane -p -t "b:$1" 2>/dev/null; }
# wait_text WINDOW TEXT [SECONDS]: poll as fast as tmux answers.
wait_text() {
	end=$(($(ns) + ${3:-10} * 1000000000))
	while :; do
		case $(screen "$1") in *"$2"*) return 0 ;; esac
		[ "$(ns)" -lt "$end" ] || return 1
	done
}
pane_pid() { T display -p -t "b:$1" '#{pane_pid}'; }
cpu_ns() { cut -d' ' -f1 "/proc/$1/schedstat"; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

# start NAME CMD: one start-up, appends "ms kib" to $W/NAME.
start() {
	win=s$$$1$i
	t0=$(ns)
	T new-window -d -t b: -n "$win" "$2" || return 1
	wait_text "$win" "$TITLE" || { echo "bench/kiosk.sh: $1: no first frame"; screen "$win";
		cat "$W/stderr"; return 1; }
	t1=$(ns)
	sleep 0.3
	kib=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(pane_pid "$win")/status")
	T kill-window -t "b:$win"
	echo "$(( (t1 - t0) / 1000 ))" "$kib" >>"$W/$1"
}

i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	start bare "$BCMD" && start kiosk "$KCMD" || exit 1
done
for n in bare kiosk; do
	eval "${n}_us=\$(cut -d' ' -f1 '$W/$n' | median)"
	eval "${n}_kib=\$(cut -d' ' -f2 '$W/$n' | median)"
	echo "  $n: start us [$(cut -d' ' -f1 "$W/$n" | tr '\n' ' ')] VmHWM KiB [$(cut -d' ' -f2 "$W/$n" | tr '\n' ' ')]"
done

# Typing into an 8 KB story.
T new-window -d -t b: -n type "$KCMD"
wait_text type "$TITLE" || { echo "bench/kiosk.sh: kiosk did not start"; exit 1; }
pid=$(pane_pid type)
T send-keys -t b:type Enter
# A tier is taken only once the whole consent text has been on screen.
wait_text type "Pg" 5 && T send-keys -t b:type NPage &&
    wait_text type "Choose below how" 5 && T send-keys -t b:type Enter &&
    wait_text type "Ctrl-X" 5 && T send-keys -t b:type Enter &&
    wait_text type "50)" 5 || { echo "bench/kiosk.sh: no story editor"; screen type; exit 1; }
para="When the clinic and the village committee planned the new well together, the funder wanted a report every month, and we learned to say no. "
chunk=$(for j in 1 2 3 4; do printf %s "$para"; done)   # ~560 characters
target=$((8000 - KEYS - 100))    # the form's max is 8000: stay under it
typed=0
while [ $((typed + ${#chunk})) -le "$target" ]; do
	T send-keys -t b:type -l -- "$chunk"
	typed=$((typed + ${#chunk}))
done
rest=$(printf %s "$chunk" | cut -c1-$((target - typed)))
T send-keys -t b:type -l -- "$rest"
typed=$target
wait_text type "$typed characters" 10 ||
    { echo "bench/kiosk.sh: paste not shown"; screen type | tail -3; exit 1; }
sleep 0.5

# Idle cost over a fixed time (tick redraws), to subtract.
c0=$(cpu_ns "$pid"); t0=$(ns); sleep 2; c1=$(cpu_ns "$pid"); t1=$(ns)
idle_ns_per_s=$(( (c1 - c0) * 1000000000 / (t1 - t0) ))

# type_keys N: N letters then N Backspaces, one tmux call each; prints
# "cpu_ns wall_ns" once the count is back to where it was.
type_keys() {
	c0=$(cpu_ns "$pid"); t0=$(ns)
	j=0
	while [ "$j" -lt "$1" ]; do T send-keys -t b:type -l x; j=$((j + 1)); done
	wait_text type "$((typed + $1)) characters" 10 ||
	    { echo "bench/kiosk.sh: typed keys not shown" >&2; screen type | tail -3 >&2; return 1; }
	j=0
	while [ "$j" -lt "$1" ]; do T send-keys -t b:type BSpace; j=$((j + 1)); done
	wait_text type "$typed characters" 10 ||
	    { echo "bench/kiosk.sh: backspaces not shown" >&2; screen type | tail -3 >&2; return 1; }
	c1=$(cpu_ns "$pid"); t1=$(ns)
	echo "$((c1 - c0)) $((t1 - t0))"
}
per_key() {     # per_key CPU_NS WALL_NS KEYS [net]: microseconds per keystroke
	awk -v c="$1" -v w="$2" -v n="$3" -v i="${4:-0}" \
	    'BEGIN { x = (c - i * w / 1e9) / n / 1000; printf "%.1f", x < 0 ? 0 : x }'
}
out=$(type_keys "$KEYS") || exit 1
set -- $out
nkeys=$((2 * KEYS))
raw_us=$(per_key "$1" "$2" "$nkeys")
net_us=$(per_key "$1" "$2" "$nkeys" "$idle_ns_per_s")
echo "  typing at the end: $nkeys keystrokes at $typed-$((typed + KEYS)) characters in $(($2 / 1000000)) ms; kiosk CPU $(($1 / 1000)) us; idle $((idle_ns_per_s / 1000)) us/s"
# The same near the top of the story (everything after the cursor re-wraps).
T send-keys -t b:type PPage PPage PPage PPage PPage PPage PPage PPage PPage PPage PPage PPage
sleep 0.3
out=$(type_keys "$((KEYS / 2))") || exit 1
set -- $out
top_us=$(per_key "$1" "$2" "$KEYS" "$idle_ns_per_s")
echo "  typing at the top: $KEYS keystrokes in $(($2 / 1000000)) ms; kiosk CPU $(($1 / 1000)) us"
kill -0 "$pid" 2>/dev/null || { echo "bench/kiosk.sh: the kiosk exited while typing"; exit 1; }

verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "PASS" : "MISS" }'; }
t_ratio=$(awk -v a="$kiosk_us" -v b="$bare_us" 'BEGIN { printf "%.2f", a / b }')
m_ratio=$(awk -v a="$kiosk_kib" -v b="$bare_kib" 'BEGIN { printf "%.2f", a / b }')
kmib=$(awk -v a="$kiosk_kib" 'BEGIN { printf "%.2f", a / 1024 }')
bmib=$(awk -v a="$bare_kib" 'BEGIN { printf "%.2f", a / 1024 }')
raw_ms=$(awk -v u="$raw_us" 'BEGIN { printf "%.3f", u / 1000 }')
net_ms=$(awk -v u="$net_us" 'BEGIN { printf "%.3f", u / 1000 }')
echo "--- summary: kiosk (80x24 tmux, medians of $RUNS; time to frame includes tmux polling)"
printf '  %-26s kiosk %6.1f ms  bare %6.1f ms  ratio %s  %s (target <= 1.5x)\n' \
    "start to first frame" "$(echo "$kiosk_us / 1000" | bc -l)" "$(echo "$bare_us / 1000" | bc -l)" \
    "$t_ratio" "$(verdict "$t_ratio" 1.5)"
printf '  %-26s kiosk %6s MiB bare %6s MiB ratio %s  %s (target <= 1.5x), %s (target <= 6 MiB)\n' \
    "peak RSS (VmHWM)" "$kmib" "$bmib" "$m_ratio" "$(verdict "$m_ratio" 1.5)" "$(verdict "$kmib" 6)"
top_ms=$(awk -v u="$top_us" 'BEGIN { printf "%.3f", u / 1000 }')
printf '  %-26s %s ms raw, %s ms without idle ticks  %s (target <= 0.2 ms)\n' \
    "CPU per keystroke (8 KB)" "$raw_ms" "$net_ms" "$(verdict "$raw_ms" 0.2)"
printf '  %-26s %s ms without idle ticks  %s (target <= 0.2 ms)\n' \
    "  same, near the top" "$top_ms" "$(verdict "$top_ms" 0.2)"
