#!/bin/sh
# valgrind memcheck on the kiosk itself: a whole participant journey (story,
# every follow-up widget, review, submit, thank-you, back to welcome) with
# `storykiosk run` under valgrind in tmux, then SIGTERM (the admin screen's
# quit would need an Argon2id PIN check, minutes under valgrind). valgrind's
# report must hold no error: no invalid read or write, no use of
# uninitialised memory, no definitely or possibly lost block. Plain builds only.
. "$(dirname "$0")/kiosk.lib"

if ldd "$KIOSK" 2>/dev/null | grep -q libasan; then
	t_skip_all "valgrind on the kiosk: sanitizer build (ASan and valgrind do not mix)"
fi
if ! command -v valgrind >/dev/null; then
	t_skip_all "valgrind on the kiosk: valgrind is not installed"
fi

check "setup" setup_kiosk
REAL="$KIOSK"
cat >"$W/kv" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --suppressions="$TOP/tests/e2e/valgrind-ncurses.supp" --log-file="$W/vg.%p.log" "$REAL" "\$@"
WRAP
chmod +x "$W/kv"
KIOSK="$W/kv"
start_kiosk
# Everything is slower under valgrind: wait longer than the other tests.
check "the kiosk starts under valgrind" wait_text "Kiswahili" 30
check "consent, prompt, editor" to_story 0
type_text "Memcheck-K1 the water committee and the district office shared one budget, and it worked. 🌍"
wait_text "Memcheck-K1" 10
answer_all "Under valgrind"
check "review" wait_text "Animatrice" 20
keys End Enter
code_shown() { screen | grep -qE '[A-Z0-9]{3}-[A-Z0-9]{3}'; }
check "thank-you screen with the story code after submit" wait_for code_shown 20
wait_text "Press any key" 10
leave_thanks 20 2               # each Enter is given 2 s to be drawn
check "back to the welcome screen" wait_text "Kiswahili" 20
pid=$(pgrep -f "memcheck.*storykiosk run --data $W/k" | head -1)
[ -n "$pid" ] || pid=$(pgrep -f "valgrind.*storykiosk" | head -1)
check "the kiosk runs under valgrind (pid $pid)" test -n "$pid"
kill -TERM "$pid" 2>/dev/null
check "SIGTERM ends the kiosk cleanly (exit 0: valgrind found nothing)" wait_text "KIOSK-EXITED=0" 30
vgerr() {
	grep -E 'Invalid (read|write|free)|uninitialised|Mismatched free|(definitely|possibly) lost in|Process terminating with default action of signal 11' \
	    "$W"/vg.*.log >/dev/null 2>&1
}
check "valgrind wrote its report" sh -c "ls '$W'/vg.*.log >/dev/null 2>&1"
if vgerr; then
	vgbad=1
	cat "$W"/vg.*.log | head -40 | sed 's/^/# /'
else
	vgbad=0
fi
check "memcheck: no invalid access, no uninitialised use, no lost block" test "$vgbad" -eq 0
check "the story was stored" sh -c "'$REAL' status --data '$W/k' | grep -q '1 submitted'"
t_done
