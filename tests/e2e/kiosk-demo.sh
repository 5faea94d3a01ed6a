#!/bin/sh
# make demo's first minute: tests/demo-setup makes the demo kiosk; run
# --demo-pin shows the PIN and the way to the admin screen on the welcome
# screen (translated), F12 and that PIN open it and Quit ends the kiosk; a
# wrong --demo-pin is refused with one line, and without it the line is not
# there; the next steps demo-setup --next prints after Quit work as printed
# (export, import, trust, search, export CSV). Every wait is bounded.
. "$(dirname "$0")/kiosk.lib"

DEMO_PIN=1234
D="$W/demo"
mkdir -p "$W/bin"
ln -s "$KIOSK" "$W/bin/storykiosk"
ln -s "$HUB" "$W/bin/storyhub"
setup() { cd "$W" && DEMO_BIN="$W/bin" DEMO_PIN=$DEMO_PIN "$TOP/tests/demo-setup" demo; }
next_steps() { cd "$W" && DEMO_BIN="$W/bin" "$TOP/tests/demo-setup" --next demo; }

# start_demo [extra run args...]: the demo kiosk in tmux, as make demo runs it.
start_demo() {
	KIOSK_DATA=$D/kiosk
	KIOSK_START_WAIT=15
	start_kiosk "$@"
}

setup >"$W/setup.out" 2>&1
check "demo-setup makes the demo kiosk and hub key" test $? -eq 0 -a -f "$D/kiosk/kiosk.key" \
    -a -f "$D/hub/hub.key"
check "... and tells the PIN" grep -q "admin PIN $DEMO_PIN" "$W/setup.out"
check "... a second time too, keeping the keys" sh -c \
    "cd '$W' && DEMO_BIN='$W/bin' '$TOP/tests/demo-setup' demo >/dev/null && test -f '$D/kiosk/kiosk.key'"
make -s -n -C "$TOP" _demo BUILD="$BUILD" >"$W/make.out" 2>&1
check "the Makefile's demo gives demo-setup and run --demo-pin the same PIN" \
    grep -q -- "^DEMO_PIN=$DEMO_PIN tests/demo-setup demo$" "$W/make.out"
check "... runs the kiosk with it" grep -q -- \
    "^./storykiosk run --data demo/kiosk --form forms/partnership.yaml --demo-pin $DEMO_PIN$" \
    "$W/make.out"
check "... and prints the next step after Quit" grep -q "^tests/demo-setup --next demo$" "$W/make.out"

# A wrong --demo-pin: the line shown could never be wrong.
"$KIOSK" run --data "$D/kiosk" --form "$FORM" --demo-pin 9999 >"$W/wrong.out" 2>&1
rc=$?
check "a wrong --demo-pin is refused" test "$rc" -ne 0 -a "$rc" -lt 128
check "... with one line" test "$(wc -l <"$W/wrong.out")" -eq 1
check "... saying what is wrong" grep -q "^storykiosk: --demo-pin: wrong PIN" "$W/wrong.out"
check "run --help documents --demo-pin for demos only" sh -c \
    "'$KIOSK' run --help | grep -A1 -- '--demo-pin PIN' | grep -q 'for demos only'"

# Before any story: the next step says there is nothing to read yet.
next_steps >"$W/next0.out" 2>&1
check "demo-setup --next with no story yet" test $? -eq 0
check "... says so" grep -q "No story was submitted" "$W/next0.out"
check "... and prints no command" sh -c "! grep -q '^  $W/bin/' '$W/next0.out'"

start_demo --demo-pin $DEMO_PIN
check "the demo kiosk starts" wait_text "Partnership stories" 0.1
check "the welcome screen shows the demo line with the PIN" \
    wait_text "Demo: F12 then PIN $DEMO_PIN opens the admin screen (Quit is there)."
keys Down
check "... translated when a language is chosen (fr)" wait_text "Démo : F12 puis le code $DEMO_PIN"
keys Down
check "... (sw)" wait_text "Onyesho: F12 kisha PIN $DEMO_PIN"
keys Up Up
check "... back in English" wait_text "Demo: F12 then PIN $DEMO_PIN"

# A story, as a participant would tell it (a paper one: same store, same seal).
printf '{"lang":"en","consent":"quotes","prompt":"worked","answers":{"story":"%s","title":"demo","drivers":[0.5,0.3,0.2],"equal":35,"listened":50,"trust":50,"obstacles":["funding"],"role":"community"}}' \
    "Our partnership with the clinic worked because everyone listened to the elders." >"$W/a.json"
check "a story goes into the demo kiosk" sh -c "'$KIOSK' add --data '$D/kiosk' --form '$FORM' '$W/a.json' >/dev/null"

keys F12
check "F12 asks for the PIN" wait_text "admin PIN"
type_text "$DEMO_PIN"; keys Enter
check "the PIN shown opens the admin screen" wait_text "Quit the kiosk" 15
keys End Enter
check "Quit ends the kiosk with status 0" wait_text "KIOSK-EXITED=0"
stderr_clean

start_demo
check "without --demo-pin the kiosk starts" wait_text "Kiswahili"
check "... and shows no demo line" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q -e 'Demo:' -e '$DEMO_PIN'"
T kill-server 2>/dev/null

# The next step, run exactly as printed.
next_steps >"$W/next.out" 2>&1
check "demo-setup --next after the demo" test $? -eq 0
check "... says where the data is" grep -q "data is in demo/kiosk" "$W/next.out"
grep "^  $W/bin/\|^  STORYHUB_PASSPHRASE=" "$W/next.out" | sed 's/^  //' >"$W/steps"
check "... prints five commands" test "$(wc -l <"$W/steps")" -eq 5
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	d="step $n works: $(echo "$cmd" | sed "s|$W/bin/||g" | cut -c1-60)"
	if (cd "$W" && sh -c "$cmd") >"$W/step$n.out" 2>&1 </dev/null; then
		ok "$d"
	else
		notok "$d"
		sed 's/^/# step: /' "$W/step$n.out"
	fi
done <"$W/steps"
check "... the import held the bundle in quarantine" grep -q "1 quarantined" "$W/step2.out"
check "... trust brought the story in" grep -q "1 new" "$W/step3.out"
check "... search finds it" grep -q "^1 story found" "$W/step4.out"
check "... with its words" grep -q "\[partnership\]" "$W/step4.out"
check "... the CSV holds it" grep -q "listened to the elders" "$D/stories.csv"
next_steps >"$W/next2.out" 2>&1
grep "^  $W/bin/\|^  STORYHUB_PASSPHRASE=" "$W/next2.out" | sed 's/^  //' >"$W/steps2"
fails=0
while IFS= read -r cmd; do
	(cd "$W" && sh -c "$cmd") >/dev/null 2>&1 </dev/null || fails=$((fails + 1))
done <"$W/steps2"
check "the same commands work a second time (nothing new to export)" test "$fails" -eq 0

t_done
