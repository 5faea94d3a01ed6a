#!/bin/sh
# Monochrome (TERM=vt100): the journey still works, focus is visible (reverse
# video) and nothing draws garbage; a wide terminal (120x40) works too.
. "$(dirname "$0")/kiosk.lib"

check "setup" setup_kiosk
PANE_TERM=vt100 start_kiosk
check "vt100: welcome screen" wait_text "Kiswahili"
check "vt100: highlighted item marked" wait_text "> English"
check "vt100: to the story editor" to_story 0
type_text "Mono-T5K on a monochrome terminal, typed by a participant at the kiosk."
check "vt100: text shown" wait_text "Mono-T5K"
keys Tab
check "vt100: next question" wait_text "Question 2 of 9"
T resize-window -x 120 -y 40
check "120x40: redrawn" wait_text "Question 2 of 9"
keys BTab
check "Shift-Tab back to the story keeps the text" wait_text "Mono-T5K"
stderr_clean
t_done
