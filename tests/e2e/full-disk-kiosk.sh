# A participant typing when the kiosk fills keeps their story (issue 17),
# in the real kiosk (tmux) with its data directory on an 8 MiB tmpfs:
# - the disk fills with stories (add) while one is being typed: the
#   participant finishes and submits it; the next participant is told, in
#   each of the form's languages, "This kiosk is full. Please tell the
#   organiser." and cannot start; the admin screen says it is full;
# - once room is made (export, receipt, purge, the kiosk still running),
#   stories start again; when the disk then fills to its last byte under a
#   participant's hands, they read the calm message while typing and at
#   submit, their answers stay, and submitting again once the organiser has
#   freed space stores the story, with what was typed meanwhile.
# Needs root to mount the tmpfs; without, "skipped".
. "$(dirname "$0")/kiosk.lib"
[ "$(id -u)" -eq 0 ] || t_skip_all "not root: no small filesystem can be mounted for the kiosk"
mkdir "$W/small" "$W/usb"
mount -t tmpfs -o size=8m,mode=0700 tmpfs "$W/small" 2>"$W/mnt.err" ||
	t_skip_all "cannot mount a tmpfs here: $(cat "$W/mnt.err")"
# tmux first (the kiosk holds files there), then the mount
umount_small() { T kill-server 2>/dev/null; umount "$W/small" 2>/dev/null; return 0; }
T_CLEANUP="umount_small $T_CLEANUP"
export STORYHUB_PASSPHRASE=e2e-pass-phrase
KIOSK_DATA=$W/small/k
FULL_EN="This kiosk is full. Please tell the organiser."
FULL_FR="Cette borne est pleine. Merci de prévenir l'organisateur."
FULL_SW="Kioski hiki kimejaa. Tafadhali mjulishe mratibu."
LONG=$(awk 'BEGIN { for (i = 0; i < 60; i++) printf "Partnership needs time, trust and shared money. " }')
avail() { df -B1 --output=avail "$W/small" | tail -1 | tr -d ' '; }
kstatus() { "$KIOSK" status --data "$KIOSK_DATA"; }
count_of() { kstatus | sed -n "s/.* \([0-9][0-9]*\) $1.*/\1/p" | head -1; }
drafts_are() { [ "$(count_of draft)" = "$1" ]; }
fill_with_stories() {
	_i=0
	while [ $_i -lt 400 ]; do
		printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"Filler %s: %s","drivers":[0.5,0.25,0.25],"equal":40,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' $_i "$LONG" >"$W/a.json"
		"$KIOSK" add --data "$KIOSK_DATA" --form "$FORM" "$W/a.json" >/dev/null 2>"$W/add.err" ||
		    break
		_i=$((_i + 1))
	done
	echo "# $_i stories added, then: $(cat "$W/add.err")"
	grep -q "the kiosk is full" "$W/add.err"
}

check "hub key" t_hubkey "$W/hub"
check "a kiosk on an 8 MiB filesystem" sh -c \
    "STORYKIOSK_PIN=$PIN '$KIOSK' init --data '$KIOSK_DATA' --hub-key '$W/hub/hub.pub' >/dev/null"
KID=$(kstatus | sed -n 's/^kiosk id: *//p')
dd if=/dev/zero of="$W/small/filler" bs=4096 count=$((($(avail) - 2900 * 1024) / 4096)) 2>/dev/null
start_kiosk

# --- the disk fills while a story is typed -----------------------------------
check "participant 1: consent, prompt, editor" to_story 0
type_text "Canary-FULL1 the clinic and the committee planned the well together, "
check "... the draft is saved" wait_for "drafts_are 1" 8
check "the disk fills with stories until add refuses" fill_with_stories
type_text "and it still holds water today."
answer_all "Kisima"
check "... the review" wait_text "Submit my story"
keys End Enter
check "participant 1 submits: thank-you screen" wait_text "Thank you" 8
check "... no full message for them" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -qF '$FULL_EN'"
leave_thanks
check "back to welcome" wait_text "Kiswahili"

keys Enter
check "participant 2 (English): told the kiosk is full" wait_text "$FULL_EN"
check "... and stays on the welcome screen" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q 'Pg'"
keys Down Enter
check "... in French" wait_text "$FULL_FR"
keys Down Enter
check "... in Swahili" wait_text "$FULL_SW"
keys Home
keys F12
wait_text "PIN" && type_text "$PIN" && keys Enter
check "the admin screen shows the free space against the reserve" \
    wait_text "kept for export, push and purge" 8
check "... and that the kiosk is full" wait_text "Full: new stories are refused"
keys Home Enter
check "... back to welcome" wait_text "Kiswahili"

# --- room is made while the kiosk runs ------------------------------------------
check_ok "export (the kiosk running)" "$KIOSK" export --data "$KIOSK_DATA" --to "$W/usb"
"$HUB" import --store "$W/hub.db" --key "$W/hub/hub.key" "$W"/usb/*.skb >/dev/null 2>&1
check_ok "the hub trusts the kiosk" "$HUB" kiosks --store "$W/hub.db" --key "$W/hub/hub.key" trust "$KID"
check_ok "the hub writes a receipt" "$HUB" import --store "$W/hub.db" --key "$W/hub/hub.key" "$W"/usb/*.skb
check_ok "import-receipt" "$KIOSK" import-receipt --data "$KIOSK_DATA" "$W"/usb/*.receipt
check_ok "purge" "$KIOSK" purge --data "$KIOSK_DATA"
check "the hub holds participant 1's story" sh -c \
    "'$HUB' export --store '$W/hub.db' --format json | grep -q 'Canary-FULL1 the clinic.*still holds water today'"

# --- the disk fills to its last byte under a participant's hands ----------------
check "participant 3 can start again" to_story 0
type_text "Canary-FULL3 we shared the seeds and the work, "
check "... the draft is saved" wait_for "drafts_are 1" 8
dd if=/dev/zero of="$W/small/filler2" bs=4096 2>/dev/null
echo "# the disk filled: $(avail) bytes free"
type_text "typed-while-full, and the harvest fed everyone."
check "participant 3 reads the calm message while typing" wait_text "$FULL_EN" 8
check "... their text stays on the screen" wait_text "typed-while-full"
answer_all "Mbegu"
check "... the review" wait_text "Submit my story"
keys End Enter
check "submitting on the full disk: the calm message" wait_text "$FULL_EN" 5
check "... and no thank-you screen" holds "! screen_has 'Thank you'" 2
check "... still on the review, the answers kept" wait_text "Animatrice"
rm -f "$W/small/filler2"
keys Enter
check "the organiser freed space: submitting again stores it" wait_text "Thank you" 8
code=$(shown_code)
leave_thanks
rm -f "$W"/usb/*
check_ok "export" "$KIOSK" export --data "$KIOSK_DATA" --to "$W/usb"
check_ok "import" "$HUB" import --store "$W/hub.db" --key "$W/hub/hub.key" "$W"/usb/*.skb
check "the hub holds participant 3's story ($code), with what was typed while full" sh -c \
    "'$HUB' export --store '$W/hub.db' --format json | grep '\"code\":\"$code\"' | grep -q 'Canary-FULL3 we shared the seeds and the work, typed-while-full, and the harvest'"
check "... submitted, not a draft" sh -c \
    "'$HUB' export --store '$W/hub.db' --format json | grep '\"code\":\"$code\"' | grep -q '\"status\":\"submitted\"'"
check "the kiosk is still running" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q KIOSK-EXITED"
stderr_clean
t_done
