#!/bin/sh
# Cancel (Ctrl-X, confirmed) deletes the draft: nothing is stored. "No"
# returns to the story with the text intact. Declining consent stores
# nothing either.
. "$(dirname "$0")/kiosk.lib"

check "setup" setup_kiosk
start_kiosk
keys Enter
wait_for "Pg"
keys End Enter
check "declining consent returns to welcome" wait_for "Kiswahili"
to_story 0
type_text "Cancel-R8T a story that will be cancelled by the participant, long enough."
wait_for "Cancel-R8T"
i=0
while [ "$i" -lt 60 ] && ! has_status draft 1; do sleep 0.1; i=$((i + 1)); done
check "draft saved while typing" has_status draft 1
keys C-x
check "cancel asks for confirmation" wait_for "delete my story"
keys Enter
check "'No' returns to the story" wait_for "Cancel-R8T"
keys C-x
wait_for "delete my story"
keys Down Enter
check "'Yes' returns to welcome" wait_for "Kiswahili"
check "nothing stored (no draft)" has_status draft 0
check "nothing stored (no story at all)" sh -c "\"$KIOSK\" status --data '$W/k' | grep -q '0 submitted, 0 interrupted, 0 timed_out, 0 draft'"
check "text gone from the screen" wait_gone "Cancel-R8T"
stderr_clean
