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
keys Down Enter
check "quit ends the kiosk with status 0" wait_for "KIOSK-EXITED=0"
