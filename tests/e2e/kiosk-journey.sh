#!/bin/sh
# A participant's whole journey in each language (French accents, Swahili,
# CJK, emoji and combining characters), every widget set and changed,
# review -> edit -> submit; `storykiosk status` then counts the submitted
# stories, and the typed text is absent from the database, WAL and journal.
. "$(dirname "$0")/kiosk.lib"

check "setup: hub key and kiosk data directory" setup_kiosk
start_kiosk
check "welcome screen lists the languages" wait_for "Kiswahili"

n=0
journey() {         # journey LANG_INDEX STORY TITLE THANKS_TEXT
	check "lang $1: consent, prompt, editor" to_story "$1"
	type_text "$2"
	check "lang $1: story text shown as typed" wait_for "$(printf %s "$2" | cut -c1-20)"
	answer_all "$3"
	check "lang $1: review lists the answers" wait_for "Animatrice"
	# Edit the title from the review, then submit.
	keys Down Enter
	wait_for "$3" && keys BSpace BSpace BSpace && type_text "XYZ" && keys Enter
	check "lang $1: edited answer back in the review" wait_for "XYZ"
	keys End Enter
	check "lang $1: thank-you screen after submit" wait_for "$4"
	code=$(shown_code)
	check "lang $1: a story code is shown ($code)" test -n "$code"
	n=$((n + 1))
	check "lang $1: status counts $n submitted" has_status submitted "$n"
	sleep 2.1
	keys Enter
	check "lang $1: back to welcome" wait_for "Kiswahili"
	check "lang $1: previous text gone from the screen" wait_gone "Canary-Q7Z" 5
}

journey 0 "Canary-Q7Z when the clinic and the village committee worked together, 日本語 🎉 e$(printf '\314\201') and it really helped everyone." "Titre" "Thank you"
journey 1 "Canary-Q7Z À l'école, les élèves et l'association ont construit ensemble un potager ; ça a marché grâce à la confiance." "Récit" "Merci"
journey 2 "Canary-Q7Z Tulifanya kazi pamoja na shirika la kijiji kujenga kisima; kila mtu alishiriki na maji yakapatikana." "Kisima" "Asante"

# The canary typed on every screen is sealed: not in any file of the data dir.
check "canary absent from kiosk.db, WAL and journal" \
    sh -c "! grep -r -a -q 'Canary-Q7Z' '$W/k'"
check "kiosk still running" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q KIOSK-EXITED"
