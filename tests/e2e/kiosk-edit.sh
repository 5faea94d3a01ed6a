#!/bin/sh
# What the participant sees, part two: a follow-up the review's edit makes
# visible is asked; Home/End work in both encodings a terminal sends; a
# consent tier cannot be chosen before the whole consent text was on screen;
# counts use plural forms; free disk reads the same on the admin screen and
# in `status`.
. "$(dirname "$0")/kiosk.lib"

# --- A follow-up made visible by an edit from the review is asked.
kiosk_begin
to_story 0
type_text "When the clinic and the village committee worked together it really helped."
keys Tab; wait_question 2               # title
keys Enter; wait_question 3             # title: none
keys Enter; wait_question 4             # triad
keys Enter; wait_question 5             # equal
keys Enter; wait_question 6             # listened
keys Enter; wait_question 7             # trust
keys Space Enter; wait_question 8       # obstacles: the first
check "role question reached" wait_text "Who were you in this story?"
keys Enter                              # role: the highlighted (community)
check "age question next (no role_other for a community member)" wait_text "How old"
keys Enter
check "review reached" wait_text "Submit my story"
check "review has no role_other line" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q 'Tell us in a few words'"
keys Down Down Down Down Down Down Down Enter
check "editing role from the review" wait_text "Who were you in this story?"
keys End Space Enter
check "the follow-up role_other is asked after the edit" wait_text "Tell us in a few words"
check "... on its own question screen, not the review" wait_text "Type your answer"
type_text "Animatrice"
keys Enter
check "then straight back to the review" wait_text "Submit my story"
check "the follow-up's answer is in the review" wait_text "Animatrice"
keys C-x; wait_text "Do you want to stop"; keys Down Enter
wait_text "Kiswahili"

# --- Home and End, as tmux sends them for xterm-256color (Esc [ 1 ~ / 4 ~)
# and as terminfo says for screen.
for term in xterm-256color screen; do
	PANE_TERM=$term start_kiosk
	to_story 0
	type_text "middle"
	keys Home
	type_text "Start-"
	keys End
	type_text "-End"
	check "$term: Home and End move the cursor" wait_text "Start-middle-End"
	keys C-x; wait_text "Do you want to stop"; keys Down Enter
	wait_text "Kiswahili"
done
# Raw sequences, whatever the terminfo says.
start_kiosk
to_story 0
type_text "abc"
wait_text "abc"
# raw_key HEX...: send the bytes and wait until the key moved the cursor.
raw_key() {
	raw_before=$(cursor)
	T send-keys -H "$@"
	wait_for '[ "$(cursor)" != "$raw_before" ]' 2
}
raw_key 1b 5b 31 7e; type_text "1"
raw_key 1b 5b 34 7e; type_text "4"
raw_key 1b 5b 48; type_text "H"
raw_key 1b 5b 46; type_text "F"
check "Esc[1~ Esc[4~ Esc[H Esc[F are Home/End" wait_text "H1abc4F"
keys C-x; wait_text "Do you want to stop"; keys Down Enter
wait_text "Kiswahili"

# --- Consent: French text is longer than the screen; Enter on a tier shows
# the rest first, and the last line must have been on screen.
keys Down Enter
check "fr consent: more text below" wait_text "PgSuiv"
keys Enter
check "fr consent: Enter shows the rest of the text instead of choosing" \
    wait_text "Choisissez ci-dessous"
check "fr consent: still on the consent screen" wait_text "Consentement"
keys Enter
check "fr consent: the second Enter chooses the tier" wait_text "Ctrl-X"
keys C-x; wait_text "Voulez-vous"; keys Down Enter
wait_text "Kiswahili"

# --- Keys typed ahead: an Enter that reaches the consent screen before it
# was ever drawn (here in the same burst as the Enter that opened it, on a
# fresh kiosk) chooses no tier: the text has not been on screen.
start_kiosk
keys Down Enter Enter
check "typed ahead: on the consent screen" wait_text "PgSuiv"
check "typed ahead: no tier chosen" holds "! screen_has Ctrl-X" 0.5

# --- Plural forms: the idle countdown reaches "1 second", never "1 seconds".
start_kiosk --idle 3
keys Enter
check "countdown says '1 second.'" wait_text "start in 1 second." 8
check "never '1 seconds'" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q '1 seconds'"
wait_text "Kiswahili" 8

# --- Free disk: one unit, human-readable, on both screens.
start_kiosk
keys F12; wait_text "PIN"; type_text "$PIN"; keys Enter
check "admin screen with its counts" wait_text "Free disk" 10
admin_free=$(screen | sed -n 's/.*Free disk: *\([0-9.]* [KMGT]*i*B\).*/\1/p' | head -1)
status_free=$(status | sed -n 's/.*free[^0-9]*\([0-9.]* [KMGT]*i*B\).*/\1/p' | head -1)
unit() { printf '%s' "$1" | sed 's/^[0-9.]* //'; }
check "admin free disk is human-readable ($admin_free)" sh -c "printf '%s' '$admin_free' | grep -Eq '^[0-9]+(\.[0-9])? (B|KiB|MiB|GiB|TiB)$'"
check "status and admin use the same unit ($status_free / $admin_free)" \
    test -n "$status_free" -a "$(unit "$admin_free")" = "$(unit "$status_free")"
stderr_clean
t_done
