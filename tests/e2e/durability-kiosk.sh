#!/bin/sh
# Kill -9 at the kiosk mid-submit (docs/security.md, "Durability"): a
# participant fills in the whole form, presses submit (even cycles; odd
# cycles stop at the review screen), and the kiosk is SIGKILLed 0-30 ms
# later (KIOSK_KILL_CYCLES times, 4 by default). After
# each restart: every story is either submitted or interrupted (never lost,
# never a draft), a thank-you screen seen before the kill means submitted,
# the welcome screen shows none of the previous text, and integrity is ok.
. "$(dirname "$0")/kiosk.lib"

N=${KIOSK_KILL_CYCLES:-4}
echo "# kiosk kill-mid-submit cycles: $N"
check "setup" setup_kiosk
delays=$(awk -v n="$N" -v seed="$(od -An -N4 -tu4 /dev/urandom)" \
    'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%.3f ", rand() * 0.03 }')
c=0 thanked=0 bad_thanks=0
for d in $delays; do
	c=$((c + 1))
	start_kiosk
	to_story 0 || { notok "cycle $c: reach the editor"; continue; }
	type_text "Killed-S7UB cycle $c: the council and the youth group planned the market together, and it worked."
	wait_text "Killed-S7UB" >/dev/null
	answer_all "Kill $c"
	wait_text "Animatrice" || { notok "cycle $c: review screen"; continue; }
	pid=$(kiosk_pid)
	# odd cycles: the power goes at the review screen, before submit
	[ $((c % 2)) -eq 0 ] && keys End Enter
	# The kill lands 0-30 ms after submit.
	sleep "$d"      # the random moment of the kill is the test, not a wait
	kill -9 "$pid" 2>/dev/null
	wait_for kiosk_gone 3
	if screen | grep -q "Thank you"; then
		thanked=$((thanked + 1))
		shown=$(shown_code)
		[ "$(count_status submitted)" -ge "$thanked" ] || bad_thanks=$((bad_thanks + 1))
	fi
done
start_kiosk
check "restart shows the welcome screen" wait_text "Kiswahili"
sub=$(count_status submitted)
int=$(count_status interrupted)
echo "# $c kills (0-30 ms after submit, or at the review): $sub submitted, $int interrupted, thank-you seen before $thanked kills"
check "every story is submitted or interrupted: $sub + $int = $c" test $((sub + int)) -eq "$c"
check "no drafts left" has_status draft 0
odd=$(((c + 1) / 2))
check "the $odd stories killed at the review are interrupted, not lost ($int interrupted)" test "$int" -ge "$odd"
check "a thank-you screen always meant submitted" test "$bad_thanks" -eq 0
check "previous text not on the welcome screen" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q Killed-S7UB"
check "integrity ok" sh -c "'$KIOSK' status --data '$W/k' --check | grep -q '^integrity: *ok'"
check "canary absent from every file of the data dir" sh -c "! grep -r -a -q Killed-S7UB '$W/k'"
stderr_clean
t_done
