#!/bin/sh
# Scribe mode. Turned on from the admin screen (behind the PIN) with the
# scribe's initials (refused unless 1 to 4 letters), the banner names the
# scribe on every screen; the consent screen tells the scribe to read the text
# aloud and asks them to confirm the teller agreed to the tier chosen ("No"
# goes back to the tiers); the story is stored with source scribe and the
# initials, and arrives at the hub so: source "scribe" and the initials in
# the CSV (a column after source) and JSON exports, with the teller's tier.
# Turned off, the next story is the participant's own, source kiosk, no
# scribe. run --assisted --scribe starts in scribe mode; --assisted alone
# asks for the initials on the terminal; the idle timeout and the wipe work
# as always and leave scribe mode on.
. "$(dirname "$0")/kiosk.lib"

banner() { screen | sed -n 2p | sed 's/^ *//; s/ *$//'; }
banner_is() { [ "$(banner)" = "$1" ]; }

kiosk_begin
keys F12
wait_text "admin PIN"
type_text "$PIN"; keys Enter
check "admin screen offers scribe mode" wait_text "Turn scribe mode on" 8
keys Down Down Down Enter  # return, export, form, scribe
check "it asks for the scribe's initials" wait_text "The scribe's initials"
type_text "a1"; keys Enter
check "initials with a digit are refused" wait_text "Initials are 1 to 4 letters"
keys BSpace BSpace
type_text "ab"; keys Enter
check "scribe mode on: back to the welcome screen" wait_text "Kiswahili"
check "the banner names the scribe (in capitals)" banner_is "Scribe mode: AB types for the teller"

# The scribe's journey: read aloud, confirm, a tier chosen again.
keys Enter
check "consent: the scribe is told to read it aloud" \
    wait_text "Scribe: read this text aloud to the teller."
check "consent: the banner shows" banner_is "Scribe mode: AB types for the teller"
check "consent: declining speaks of the teller" wait_text "The teller does not agree (go back)"
keys NPage NPage NPage NPage
wait_gone "(Pg" 2 || keys Enter
keys Enter
check "a tier chosen asks the scribe to confirm" \
    wait_text "Did the teller agree to: For analysis only"
check "... yes or no" wait_text "Yes, the teller heard the text and agreed"
keys Down Enter
check "'No' goes back to the tiers" wait_text "The teller does not agree (go back)"
keys Down Enter
check "the second tier, to confirm" wait_text "Did the teller agree to: Analysis, and anonymous quotes"
keys Enter
check "confirmed: the prompt screen" wait_text "Ctrl-X"
check "prompt: the banner shows" banner_is "Scribe mode: AB types for the teller"
keys Enter
wait_text "50)"
type_text "Scribe-S7Q the teller told how the water committee and the county worked together on the well."
answer_all "Kisima"
check "review" wait_text "Animatrice"
check "review: the banner shows" banner_is "Scribe mode: AB types for the teller"
keys End Enter
check "thank-you screen with a real code" wait_text "Your story has been saved"
code1=$(shown_code)
check "a story code is shown ($code1)" test -n "$code1"
leave_thanks
check "scribe mode stays on for the next teller" banner_is "Scribe mode: AB types for the teller"

# Off again: the participant's own journey.
keys F12
wait_text "admin PIN"
type_text "$PIN"; keys Enter
check "admin screen offers to turn it off" wait_text "Turn scribe mode off (scribe: AB)" 8
keys Down Down Down Enter  # return, export, form, scribe
check "scribe mode off: back to the welcome screen" wait_text "Kiswahili"
check "... no banner" banner_is ""
check "participant: consent, prompt, editor" to_story 0
check "... the consent asked no confirmation" holds "! screen_has 'Did the teller agree'" 0.2
type_text "Own-P2T a participant typed this story alone at the kiosk, without any scribe."
answer_all "Own"
keys End Enter
check "participant: thank-you screen" wait_text "Your story has been saved"
code2=$(shown_code)
leave_thanks
check "two stories submitted" has_status submitted 2
check "the scribe's story is sealed: its text is not in the data dir" \
    sh -c "! grep -r -a -q 'Scribe-S7Q' '$W/k'"

check "export, import, trust, export from the hub" to_hub
check_ok "hub JSON: the scribe's story has source scribe, scribe AB, the teller's tier; the other kiosk, null" \
    /usr/bin/python3 -c '
import json, sys
s = {x["code"]: x for x in json.load(open(sys.argv[1]))}
a, b = s[sys.argv[2]], s[sys.argv[3]]
assert (a["source"], a["scribe"], a["consent"]) == ("scribe", "AB", "quotes"), a
assert "Scribe-S7Q" in a["answers"]["story"]
assert (b["source"], b["scribe"], b["consent"]) == ("kiosk", None, "analysis"), b
' "$W/out.json" "$code1" "$code2"
check_ok "hub CSV: a scribe column after source, AB for the scribe's story, empty for the other" \
    /usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8-sig")))
h = rows[0]
i = h.index("source")
assert h[i + 1] == "scribe", h
s = {r[h.index("code")]: r for r in rows[1:]}
assert s[sys.argv[2]][i:i + 2] == ["scribe", "AB"], s[sys.argv[2]]
assert s[sys.argv[3]][i:i + 2] == ["kiosk", ""], s[sys.argv[3]]
' "$W/out.csv" "$code1" "$code2"

# run --assisted --scribe: scribe mode from the start; the idle timeout
# wipes the session as always and leaves scribe mode on.
start_kiosk --assisted --scribe cd --idle 3
check "run --assisted --scribe cd: the banner names CD" banner_is "Scribe mode: CD types for the teller"
keys Enter
check "... the consent asks to read aloud" wait_text "Scribe: read this text aloud"
check "idle warning in scribe mode" wait_text "Are you still there?" 10
check "... then back to welcome" wait_text "Kiswahili" 10
check "... scribe mode still on" banner_is "Scribe mode: CD types for the teller"

# --assisted alone asks on the terminal before the screens start.
start_kiosk --assisted
check "run --assisted asks for the initials" wait_text "The scribe's initials (1 to 4 letters):"
type_text "ef"; keys Enter
check "... then starts in scribe mode for EF" wait_text "Scribe mode: EF types for the teller"
keys F12
wait_text "admin PIN"
type_text "$PIN"; keys Enter
wait_text "Quit the kiosk" 8
keys End Enter
check "quit" wait_text "KIOSK-EXITED=0"

check_fail "--scribe with a space is refused" "$KIOSK" run --data "$W/k" --form "$FORM" \
    --scribe "A B"
check_fail "--scribe of five letters is refused" "$KIOSK" run --data "$W/k" --form "$FORM" \
    --scribe ABCDE
check_fail "--assisted with no terminal to ask on" sh -c \
    '"$0" run --data "$1" --form "$2" --assisted </dev/null' "$KIOSK" "$W/k" "$FORM"
stderr_clean
t_done
