#!/bin/sh
# The hidden admin key (F12, or Ctrl-A) asks for the PIN; a wrong PIN is
# refused (and delays the next try); the right one shows the admin screen
# with the counts; quit needs that PIN visit and ends the program.
. "$(dirname "$0")/kiosk.lib"

kiosk_begin
keys F12
check "F12 asks for the PIN" wait_text "admin PIN"
type_text "0000"; keys Enter
check "wrong PIN refused" wait_text "Wrong PIN" 8
check "no admin screen after a wrong PIN" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q 'Quit the kiosk'"
# The wrong PIN delays the next try by a second; the screen counts it down.
wait_gone "Wrong PIN. Wait" 3
type_text "$PIN"; keys Enter
check "right PIN opens the admin screen" wait_text "Quit the kiosk" 8
check "admin screen shows the kiosk id" wait_text "$("$KIOSK" status --data "$W/k" | sed -n 's/^kiosk id: *//p')"
check "admin screen shows counts" wait_text "submitted"
keys Up Enter
check "return goes back to welcome" wait_text "Kiswahili"
keys C-a
check "Ctrl-A asks for the PIN too" wait_text "admin PIN"
type_text "$PIN"; keys Enter
wait_text "Quit the kiosk" 8
keys End Enter
check "quit ends the kiosk with status 0" wait_text "KIOSK-EXITED=0"

# Export from the admin screen: one paper story (storykiosk add) goes into a
# bundle in the typed directory, and the admin screen says so.
start_kiosk
printf '{"lang":"en","consent":"analysis","prompt":"worked","answers":{"story":"%s","drivers":[0.5,0.3,0.2],"equal":35,"listened":50,"trust":50,"obstacles":["competition"],"role":"community"}}' \
    "A paper story transcribed by a scribe, long enough to pass the minimum." >"$W/a.json"
"$KIOSK" add --data "$W/k" --form "$FORM" "$W/a.json" >/dev/null 2>&1
mkdir -p "$W/usb"
keys F12
wait_text "admin PIN"
type_text "$PIN"; keys Enter
check "admin screen again" wait_text "Export bundles" 8
keys Down Enter
check "export asks for a directory" wait_text "Directory to export to"
i=0
while [ "$i" -lt 20 ]; do keys BSpace; i=$((i + 1)); done
type_text "$W/usb"; keys Enter
check "admin says the bundle was written" wait_text "Exported 1 story " 5
check "bundle file in the directory" sh -c "ls '$W/usb' | grep -q ."
check "status: nothing left to export" sh -c "\"$KIOSK\" status --data '$W/k' | grep -q 'not exported: 0'"
stderr_clean

# Change the form from the admin screen: a second form next to the first
# (here a copy with another id) is offered and used for the next participant.
mkdir -p "$W/forms"
cp "$FORM" "$W/forms/a.yaml"
sed 's/^form: .*/form: second-form/' "$FORM" >"$W/forms/b.yaml"
FORM="$W/forms/a.yaml"
start_kiosk
keys F12
wait_text "admin PIN"
type_text "$PIN"; keys Enter
check "admin screen offers to change the form" wait_text "Change the form" 8
keys Down Down Enter
check "the forms next to the current one are listed" wait_text "b.yaml"
i=0
while [ "$i" -lt 2 ] && ! screen | grep -q "> b.yaml"; do keys Down; i=$((i + 1)); done
keys Enter
check "form changed" wait_text "Form: second-form"
stderr_clean

# The admin screen's state lives in the kiosk's UI state and is cleared each
# time the screen is entered: the export directory being typed survives the
# "Are you still there?" warning, but not the idle timeout that ends the
# visit; the next visit starts on the list of actions.
start_kiosk --idle 3
keys F12
wait_text "admin PIN"
type_text "$PIN"; keys Enter
wait_text "Export bundles" 8
keys Down Enter
check "idle: export asks for a directory" wait_text "Directory to export to"
check "idle: the warning comes" wait_text "Are you still there?" 10
keys Space
check "idle: a key returns to the directory being typed" wait_text "Directory to export to"
check "idle: the timeout returns to the welcome screen" wait_text "Kiswahili" 15
keys F12
wait_text "admin PIN"
type_text "$PIN"; keys Enter
check "idle: the next visit shows the actions" wait_text "Quit the kiosk" 8
check "idle: ... not the directory typed before" holds "! screen_has 'Directory to export to'" 0.5
stderr_clean
t_done
