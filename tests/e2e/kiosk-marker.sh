#!/bin/sh
# What the participant sees is what is stored, for scales and triads (issue
# 13): a required triad left alone stores exactly a third per corner; on a
# required scale or triad Backspace leaves no hidden value (it is refused
# with a reason, and the value shown is the one stored); on an optional one
# it clears for real (null), and the next arrow places the marker again one
# step from the middle. The hub's CSV and JSON exports tell an untouched
# marker from a moved one. Every wait is bounded (wait_text: 5 s).
. "$(dirname "$0")/kiosk.lib"

STORY="A story for the marker test: the clinic and the water committee shared the work."

# csv_col NAME: column NAME of the first story in $W/out.csv (no quoted commas
# in these stories).
csv_col() {
	awk -F, -v n="$1" '{ sub(/\r$/, "") }
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i }
	    NR == 2 { if (c) print $c; else print "NO-COLUMN"; exit }' "$W/out.csv"
}
csv_is() { [ "$(csv_col "$1")" = "$2" ]; }
json_has() { grep -qF -- "$1" "$W/out.json"; }
hint_lacks_backspace() { ! screen | tail -n 2 | grep -q Backspace; }
hint_has() { screen | tail -n 2 | tr -d '\n' | grep -qF -- "$1"; }
REFUSAL="This question needs an answer"

# --- the default form: every scale and triad is required ---
kiosk_begin
check "required: to the story editor" to_story 0
type_text "$STORY"
keys Tab; wait_text "(optional)"                 # title
keys Enter
check "required triad: the marker shows the centre at once" wait_text "33% / 33% / 33%"
check "required triad: no Backspace on the key line" hint_lacks_backspace
check "required triad: the key line names Shift-Tab" hint_has "Shift-Tab: back"
keys BSpace
check "required triad: Backspace is refused with the reason" wait_text "$REFUSAL"
check "required triad: ... and the marker stays" wait_text "33% / 33% / 33%"
keys Enter                                      # untouched: the centre
check "required scale: the marker shows 50 at once" wait_text "50 / 100"
check "required scale: the refusal is gone on the next question" wait_gone "$REFUSAL"
check "required scale: no Backspace on the key line" hint_lacks_backspace
check "required scale: the key line names Shift-Tab" hint_has "Shift-Tab: back"
keys Right Right Right
check "required scale: three steps right show 65" wait_text "65 / 100"
keys BSpace
check "required scale: Backspace is refused with the reason" wait_text "$REFUSAL"
check "required scale: ... and 65 still shows" wait_text "65 / 100"
keys Enter                                      # equal = 65, moved
wait_text "50 / 100"
keys Home
check "required scale: Home shows 0" wait_text " 0 / 100"
keys BSpace
check "required scale after Home: Backspace is refused" wait_text "$REFUSAL"
keys Enter                                      # listened = 0, moved
wait_text "50 / 100"
keys Enter                                      # trust = 50, untouched
wait_text "Space"                                # obstacles (multi)
keys Space Enter; wait_text "Who were you"
keys Enter; wait_text "How old"                 # role: the first choice
keys Enter                                      # age (optional)
check "required: the review shows the stored triad" wait_text "33% / 33% / 33%"
check "required: the review shows the scale as shown (65)" wait_text "65 / 100"
# Back to the triad from the review and out again without moving: it stays
# untouched (the reloaded widget keeps the flag).
keys Down Down Enter
check "required: the triad again from the review" wait_text "Arrows: move the X"
check "required: ... still at the centre" wait_text "33% / 33% / 33%"
keys Enter
check "required: back in the review" wait_text "65 / 100"
keys End Enter
check "required: submitted" wait_text "Thank you"
check "required: stories to the hub" to_hub
check "hub JSON: the untouched triad is a third each (15 digits)" \
    json_has '"drivers":[0.333333333333333,0.333333333333333,0.333333333333333]'
check "hub JSON: the scale holds what was shown (65), not a hidden value" json_has '"equal":65'
check "hub JSON: Home then Backspace keeps 0" json_has '"listened":0'
check "hub JSON: the untouched scale is 50" json_has '"trust":50'
check "hub JSON: untouched lists the triad and the scale left alone" \
    json_has '"untouched":["drivers","trust"]'
check "hub CSV: drivers_1 is a third" csv_is drivers_1 0.333333333333333
check "hub CSV: drivers_2 is a third" csv_is drivers_2 0.333333333333333
check "hub CSV: drivers_3 is a third" csv_is drivers_3 0.333333333333333
check "hub CSV: equal is 65" csv_is equal 65
check "hub CSV: drivers_untouched = 1" csv_is drivers_untouched 1
check "hub CSV: equal_untouched = 0 (moved)" csv_is equal_untouched 0
check "hub CSV: listened_untouched = 0 (moved)" csv_is listened_untouched 0
check "hub CSV: trust_untouched = 1" csv_is trust_untouched 1

# --- a form with optional scales and triads ---
cat >"$W/optional.yaml" <<'EOF'
form: marker-test
version: 1
languages: [en]
title: {en: "Partnership stories (marker test)"}
consent:
  text: {en: "A test form. Keep your story code."}
  tiers: [{id: analysis, label: {en: "Analysis only"}}]
prompts:                # two, so that the prompt screen shows (to_story)
  - {id: worked, text: {en: "A time it worked."}}
  - {id: failed, text: {en: "A time it did not."}}
questions:
  - {id: story, type: story, min: 50, max: 8000}
  - {id: s1, type: scale, required: false, text: {en: "First scale"},
     poles: [{en: "Left pole"}, {en: "Right pole"}]}
  - {id: s2, type: scale, required: false, text: {en: "Second scale"},
     poles: [{en: "Left pole"}, {en: "Right pole"}]}
  - {id: t1, type: triad, required: false, text: {en: "First triad"},
     corners: [{en: "Top"}, {en: "Left"}, {en: "Right"}]}
  - {id: t2, type: triad, required: false, text: {en: "Second triad"},
     corners: [{en: "Top"}, {en: "Left"}, {en: "Right"}]}
EOF
FORM="$W/optional.yaml"
kiosk_begin
check "optional: to the story editor" to_story 0
type_text "$STORY"
keys Tab
check "optional scale: no marker and no value at first" wait_text "Use Left and Right"
check "optional scale: the key line offers Backspace" hint_has "Backspace: no answer"
check "optional scale: the key line names Shift-Tab" hint_has "Shift-Tab: back"
keys Right
check "optional scale: the first Right places it one step from the middle" \
    wait_text "55 / 100"
keys BSpace
check "optional scale: Backspace hides the marker" wait_text "Use Left and Right"
check "optional scale: ... and shows no value" wait_gone "/ 100"
keys Enter                                      # s1 = null
check "optional scale 2: no marker at first" wait_text "Second scale"
keys Left
check "optional scale 2: the first Left places it at 45" wait_text "45 / 100"
keys Enter                                      # s2 = 45, moved
check "optional triad: no marker at first" wait_text "Use the arrow keys"
check "optional triad: the key line offers Backspace" hint_has "Backspace: no answer"
keys Up
check "optional triad: the first Up moves one step from the centre" \
    wait_text "40% / 30% / 30%"
keys BSpace
check "optional triad: Backspace hides the marker" wait_text "Use the arrow keys"
keys Right
check "optional triad: the next Right starts again from the centre" \
    wait_text "30% / 30% / 40%"
keys Enter                                      # t1 = [0.3, 0.3, 0.4]
check "optional triad 2" wait_text "Second triad"
keys Enter                                      # t2 = null
check "optional: the review" wait_text "→"
keys End Enter
check "optional: submitted" wait_text "Thank you"
check "optional: stories to the hub" to_hub
check "hub JSON: Backspace on an optional scale stores null" json_has '"s1":null'
check "hub JSON: the moved optional scale is 45" json_has '"s2":45'
check "hub JSON: the optional triad as shown" json_has '"t1":[0.3,0.3,0.4]'
check "hub JSON: the unanswered optional triad is null" json_has '"t2":null'
check "hub JSON: nothing untouched" json_has '"untouched":[]'
check "hub CSV: s1 empty" csv_is s1 ""
check "hub CSV: s1_untouched empty (no answer)" csv_is s1_untouched ""
check "hub CSV: s2_untouched = 0" csv_is s2_untouched 0
check "hub CSV: t1_untouched = 0" csv_is t1_untouched 0
check "hub CSV: t2_untouched empty (no answer)" csv_is t2_untouched ""
# --- storykiosk add: the same optional "untouched" list ---
FORM="$TOP/forms/partnership.yaml"
check "add: setup" setup_kiosk
add_json() {    # add_json UNTOUCHED-MEMBER
	printf '{"lang":"en","consent":"analysis","prompt":"worked","answers":{"story":"%s","drivers":[0.5,0.3,0.2],"equal":50,"listened":20,"trust":50,"obstacles":["funding"],"role":"community"}%s}\n' \
	    "$STORY" "$1" >"$W/add.json"
	"$KIOSK" add --data "$W/k" --form "$FORM" "$W/add.json" >"$W/add.out" 2>&1
}
check "add: a story with \"untouched\": [\"trust\"] is stored" add_json ',"untouched":["trust"]'
add_refused() { ! add_json "$1" && grep -q "$2" "$W/add.out"; }
check "add: \"untouched\" naming a choice question is refused" \
    add_refused ',"untouched":["role"]' 'not a scale or triad'
check "add: \"untouched\" naming a number question is refused" \
    add_refused ',"untouched":["age"]' 'not a scale or triad'
check "add: stories to the hub" to_hub
check "hub CSV: add's untouched scale = 1" csv_is trust_untouched 1
check "hub CSV: add's other scale = 0 (moved by default)" csv_is equal_untouched 0
check "hub CSV: add's triad = 0" csv_is drivers_untouched 0
stderr_clean
t_done
