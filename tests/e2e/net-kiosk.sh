#!/bin/sh
# Automatic push from the running kiosk (tmux, a real 'storyhub serve' on
# 127.0.0.1): the push URL set at init is used; between participants the
# kiosk pushes by itself in a child process (first into quarantine, which the
# admin screen reports); after the coordinator trusts it, "Push to the hub
# now" delivers; later stories go on their own; no push starts while a
# participant is in a session; with the hub down the kiosk keeps running and
# keeps every story, and "push now" after the hub is back delivers each story
# once. --push-url on run overrides init's; a bad URL is refused. Every wait
# is bounded.
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
    wait_for "result_has '2 delivered, in quarantine'" 15
check "... the hub holds them in quarantine, nothing imported" hub_has 0
check "... nothing acknowledged" waiting_is 2
check "... the welcome screen stayed" wait_text "Kiswahili"
check "admin screen" admin
check "... shows the hub's URL" wait_text "Push to: $URL"
check "... the last attempt and its result" wait_text "in quarantine until the"
check "... the stories waiting" wait_text "Waiting for the hub: 2"
check "... never a success yet" wait_text "Last success: never"
check_ok_trust() { "$HUB" kiosks --store "$W/hub.db" --key "$W/hub/hub.key" trust "$KID" >/dev/null 2>&1; }
check "the coordinator trusts the kiosk" check_ok_trust
check "... which imports the 2 stories" hub_has 2
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

check "the hub goes away" stop_server
check "one more story" add_stories "$W/k" 7 7
check "the failed attempt is recorded" wait_for "result_has 'failed: '" 15
check "... the kiosk still runs" wait_text "Kiswahili"
check "... and keeps the story" waiting_is 1
check "... submitted stories all still held" has_status submitted 7
check "admin screen after the failure" admin
check "... says it failed" wait_text "failed: "
check "... one story waiting" wait_text "Waiting for the hub: 1"
check "the hub is back (same port)" start_server "$W/hub.db" "$W/hub/hub.key"
push_now
check "push now delivers it" wait_text "Waiting for the hub: 0" 15
check "... every story once in the hub" hub_has 7
check "purge deletes the pushed stories" sh -c "'$KIOSK' purge --data '$W/k' | grep -q 'purged 7'"
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
