#!/bin/sh
# What the participant sees is what is stored, for choices, numbers and
# lengths (issue 13): a single choice draws radio marks and stores what is
# marked whatever the keys (Down Space Down Space Up Enter stores the second
# item marked, not the one highlighted); "Not applicable" is a radio item
# that stores null; the exclusive "Nothing got in the way" unticks the other
# obstacles (and is unticked by them), and only it is stored; the number
# field says why it refuses letters and, for a whole-number question, a
# decimal point, and why a lone minus sign cannot be left; the story and a text say so when they are full; the form's
# "(optional)" is shown once. Stored answers are read back through a hub's
# JSON export (to_hub). Every wait is bounded (wait_text: 5 s).
. "$(dirname "$0")/kiosk.lib"

# The default form (its exclusive, integer and texts as they are) with a
# short story maximum, an optional role (so it has a "Not applicable" item),
# and without the scales and the triad (tests/e2e/kiosk-marker.sh).
FORM="$W/form.yaml"
awk '/^  - id: (drivers|equal|listened|trust)$/ { skip = 1; next }
    /^  - id: / { skip = 0 }
    skip { next }
    /^    max: 8000$/ { print "    max: 60"; next }
    { print }
    prev == "  - id: role" { print "    required: false" }
    { prev = $0 }' "$TOP/forms/partnership.yaml" >"$FORM"

# story_json CODE: the exported story with that code (one story a line).
story_json() { grep -F "\"code\":\"$1\"" "$W/out.json"; }
# stored CODE TEXT: the story with that code holds TEXT (a JSON fragment).
stored() { story_json "$1" | grep -qF -- "$2"; }
hint_has() { screen | tail -n 2 | tr -d '\n' | grep -qF -- "$1"; }
count_on_screen() { screen | grep -cF -- "$1"; }
shows_once() { [ "$(count_on_screen "$1")" -eq 1 ]; }
absent() { ! screen | grep -qF -- "$1"; }
# field_is TEXT: the number field shows exactly TEXT.
field_is() { screen | grep -qE "^ *\[$1 *\]"; }
# finish: submit from the review; the story code shown.
finish() {
	keys End Enter
	wait_text "Thank you" || wait_text "Merci" || return 1
	code=$(shown_code)
	leave_thanks
}

kiosk_begin

# --- story 1, in English ---
check "to the story editor" to_story 0
S60="The clinic and the village committee shared the work, twice."
check "the test story has 60 characters" test "$(printf %s "$S60" | wc -m)" -eq 60
type_text "$S60"
check "the story is at its maximum of 60" wait_text "60 characters (at most 60)"
type_text "!"
check "story: typing past the maximum says why" \
    wait_text "Your story has reached its limit of 60 characters"
check "story: ... and the text stays at 60" wait_text "60 characters (at most 60)"
keys BSpace
check "story: the message goes with the next key" wait_gone "reached its limit"
type_text "."
check "story: the count is back at 60" wait_text "60 characters (at most 60)"

keys Tab
check "title: the question" wait_text "Give your story a short title"
check "title: \"(optional)\" shown once" shows_once "(optional)"
type_text "$(printf '%080d' 0)"
check "title: at 80 characters" wait_text "0000000000"
type_text "1"
check "title: typing past 80 says why" wait_text "This answer can be at most 80 characters long."
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
    BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
    BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
    BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
    BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
    BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
    BSpace BSpace
wait_gone "0000"
type_text "Water"
keys Enter

# obstacles: multi, "Nothing got in the way" is exclusive
check "multi: the question" wait_text "What got in the way?"
check "multi: tick boxes" wait_text "[ ] Competition"
check "multi: the key line says Space: tick" hint_has "Space: tick"
keys Space Down Space
check "multi: two obstacles ticked" wait_text "[x] Funding pressure"
check "multi: ... the first one too" wait_text "[x] Competition"
keys End Space
check "multi: \"Nothing got in the way\" ticked" wait_text "[x] Nothing got in the way"
check "multi: ... unticks Competition" wait_text "[ ] Competition"
check "multi: ... and Funding pressure" wait_text "[ ] Funding pressure"
keys Home Space
check "multi: ticking an obstacle unticks \"Nothing\"" wait_text "[ ] Nothing got in the way"
check "multi: ... and ticks it" wait_text "[x] Competition"
keys End Space
check "multi: \"Nothing\" alone again" wait_text "[ ] Competition"
check "multi: only one box ticked" shows_once "[x]"
keys Enter

# role: a single choice, the exact keys of the bug report
check "choice: the question" wait_text "Who were you in this story?"
check "choice: radio marks" wait_text "( ) A community member"
check "choice: no tick boxes" absent "[ ]"
check "choice: \"Not applicable\" is a radio item" wait_text "( ) Not applicable"
check "choice: the key line says Space: choose" hint_has "Space: choose"
keys Down Space Down Space Up
check "choice: the second Space marked Staff of a local organisation" \
    wait_text "(*) Staff of a local organisation"
check "choice: the highlight is back on A volunteer, not marked" wait_text "> ( ) A volunteer"
check "choice: one item marked" shows_once "(*)"
keys Enter

# age: a whole number
check "number: the question" wait_text "How old are you?"
check "number: \"(optional)\" shown once" shows_once "(optional)"
type_text "-"
check "number: a minus sign is typed" field_is -
keys Enter
check "number: a lone minus sign is refused on Enter, saying why" \
    wait_text "A minus sign or a point alone is not a number"
check "number: ... and the question stays (no review)" holds "! screen_has 'Submit my story'" 0.5
check "number: ... with the minus sign in the field" field_is -
keys Tab
check "number: Tab refuses it too" wait_text "A minus sign or a point alone is not a number"
keys BSpace
check "number: the message goes with the next key" wait_gone "A minus sign or a point alone"
check "number: the field is empty again" field_is ""
type_text "3"
type_text "a"
check "number: a letter is refused with the reason" wait_text "Please type digits only."
check "number: ... and not typed" field_is 3
type_text "3"
check "number: the message goes with the next key" wait_gone "Please type digits only."
type_text "."
check "number: a decimal point is refused (whole number)" \
    wait_text "Please type a whole number, without a decimal point."
type_text ","
check "number: a comma too" wait_text "Please type a whole number, without a decimal point."
type_text "5"
check "number: the field shows 335 (no point)" field_is 335
keys BSpace
check "number: 33" field_is 33
keys Enter

check "review: the marked role" wait_text "Staff of a local organisation"
check "review: not the highlighted one" absent "A volunteer"
check "review: the exclusive obstacle alone" wait_text "Nothing got in the way"
check "review: no other obstacle" absent "Competition"
finish
code1=$code
check "story 1 submitted ($code1)" test -n "$code1"

# --- story 2, in French: "Not applicable" and the messages' language ---
check "fr: to the story editor" to_story 1
type_text "$S60"
type_text "!"
check "fr: the story maximum in French" wait_text "Votre histoire a atteint sa limite de 60 caractères"
keys Tab
check "fr: title" wait_text "Donnez un titre court"
check "fr: \"(facultatif)\" shown once" shows_once "(facultatif)"
keys Enter
check "fr: multi" wait_text "Qu'est-ce qui a fait obstacle"
keys Space Enter
check "fr: choice" wait_text "Qui étiez-vous dans cette histoire"
check "fr: the key line says Espace : choisir" hint_has "Espace : choisir"
keys Space
check "fr: the first item marked" wait_text "(*) Membre de la communauté"
keys End Space
check "fr: \"Sans objet\" marked" wait_text "(*) Sans objet"
check "fr: ... alone" shows_once "(*)"
keys Enter
check "fr: number" wait_text "Quel âge avez-vous ?"
check "fr: \"(facultatif)\" shown once on the number" shows_once "(facultatif)"
type_text "-"
keys Enter
check "fr: a lone minus sign refused, in French" \
    wait_text "Un signe moins ou une virgule seuls ne forment pas un nombre"
keys BSpace
type_text "x"
check "fr: a letter refused, in French" wait_text "Veuillez taper uniquement des chiffres."
type_text "."
check "fr: a decimal point refused, in French" wait_text "Veuillez taper un nombre entier, sans virgule."
type_text "40"
keys Enter
check "fr: review" wait_text "(pas de réponse)"
finish
code2=$code
check "story 2 submitted ($code2)" test -n "$code2"

# --- what is stored ---
check "to a hub and its JSON export" to_hub
check "story 1: role is the marked one, local_org" stored "$code1" '"role":"local_org"'
check "story 1: obstacles hold only \"nothing\"" stored "$code1" '"obstacles":["nothing"]'
check "story 1: age 33" stored "$code1" '"age":33'
check "story 1: the story at its maximum" stored "$code1" "\"story\":\"$S60\""
check "story 2: \"Not applicable\" stored as null" stored "$code2" '"role":null'
check "story 2: age 40" stored "$code2" '"age":40'

# --- storykiosk add is held to the same rules ---
add_json() {
	printf '{"lang":"en","consent":"analysis","prompt":"worked","answers":{"story":"%s","obstacles":%s,"role":"funder","age":%s}}\n' \
	    "$S60" "$1" "$2" >"$W/add.json"
	"$KIOSK" add --data "$W/k" --form "$FORM" "$W/add.json" >"$W/add.out" 2>&1
}
add_json '["nothing","power"]' 30
check "add: \"nothing\" with another obstacle is refused" test $? -ne 0
check "add: ... saying why" grep -q "cannot be chosen together with other answers" "$W/add.out"
add_json '["nothing"]' 33.5
check "add: age 33.5 is refused" test $? -ne 0
check "add: ... as not a whole number" grep -q "33.5 is not a whole number" "$W/add.out"
check "add: \"nothing\" alone and age 33 are taken" add_json '["nothing"]' 33
stderr_clean
t_done
