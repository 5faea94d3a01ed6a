#!/bin/sh
# The hidden admin key (F12, or Ctrl-A) asks for the PIN; a wrong PIN is
# refused (and delays the next try); the right one shows the admin screen
# with the counts; quit needs that PIN visit and ends the program.
. "$(dirname "$0")/kiosk.lib"

check "setup" setup_kiosk
start_kiosk
keys F12
check "F12 asks for the PIN" wait_for "admin PIN"
type_text "0000"; keys Enter
check "wrong PIN refused" wait_for "Wrong PIN" 80
check "no admin screen after a wrong PIN" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q 'Quit the kiosk'"
sleep 1.1
type_text "$PIN"; keys Enter
check "right PIN opens the admin screen" wait_for "Quit the kiosk" 80
check "admin screen shows the kiosk id" wait_for "$("$KIOSK" status --data "$W/k" | sed -n 's/^kiosk id: *//p')"
check "admin screen shows counts" wait_for "submitted"
keys Up Enter
check "return goes back to welcome" wait_for "Kiswahili"
keys C-a
check "Ctrl-A asks for the PIN too" wait_for "admin PIN"
type_text "$PIN"; keys Enter
wait_for "Quit the kiosk" 80
keys End Enter
check "quit ends the kiosk with status 0" wait_for "KIOSK-EXITED=0"

# Export from the admin screen: one paper story (storykiosk add) goes into a
# bundle in the typed directory, and the admin screen says so.
start_kiosk
printf '{"lang":"en","consent":"analysis","prompt":"worked","answers":{"story":"%s","drivers":[0.5,0.3,0.2],"equal":35,"listened":50,"trust":50,"obstacles":["competition"],"role":"community"}}' \
    "A paper story transcribed by a scribe, long enough to pass the minimum." >"$W/a.json"
"$KIOSK" add --data "$W/k" --form "$FORM" "$W/a.json" >/dev/null 2>&1
mkdir -p "$W/usb"
keys F12
wait_for "admin PIN"
type_text "$PIN"; keys Enter
check "admin screen again" wait_for "Export bundles" 80
keys Down Enter
check "export asks for a directory" wait_for "Directory to export to"
i=0
while [ "$i" -lt 20 ]; do keys BSpace; i=$((i + 1)); done
type_text "$W/usb"; keys Enter
check "admin says the bundle was written" wait_for "Exported 1 story " 50
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
wait_for "admin PIN"
type_text "$PIN"; keys Enter
check "admin screen offers to change the form" wait_for "Change the form" 80
keys Down Down Enter
check "the forms next to the current one are listed" wait_for "b.yaml"
i=0
while [ "$i" -lt 2 ] && ! screen | grep -q "> b.yaml"; do keys Down; i=$((i + 1)); done
keys Enter
check "form changed" wait_for "Form: second-form"
stderr_clean
