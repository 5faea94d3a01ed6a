#!/bin/sh
# kill -9 in the middle of a story, then restart: the draft saved while
# typing becomes one `interrupted` story, the kiosk shows the welcome
# screen, and none of the previous participant's text is on the screen.
. "$(dirname "$0")/kiosk.lib"

kiosk_begin
to_story 0
type_text "Crash-K4W the draft of a story that will be interrupted by a power cut here."
check "text on screen" wait_text "Crash-K4W"
# Autosave runs every few seconds while typing; wait until a draft exists.
check "draft saved while typing" wait_for "has_status draft 1" 6
pid=$(kiosk_pid)
check "kiosk process found" test -n "$pid"
kill -9 "$pid"
check "killed" wait_text "KIOSK-EXITED"
start_kiosk
check "restart shows the welcome screen" wait_text "Kiswahili"
check "one interrupted story" has_status interrupted 1
check "no drafts left" has_status draft 0
check "previous text not on screen" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q Crash-K4W"
stderr_clean

# SIGTERM (systemd stopping the kiosk) mid-story: the newest text is saved
# at once, the terminal is restored, and the next start keeps it interrupted.
to_story 0
type_text "Term-Q7Z typed just before the service was stopped, no time for autosave."
check "second story on screen" wait_text "Term-Q7Z"
pid=$(kiosk_pid)
kill -TERM "$pid"
check "SIGTERM ends the kiosk with status 0" wait_text "KIOSK-EXITED=0"
start_kiosk
check "after SIGTERM: two interrupted stories" \
    has_status interrupted 2
check "after SIGTERM: no draft left" has_status draft 0
check "after SIGTERM: previous text not on screen" \
    sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q Term-Q7Z"
stderr_clean
t_done
