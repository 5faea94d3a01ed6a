#!/bin/sh
# Feedback packs end to end: stories told in Kiswahili and French (added
# with `storykiosk add`, consent public, and one that is not public) go to a
# hub; `storyhub feedback` makes a pack of the public ones with a note; the
# pack is carried to the kiosk (`storykiosk feedback`) and read in
# Kiswahili in tmux: the note, a text chart and a story's exact text; Esc
# returns to the welcome screen; the idle timeout clears the screen. Then
# the refusals, each with its message and the kiosk's pack unchanged: a
# story that is not public selected at the hub; a tampered, a truncated, an
# oversized, an older and an equal pack; a pack signed by another hub key.
# Last, hostile text in a pack is drawn inert.
. "$(dirname "$0")/kiosk.lib"

export STORYHUB_PASSPHRASE=e2e-pass-phrase
STORY_SW="Kisima-7QK kilijengwa pamoja na jamii yote; kila mtu alisikilizwa katika mikutano ya kijiji."
STORY_FR="Puits-4RZ : le comité a décidé avec nous, et chacun a été écouté pendant les réunions."
STORY_NP="Siri-9XX hadithi hii si ya umma: mwenyewe alichagua nukuu tu, kwa hiyo haishirikishwi."

# add LANG CONSENT TEXT EQUAL ROLE: one paper story; prints its code.
add() {
	printf '{"lang":"%s","consent":"%s","prompt":"worked","answers":{"story":"%s","drivers":[0.5,0.3,0.2],"equal":%s,"listened":50,"trust":50,"obstacles":["funding"],"role":"%s"}}' \
	    "$1" "$2" "$3" "$4" "$5" >"$W/story.json"
	"$KIOSK" add --data "$W/k" --form "$FORM" "$W/story.json" 2>&1 |
	    sed -n 's/^stored story \([A-Z0-9-]*\) .*/\1/p'
}

hub() { "$HUB" "$@"; }
feedback() {
	hub feedback --store "$W/hub.db" --key "$W/hub/hub.key" --form-file "$FORM" "$@"
}
pack_sum() { cksum <"$W/k/feedback.skf"; }
# pack_unchanged: the kiosk's pack file is still the one it had.
pack_unchanged() { [ "$(pack_sum)" = "$PACK_SUM" ]; }
# shown TEXT: TEXT is on the screen, wrapped over lines as it may be.
shown() {
	screen | sed 's/^ *//; s/ *$//' | tr '\n' ' ' | grep -qF -- "$1"
}
# turn_to TEXT: page on (PgDn) until TEXT is on the screen.
turn_to() { screen_has "$1" || { keys NPage; wait_text "$1" 0.5; }; }

check "setup: hub key and kiosk data directory" setup_kiosk
CODE_SW=$(add sw public "$STORY_SW" 30 community)
CODE_FR=$(add fr public "$STORY_FR" 40 community)
CODE_NP=$(add sw quotes "$STORY_NP" 90 funder)
check "three stories added" sh -c "[ -n '$CODE_SW' ] && [ -n '$CODE_FR' ] && [ -n '$CODE_NP' ]"
check "to the hub: exported, imported, kiosk trusted" to_hub

cat >"$W/note.txt" <<'EOF'
# The note of the e2e test: a section per language.
[en]
What we heard: wells work when everyone decides.

[fr]
Ce que nous avons entendu : les puits marchent quand tout le monde décide.

[sw]
Tulichosikia-5NT: visima hufanya kazi wote wanapoamua pamoja.
EOF

# --- at the hub ---
check_fail "hub: a story that is not public is refused" \
    feedback --out "$W/refused.skf" --select "$CODE_SW,$CODE_NP"
check "hub: ... naming its code and its tier" \
    sh -c "grep -q 'story $CODE_NP has consent tier quotes' '$T_DIR/out'"
check "hub: ... and no pack is written" test ! -e "$W/refused.skf"
check_ok "hub: a pack of every public story, with the note" \
    feedback --out "$W/p1.skf" --all --note "$W/note.txt"
check "hub: ... pack 1 with 2 stories, figures over 3" \
    sh -c "grep -q 'wrote feedback pack 1 to .*: 2 stories, figures over 3 stories, note in en, fr, sw' '$T_DIR/out'"
check_ok "hub: a second pack, the two stories selected" \
    feedback --out "$W/p2.skf" --select "$CODE_FR,$CODE_SW" --note "$W/note.txt"
check "hub: ... is pack 2" sh -c "grep -q 'wrote feedback pack 2 ' '$T_DIR/out'"

# --- carried to the kiosk ---
check_ok "kiosk: pack 2 taken" "$KIOSK" feedback --data "$W/k" "$W/p2.skf"
check "kiosk: ... it says which" sh -c "grep -q '^feedback pack 2 of .* in use: 2 stories' '$T_DIR/out'"
check "kiosk: status says which pack is in use" \
    sh -c "'$KIOSK' status --data '$W/k' | grep -q '^feedback: *pack 2 of [0-9-]* [0-9:]* UTC, 2 stories'"
check "kiosk: the pack is kept as it came" cmp -s "$W/p2.skf" "$W/k/feedback.skf"
PACK_SUM=$(pack_sum)

# Refusals: each with its message, nothing changed.
# A letter of a story's text changed: only the signature can tell.
cp "$W/p2.skf" "$W/tampered.skf"
flip_byte "$W/tampered.skf" $(($(grep -boa 'Puits-4RZ' "$W/p2.skf" | head -1 | cut -d: -f1) + 2))
check_fail "refused: a tampered pack" "$KIOSK" feedback --data "$W/k" "$W/tampered.skf"
check "... says the signature is bad" sh -c "grep -q 'tampered.skf: .*bad signature' '$T_DIR/out'"
check "... the kiosk's pack unchanged" pack_unchanged
head -c $(($(wc -c <"$W/p2.skf") - 100)) "$W/p2.skf" >"$W/truncated.skf"
check_fail "refused: a truncated pack" "$KIOSK" feedback --data "$W/k" "$W/truncated.skf"
check "... says it is truncated" sh -c "grep -q 'truncated.skf: truncated' '$T_DIR/out'"
check "... the kiosk's pack unchanged" pack_unchanged
cp "$W/p2.skf" "$W/big.skf"
truncate -s 17M "$W/big.skf"
check_fail "refused: an oversized pack" "$KIOSK" feedback --data "$W/k" "$W/big.skf"
check "... says it is too large" sh -c "grep -q 'pack too large (17825792 bytes, at most 16777216)' '$T_DIR/out'"
check "... the kiosk's pack unchanged" pack_unchanged
check_fail "refused: an older pack" "$KIOSK" feedback --data "$W/k" "$W/p1.skf"
check "... says it is older" \
    sh -c "grep -q 'pack 1 is older than pack 2, which this kiosk has' '$T_DIR/out'"
check "... the kiosk's pack unchanged" pack_unchanged
check_fail "refused: the same pack again" "$KIOSK" feedback --data "$W/k" "$W/p2.skf"
check "... says the kiosk has it" sh -c "grep -q 'already has feedback pack 2' '$T_DIR/out'"
STORYHUB_PASSPHRASE=other-pass t_hubkey "$W/other" >/dev/null 2>&1
check_ok "another hub key signs a pack (pack 3)" env STORYHUB_PASSPHRASE=other-pass \
    "$HUB" feedback --store "$W/hub.db" --key "$W/other/hub.key" --form-file "$FORM" \
    --out "$W/other.skf" --all
check_fail "refused: a pack signed by another hub key" \
    "$KIOSK" feedback --data "$W/k" "$W/other.skf"
check "... says the key is not this kiosk's" \
    sh -c "grep -q 'signed by hub key [0-9a-f]\{16\}, which this kiosk does not know' '$T_DIR/out'"
check "... the kiosk's pack unchanged" pack_unchanged
rm -f "$W/k/feedback.skf"
check_fail "refused: an older pack when the file was deleted" \
    "$KIOSK" feedback --data "$W/k" "$W/p1.skf"
check "... (the kiosk remembers pack 2)" sh -c "grep -q 'older than pack 2' '$T_DIR/out'"
cp "$W/p2.skf" "$W/k/feedback.skf"

# --- read in Kiswahili ---
start_kiosk
check "welcome offers the stories" wait_text "Read stories from others"
keys Down Down
check "the offer follows the language" wait_text "Soma hadithi za wengine"
keys R
check "R opens the note, in Kiswahili" wait_text "Tulichosikia-5NT"
check "... under its title" screen_has "Neno kutoka kwa waandaaji"
keys NPage
check "the figures" wait_text "Takwimu za hadithi 3"
check "... a text chart in block characters" \
    sh -c "tmux -S '$SOCK' capture-pane -p | grep -q 'Lengo la pamoja *█*░* 50%'"
check "... the median of a scale" screen_has "wastani wa kati 40"
# Page on until the first story: told in Kiswahili, so first.
check "the Kiswahili story comes first" wait_for "turn_to 'Hadithi 1 kati ya 2'" 10
check "... its exact text" shown "$STORY_SW"
check "... but never its story code (which withdraws it)" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -qF '$CODE_SW'"
keys NPage
check "the French story next, marked with its language" wait_text "Imesimuliwa kwa Français"
check "... its exact text" shown "$STORY_FR"
check "the story that is not public is nowhere" sh -c "! grep -q 'Siri-9XX' '$W/k/feedback.skf'"
keys PPage
check "PgUp pages back" wait_for "shown '$STORY_SW'"
keys Escape
check "Esc returns to the welcome screen" wait_text "Welcome! Please choose your language."
check "... and the story is gone from the screen" wait_gone "Kisima-7QK"
keys End Enter
check "Enter on the last item opens the reader too" wait_text "What we heard: wells"
keys C-x
check "Ctrl-X returns too" wait_text "Welcome! Please choose your language."

start_kiosk --idle 3
keys Down Down R
wait_text "Tulichosikia-5NT"
wait_for "turn_to 'Imesimuliwa kwa Français'" 10
check "idle: the warning comes while reading, in Kiswahili" wait_text "Bado uko hapa?" 10
check "idle: then the welcome screen" wait_text "Welcome! Please choose your language." 10
check "idle: the story is cleared from the screen" wait_gone "Puits-4RZ"
check "idle: ... and the note" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q 'Tulichosikia'"
stderr_clean

# --- the admin screen takes a pack from a path ---
check_ok "hub: pack 4 of the French story" feedback --out "$W/usb/p4.skf" --select "$CODE_FR"
start_kiosk
keys F12
wait_text "admin PIN"
type_text "$PIN"; keys Enter
check "admin: shows the pack in use" wait_text "Feedback pack: 2 (" 8
keys End Up Up Enter
check "admin: asks for the pack's path" wait_text "Feedback pack file to load:"
i=0
while [ "$i" -lt 20 ]; do keys BSpace; i=$((i + 1)); done
type_text "$W/tampered.skf"; keys Enter
check "admin: a tampered pack is refused" wait_text "bad signature"
check "admin: ... the kiosk's pack unchanged" pack_unchanged
keys Enter
i=0
while [ "$i" -lt 80 ]; do keys BSpace; i=$((i + 1)); done
type_text "$W/usb/p4.skf"; keys Enter
check "admin: the new pack is taken" wait_text "Feedback pack 4 loaded: 1 story."
check "admin: ... and shown in use" wait_text "Feedback pack: 4 ("
keys Home Enter
keys R
check "admin: the reader shows the new pack" wait_for "turn_to 'Story 1 of 1'" 10
check "the kiosk's pack is pack 4" cmp -s "$W/usb/p4.skf" "$W/k/feedback.skf"
stderr_clean

# --- hostile text in a pack (tests/vectors/pack/hostile.skf, signed by the
# vectors' hub key) is drawn inert ---
KIOSK_DATA=$W/hk
STORYKIOSK_PIN=$PIN "$KIOSK" init --data "$W/hk" --hub-key "$TOP/tests/vectors/pack/hub.pub" \
    >/dev/null 2>&1
check_ok "hostile: the pack verifies and is taken" \
    "$KIOSK" feedback --data "$W/hk" "$TOP/tests/vectors/pack/hostile.skf"
start_kiosk
keys R
check "hostile: the note shows, its escapes inert" wait_text "NOTE"
check "hostile: ... no colour escape reached the terminal" \
    sh -c "tmux -S '$SOCK' capture-pane -p | grep -q 'NOTE .\\[31mred'"
wait_for "turn_to HOSTILE-START" 10
check "hostile: the story's text shows from start to end" screen_has "HOSTILE-END"
check "hostile: the clear-screen escape did not clear the page" screen_has "Story 1 of 2"
check "hostile: broken bytes and controls show as U+FFFD" screen_has "�"
check "hostile: the title escape did not reach the terminal" \
    sh -c "! tmux -S '$SOCK' display-message -p '#{pane_title}' | grep -q owned"
keys NPage
check "the next story: wide characters and one beyond the BMP drawn" wait_text "水 et 𝄞"
check "... its text whole" wait_for "shown 'Le comité a décidé avec nous : 水 et 𝄞 s'\''affichent, la ligne est longue.'"
stderr_clean
t_done
