#!/bin/sh
# Cancel (Ctrl-X, confirmed) deletes the draft: nothing is stored. "No"
# returns to the story with the text intact. Declining consent stores
# nothing either.
. "$(dirname "$0")/kiosk.lib"

kiosk_begin
keys Enter
wait_text "Pg"
keys End Enter
check "declining consent returns to welcome" wait_text "Kiswahili"
to_story 0
type_text "Cancel-R8T a story that will be cancelled by the participant, long enough."
wait_text "Cancel-R8T"
check "draft saved while typing" wait_for "has_status draft 1" 6
keys C-x
check "cancel asks for confirmation" wait_text "delete my story"
keys Enter
check "'No' returns to the story" wait_text "Cancel-R8T"
keys C-x
wait_text "delete my story"
keys Down Enter
check "'Yes' returns to welcome" wait_text "Kiswahili"
check "nothing stored (no draft)" has_status draft 0
check "nothing stored (no story at all)" sh -c "\"$KIOSK\" status --data '$W/k' | grep -q '0 submitted, 0 interrupted, 0 timed_out, 0 draft'"
check "text gone from the screen" wait_gone "Cancel-R8T"
stderr_clean
t_done
