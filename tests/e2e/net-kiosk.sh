#!/bin/sh
# Automatic push from the running kiosk (tmux, a real 'storyhub serve' on
# 127.0.0.1): the push URL set at init is used; between participants the
# kiosk pushes by itself in a child process (first refused: the kiosk is not
# enrolled, which the admin screen reports); after the field worker enrols
# it, "Push to the hub now" delivers; later stories go on their own; no push
# starts while a participant is in a session; with the hub's store held by
# another process the push says "hub busy, will retry" (admin screen and
# DIR/push.log) and delivers after the backoff's "push now"; with the hub
# down the kiosk keeps running and keeps every story, and "push now" after
# the hub is back delivers each story once. --push-url on run overrides
# init's; a bad URL is refused. Every wait is bounded.
. "$(dirname "$0")/kiosk.lib"
. "$TOP/tests/e2e/net.lib"
export STORYHUB_PASSPHRASE=e2e-pass-phrase

waiting_is() { [ "$(unacked "$W/k")" = "$1" ]; }
hub_has() { [ "$(hub_count "$W/hub.db")" = "$1" ]; }
result_has() { "$KIOSK" status --data "$W/k" | grep "^push result:" | grep -qF -- "$1"; }
admin() {
	keys F12
	wait_text "admin PIN" || return 1
	type_text "$PIN"
	keys Enter
	wait_text "Push to the hub now" 8
}
# The menu: return, export, change form, push now, quit.
push_now() { keys End Up Enter; }
leave_admin() { keys Home Enter; wait_text "Kiswahili"; }

check "hub key" t_hubkey "$W/hub"
check "server starts on 127.0.0.1" start_server "$W/hub.db" "$W/hub/hub.key"
check "a bad push URL is refused at init" sh -c "! STORYKIOSK_PIN=$PIN '$KIOSK' init --data '$W/bad' --hub-key '$W/hub/hub.pub' --push-url ftp://127.0.0.1/ 2>&1 | grep -q 'must start with http'; [ ! -e '$W/bad/kiosk.key' ]"
check "init with --push-url" sh -c "STORYKIOSK_PIN=$PIN '$KIOSK' init --data '$W/k' --hub-key '$W/hub/hub.pub' --push-url '$URL' | grep -qF 'push to:    $URL'"
check "status shows the push URL" sh -c "'$KIOSK' status --data '$W/k' | grep -qF 'push to:      $URL'"
KID=$(kiosk_id "$W/k")
check "two stories waiting" add_stories "$W/k" 1 2

start_kiosk
check "the kiosk pushes by itself from the welcome screen (init's URL)" \
    wait_for "result_has 'not enrolled'" 15
check "... the hub refused it: nothing in the hub, not even quarantine" sh -c \
    "'$HUB' kiosks --store '$W/hub.db' | grep -q 'no kiosk has sent a bundle yet'"
check "... nothing acknowledged" waiting_is 2
check "... the welcome screen stayed" wait_text "Kiswahili"
check "admin screen" admin
check "... shows the hub's URL" wait_text "Push to: $URL"
check "... the last attempt and its result" wait_text "HTTP 401"
check "... the stories waiting" wait_text "Waiting for the hub: 2"
check "... never a success yet" wait_text "Last success: never"
check "the field worker enrols the kiosk (while it runs)" enrol "$W/k" "$W/hub.db"
push_now
check "push now: acknowledged" wait_text "Waiting for the hub: 0" 15
check "... the admin screen shows the success" wait_text "2 of 2 acknowledged"
check "... and when" sh -c "tmux -S '$SOCK' capture-pane -p | grep -Eq 'Last success: [0-9]{4}-[0-9]{2}-[0-9]{2}T'"
check "... the hub holds each story once" hub_has 2
check "back to the welcome screen" leave_admin

check "three more stories finish" add_stories "$W/k" 3 5
check "pushed by itself between participants" wait_for "waiting_is 0" 15
check "... the hub holds 5" hub_has 5

to_story 0
type_text "Typing-Q7 a participant is writing while a story waits to be pushed."
check "a participant is typing" wait_text "Typing-Q7"
check "a story finishes meanwhile" add_stories "$W/k" 6 6
check "no push starts during a session (4 s)" holds "waiting_is 1" 4
keys C-x
wait_text "delete my story"
keys Down Enter
check "the participant leaves" wait_text "Kiswahili"
check "the waiting story goes after the session" wait_for "waiting_is 0" 15
check "... the hub holds 6" hub_has 6

# The hub's store held by another process: the push is answered 503.
cat >"$W/hold.py" <<'PY'
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
end = time.time() + 120
while not os.path.exists(sys.argv[3]) and time.time() < end:
    time.sleep(0.05)
db.execute("ROLLBACK")
PY
/usr/bin/python3 "$W/hold.py" "$W/hub.db" "$W/held" "$W/release" &
holder=$!
check "another process holds the hub's store" wait_for "test -e '$W/held'" 10
check "one more story" add_stories "$W/k" 7 7
check "the push says: hub busy, will retry" wait_for "result_has 'hub busy, will retry'" 40
check "... the kiosk still runs" wait_text "Kiswahili"
check "... the story is kept" waiting_is 1
check "... the push log says so too" grep -q "hub busy, will retry" "$W/k/push.log"
check "admin screen while the hub is busy" admin
check "... says: hub busy, will retry" wait_text "hub busy, will retry"
touch "$W/release"
wait $holder
push_now
check "the store free again: push now delivers it" wait_text "Waiting for the hub: 0" 30
check "... every story once in the hub" hub_has 7
check "... the server answered 503 with the wait" grep -q "POST /v1/bundles 503 " "$SRV_LOG"
check "back to the welcome screen again" leave_admin

check "the hub goes away" stop_server
check "one more story" add_stories "$W/k" 8 8
check "the failed attempt is recorded" wait_for "result_has 'failed: '" 45
check "... the kiosk still runs" wait_text "Kiswahili"
check "... and keeps the story" waiting_is 1
check "... submitted stories all still held" has_status submitted 8
check "admin screen after the failure" admin
check "... says it failed" wait_text "failed: "
check "... one story waiting" wait_text "Waiting for the hub: 1"
check "the hub is back (same port)" start_server "$W/hub.db" "$W/hub/hub.key"
push_now
check "push now delivers it" wait_text "Waiting for the hub: 0" 15
check "... every story once in the hub" hub_has 8
check "purge deletes the pushed stories" sh -c "'$KIOSK' purge --data '$W/k' | grep -q 'purged 8'"
keys End Enter
check "quit: the kiosk ends with status 0" wait_text "KIOSK-EXITED=0"
check "... and leaves no push process behind" sh -c "! pgrep -f '[s]torykiosk-push --data $W/k' >/dev/null"

start_kiosk --push-url http://127.0.0.1:1
check "run --push-url overrides init's URL" admin
check "... shown on the admin screen" wait_text "Push to: http://127.0.0.1:1"
keys End Enter
wait_text "KIOSK-EXITED=0"
check "run refuses a bad --push-url" sh -c "'$KIOSK' run --data '$W/k' --form '$FORM' --push-url 'not a url' 2>&1 | grep -q 'push URL'"
stderr_clean
t_done
