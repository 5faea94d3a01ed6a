#!/bin/sh
# Idle timeout (--idle 2): "Are you still there?" with a countdown; a key
# returns to the story; then the form's `unsubmitted` setting applies:
# keep -> one timed_out story, discard -> nothing stored. The screen goes
# back to welcome without the text. The warning speaks the participant's
# language.
. "$(dirname "$0")/kiosk.lib"

kiosk_begin --idle 2
to_story 0
type_text "Idle-M3V a story left unfinished at the kiosk by someone who walked away."
check "warning appears" wait_text "Are you still there?" 8
keys Space
check "a key returns to the story" wait_text "Idle-M3V"
check "warning appears again" wait_text "Are you still there?" 8
check "then back to welcome" wait_text "Kiswahili" 8
check "keep: one timed_out story" has_status timed_out 1
check "keep: no draft left" has_status draft 0
check "text gone from the screen" wait_gone "Idle-M3V"

sed 's/unsubmitted: keep/unsubmitted: discard/' "$FORM" >"$W/discard.yaml"
FORM="$W/discard.yaml"
start_kiosk --idle 2
to_story 1          # in French: the warning is translated too
type_text "Idle-D9X a story that the discard setting throws away after the timeout."
wait_text "Idle-D9X"
check "discard: warning appears, in French" wait_text "Êtes-vous toujours là ?" 8
check "discard: back to welcome" wait_text "Kiswahili" 8
check "discard: still one timed_out story, nothing new" has_status timed_out 1
check "discard: no draft" has_status draft 0
stderr_clean
t_done
