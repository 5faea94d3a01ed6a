#!/bin/sh
# A participant's whole journey in each language (French accents, Swahili,
# CJK, emoji and combining characters), every widget set and changed,
# review -> edit -> submit; `storykiosk status` then counts the submitted
# stories, and the typed text is absent from the database, WAL and journal.
. "$(dirname "$0")/kiosk.lib"

kiosk_begin
check "welcome screen lists the languages" wait_text "Kiswahili"

n=0
codes=
journey() {         # journey LANG_INDEX STORY TITLE THANKS_TEXT
	check "lang $1: consent, prompt, editor" to_story "$1"
	type_text "$2"
	check "lang $1: story text shown as typed" wait_text "$(printf %s "$2" | cut -c1-20)"
	answer_all "$3"
	check "lang $1: review lists the answers" wait_text "Animatrice"
	# Edit the title from the review, then submit.
	keys Down Enter
	wait_text "$3" && keys BSpace BSpace BSpace && type_text "XYZ" && keys Enter
	check "lang $1: edited answer back in the review" wait_text "XYZ"
	if [ "$1" = 0 ]; then
		check "triad answer in the review" wait_text "50% / 30% / 20%"
		keys Down Enter; wait_question 3; keys Down Enter
		check "triad changed from the review" wait_text "40% / 40% / 20%"
		check "scale answer in the review" wait_text "55 / 100"
		keys Down Enter; wait_question 4; keys Left Left Enter
		check "scale changed from the review" wait_text "45 / 100"
		keys Down Down Down Enter; wait_question 7; keys Down Space Enter
		check "multi changed from the review" wait_text "pressure, Power imbalance"
	fi
	keys End Enter
	check "lang $1: thank-you screen after submit" wait_text "$4"
	code=$(shown_code)
	check "lang $1: a story code is shown ($code)" test -n "$code"
	codes="$codes $code"
	n=$((n + 1))
	check "lang $1: status counts $n submitted" has_status submitted "$n"
	leave_thanks
	check "lang $1: back to welcome" wait_text "Kiswahili"
	check "lang $1: previous text gone from the screen" wait_gone "Canary-Q7Z" 0.5
}

journey 0 "Canary-Q7Z when the clinic and the village committee worked together, 日本語 🎉 e$(printf '\314\201') and it really helped everyone." "Titre" "Thank you"
journey 1 "Canary-Q7Z À l'école, les élèves et l'association ont construit ensemble un potager ; ça a marché grâce à la confiance." "Récit" "Merci"
journey 2 "Canary-Q7Z Tulifanya kazi pamoja na shirika la kijiji kujenga kisima; kila mtu alishiriki na maji yakapatikana." "Kisima" "Asante"

# The canary typed on every screen is sealed: not in any file of the data dir.
check "canary absent from kiosk.db, WAL and journal" \
    sh -c "! grep -r -a -q 'Canary-Q7Z' '$W/k'"
check "kiosk still running" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q KIOSK-EXITED"

# Through the hub: the codes shown are the stored stories' codes, and the
# text arrives intact (accents, CJK, emoji, combining marks).
mkdir -p "$W/usb"
"$KIOSK" export --data "$W/k" --to "$W/usb" >/dev/null 2>&1
id=$("$KIOSK" status --data "$W/k" | sed -n 's/^kiosk id: *//p')
export STORYHUB_PASSPHRASE=e2e-pass-phrase
"$HUB" import --store "$W/hub.db" --key "$W/hub/hub.key" "$W"/usb/*.skb >/dev/null 2>&1
"$HUB" kiosks --store "$W/hub.db" --key "$W/hub/hub.key" trust "$id" >/dev/null 2>&1
"$HUB" export --store "$W/hub.db" --format json >"$W/export.json" 2>"$W/export.err"
for c in $codes; do
	check "hub holds the story with code $c" grep -q "\"code\":\"$c\"" "$W/export.json"
done
check "hub text intact: French" grep -q "potager ; ça a marché grâce à la confiance" "$W/export.json"
check "hub text intact: CJK, emoji, combining" grep -q "日本語 🎉 e$(printf '\314\201') and" "$W/export.json"
check "hub answers: role_other typed in the kiosk" grep -q '"role_other":"Animatrice"' "$W/export.json"
stderr_clean
t_done
