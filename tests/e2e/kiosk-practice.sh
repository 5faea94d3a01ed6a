#!/bin/sh
# Practice: `storykiosk run --practice` on a real kiosk's data directory and
# `storykiosk preview FORM` with none. The whole journey runs with the banner
# "PRACTICE: nothing is kept" on the second row of every screen; the story
# code shown says it is not real; nothing is stored (no draft while typing,
# no submitted story, no timed_out one after the idle timeout, no draft
# saved on SIGTERM), nothing is exported or pushed: the store's counts and
# every file of the data directory are the same afterwards, and export finds
# nothing new. On a real kiosk the admin PIN still guards the admin screen; a
# preview has none and writes nothing anywhere.
. "$(dirname "$0")/kiosk.lib"

BANNER="PRACTICE: nothing is kept"
# The banner row, trimmed.
banner() { screen | sed -n 2p | sed 's/^ *//; s/ *$//'; }
# on_screen NAME: the banner is on the screen now (checked, named NAME).
on_screen() {
	if [ "$(banner)" = "$BANNER" ]; then
		ok "$NAME_PREFIX$1: the practice banner shows"
	else
		notok "$NAME_PREFIX$1: the practice banner shows (row 2: '$(banner)')"
	fi
}
# The data directory as it stands: every file's name and content, and the
# counts (free disk left out: it moves by itself).
snapshot() {
	(cd "$W/k" && find . -type f | sort | xargs sha256sum)
	"$KIOSK" status --data "$W/k" | grep -v '^free disk'
}
no_code_shown() { [ -z "$(shown_code)" ]; }

check "setup: hub key and kiosk data directory" setup_kiosk
# One real story, already exported: the practice must add nothing to it.
printf '{"lang":"en","consent":"analysis","prompt":"worked","answers":{"story":"%s","drivers":[0.5,0.3,0.2],"equal":35,"listened":50,"trust":50,"obstacles":["competition"],"role":"community"}}' \
    "A paper story transcribed before the practice, long enough for the form." >"$W/a.json"
check_ok "setup: one real story" "$KIOSK" add --data "$W/k" --form "$FORM" "$W/a.json"
mkdir -p "$W/usb"
check_ok "setup: exported" "$KIOSK" export --data "$W/k" --to "$W/usb"
ls "$W/usb" >"$W/usb-before"
snapshot >"$W/before"

# The whole journey, the banner on every screen.
start_kiosk --practice
NAME_PREFIX=
check "welcome screen" wait_text "Kiswahili"
on_screen welcome
keys Enter
check "consent screen" wait_text "Pg"
on_screen consent
keys NPage NPage NPage NPage
wait_gone "(Pg" 2 || keys Enter
keys Enter
check "prompt screen" wait_text "Ctrl-X"
on_screen prompt
keys Enter
check "story editor" wait_text "50)"
on_screen story
type_text "Canary-PR4C a practice story typed while training, long enough for the form."
check "the story shows as typed" wait_text "Canary-PR4C"
# Autosave runs every 3 s while typing: in practice it saves nothing.
check "no draft saved while typing (4 s)" holds "has_status draft 0" 4
keys Tab; wait_question 2
on_screen "question 2 (text)"
type_text "Titre"; keys Enter; wait_question 3
on_screen "question 3 (triad)"
keys Up Up Left Enter; wait_question 4
on_screen "question 4 (scale)"
keys Right Enter; wait_question 5
keys Left Right Enter; wait_question 6
keys Right Left Enter; wait_question 7
on_screen "question 7 (multi)"
keys Space Down Down Space Enter; wait_question 8
on_screen "question 8 (choice)"
keys End Enter; wait_question 9
type_text "Animatrice"; keys Enter; wait_question 10
on_screen "question 10 (number)"
type_text "42"; keys Enter
check "review screen" wait_text "Animatrice"
on_screen review
keys C-x
check "stop? screen" wait_text "Do you want to stop?"
on_screen "stop?"
keys Enter
wait_gone "Do you want to stop?"
keys End Enter
check "thank-you screen" wait_text "This was practice: nothing was saved."
on_screen thanks
check "... the code box says PRACTICE" sh -c "tmux -S '$SOCK' capture-pane -p | grep -qx ' *PRACTICE'"
check "... and that it is not a real code" wait_text "This is not a real story code."
check "... no story code is shown" no_code_shown
check "nothing submitted, no draft" sh -c "\"$KIOSK\" status --data '$W/k' | grep -q '1 submitted, 0 interrupted, 0 timed_out, 0 draft'"
leave_thanks
check "back to welcome" wait_text "Kiswahili"

# The admin screen keeps its PIN on a real kiosk, and offers no export and
# no push.
keys F12
check "F12 asks for the PIN" wait_text "admin PIN"
on_screen pin
type_text "$PIN"; keys Enter
check "admin screen" wait_text "Quit the kiosk" 8
on_screen admin
check "... counts of the real kiosk" wait_text "submitted 1"
check "... no export" holds "! screen_has 'Export bundles'" 0.3
check "... no push" holds "! screen_has 'Push to the hub'" 0.3
keys End Enter
check "quit ends the practice with status 0" wait_text "KIOSK-EXITED=0"

# The idle timeout: the warning has the banner; the form's "keep" keeps
# nothing in practice.
start_kiosk --practice --idle 3
to_story 0
type_text "Canary-PR4C left behind by a trainee who walked away from the kiosk."
check "idle warning" wait_text "Are you still there?" 10
on_screen "idle warning"
check "then back to welcome" wait_text "Kiswahili" 10
check "no timed_out story kept" has_status timed_out 0

# SIGTERM in the middle of a story: nothing saved (a real run saves the draft).
start_kiosk --practice
to_story 0
type_text "Canary-PR4C typed just before the kiosk was stopped by the service."
wait_text "Canary-PR4C"
kill -TERM "$(kiosk_pid)"
check "SIGTERM ends the practice" wait_for kiosk_gone 5
check "no draft saved on SIGTERM" has_status draft 0

snapshot >"$W/after"
check_ok "the store's counts and every file of the data directory are unchanged" \
    diff "$W/before" "$W/after"
check "the practice text is nowhere in the data directory" \
    sh -c "! grep -r -a -q 'Canary-PR4C' '$W/k'"
check_ok "export after the practice" "$KIOSK" export --data "$W/k" --to "$W/usb"
ls "$W/usb" >"$W/usb-after"
check "... finds nothing to export: no new bundle" cmp -s "$W/usb-before" "$W/usb-after"
# The next real run finds nothing interrupted either.
start_kiosk
check "a real run after it: nothing interrupted" has_status interrupted 0

# preview FORM: no data directory, no keys; run from an empty directory.
mkdir -p "$W/empty"
start_preview() {
	T kill-server 2>/dev/null
	wait_for no_tmux 1
	rm -f "$SOCK"
	T -f "$W/tmux.conf" new-session -d -x 80 -y 24 -c "$W/empty" \
	    "env HOME='$W/empty' TERM=${PANE_TERM:-screen} LC_ALL=C.UTF-8 \
	    STORYKIOSK_LOCALEDIR='$TOP/$BUILD/locale' '$KIOSK' $* 2>>'$W/stderr'; \
	    echo KIOSK-EXITED=\$?; sleep 600"
	wait_text "Partnership stories" "$KIOSK_START_WAIT"
}
NAME_PREFIX="preview: "
check "preview: starts with no data directory" start_preview preview "$FORM"
on_screen welcome
check "preview: the welcome screen says how to quit" wait_text "F12 opens the admin screen (no PIN)"
check "preview: consent, prompt, editor" to_story 1
BANNER="ESSAI : rien n'est conservé" # in French from here
on_screen story
type_text "Canary-PR4C Une histoire pour essayer le formulaire, assez longue pour lui."
answer_all "Titre"
check "preview: review" wait_text "Animatrice"
keys End Enter
check "preview: thank-you screen, in French" wait_text "C'était un essai"
on_screen thanks
check "preview: ... the code box says ESSAI" sh -c "tmux -S '$SOCK' capture-pane -p | grep -qx ' *ESSAI'"
check "preview: ... no story code" no_code_shown
leave_thanks
BANNER="PRACTICE: nothing is kept" # the form's first language again
keys F12
check "preview: F12 opens the admin screen without a PIN" wait_text "Preview: no data directory"
check "preview: ... no PIN asked" holds "! screen_has 'admin PIN'" 0.3
on_screen admin
keys End Enter
check "preview: quit ends it with status 0" wait_text "KIOSK-EXITED=0"
check "preview: nothing written where it ran" test -z "$(ls -A "$W/empty")"
check "preview: run --practice without --data is a preview too" \
    start_preview run --practice --form "$FORM"
on_screen welcome
keys C-a
check "preview: Ctrl-A opens the admin screen too" wait_text "Preview: no data directory"
keys End Enter
check "preview: quit" wait_text "KIOSK-EXITED=0"
check "preview: still nothing written" test -z "$(ls -A "$W/empty")"

# Mistakes are refused with one line, nothing started.
check_fail "preview without a form" "$KIOSK" preview
check_fail "preview of a missing form" "$KIOSK" preview "$W/none.yaml"
check_fail "practice with --push-url" "$KIOSK" run --practice --data "$W/k" --form "$FORM" \
    --push-url http://127.0.0.1:9/
check_fail "practice without a data directory and --demo-pin" "$KIOSK" run --practice \
    --form "$FORM" --demo-pin "$PIN"
check_fail "run without --data and without --practice" "$KIOSK" run --form "$FORM"
stderr_clean
t_done
