#!/bin/sh
# When an answer cannot be accepted, the participant is told why in their
# own language (not with the scribe's message naming question ids).
. "$(dirname "$0")/kiosk.lib"

kiosk_begin
to_story 1                                      # Français
type_text "Trop court."
keys Tab
check "a too-short story is explained in French" \
    wait_text "Merci d'écrire au moins 50 caractères."
check "... without the internal question id" sh -c '! tmux -S "$1" capture-pane -p | grep -q "answer \"story\""' sh "$SOCK"
type_text " Maintenant l'histoire est assez longue pour être acceptée, merci."
keys Tab
wait_text "(facultatif)" 3 || wait_text "facultati" 3
keys Enter                                      # title is optional: skip
# The triad and the scales take their middle when Enter is pressed at once.
for q in 3 4 5 6; do
	wait_question $q || break
	keys Enter
done
# Question 7 is "what got in the way" (several choices, required).
wait_text "Question 7 sur"
keys Enter
check "leaving a required multiple choice empty is explained in French" \
    wait_text "Merci de répondre à cette question."
check "... and the kiosk stays on that question" wait_text "Question 7 sur"
stderr_clean
t_done
