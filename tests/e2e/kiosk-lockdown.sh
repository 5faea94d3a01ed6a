#!/bin/sh
# Lockdown: Ctrl-C, Ctrl-Z, Ctrl-\, Ctrl-S/Q, Ctrl-D, Esc, Alt sequences,
# function keys, invalid UTF-8 and a storm of resizes leave the kiosk
# running on the same screen; below the minimum size it asks to enlarge the
# window, and redraws when enlarged again.
. "$(dirname "$0")/kiosk.lib"

running() { ! screen | grep -q KIOSK-EXITED; }

kiosk_begin
to_story 0
type_text "Lock-P2M "
wait_text "Lock-P2M"
keys C-c C-z 'C-\' C-s C-q C-d Escape M-x M-q F1 F2 F5 F10 F11 C-a
check "control keys leave it running" holds running 0.5
check "still on the story editor with the text" wait_text "Lock-P2M"
keys C-q
type_text "after"
check "typing still works (Ctrl-S did not freeze it)" wait_text "Lock-P2M after"
# Invalid UTF-8 bytes are ignored, not stored or shown (tmux may swallow
# some of them on the way; whatever arrives must not show as mojibake).
T send-keys -H c3 28 ff fe 80 c0 af
# The invalid bytes must reach the kiosk apart from what is typed next (a Z
# sent at once is lost with them), and nothing on screen says they arrived:
# the pause is part of the input under test.
sleep 0.3
type_text "Z"
check "typing works after invalid UTF-8" wait_text "Z"
check "no replacement characters or raw bytes shown" \
    sh -c "! tmux -S '$SOCK' capture-pane -p | sed -n 5p | grep -q -e '�' -e \"\$(printf '\\377')\""
for s in 100x30 60x20 81x25 79x23 80x24 120x40 80x24; do
	T resize-window -x "${s%x*}" -y "${s#*x}" 2>/dev/null
done
check "resize storm: still running and on the editor" wait_text "Lock-P2M"
T resize-window -x 40 -y 10
check "40x10 asks to enlarge the window" wait_text "enlarge"
keys x y z
T resize-window -x 80 -y 24
check "back to 80x24 redraws the editor" wait_text "Lock-P2M after"
check "keys typed while too small were ignored" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q 'xyz'"
check "still running" running
stderr_clean
t_done
