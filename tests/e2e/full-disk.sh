# A full kiosk disk (issue 17): the kiosk's data directory on an 8 MiB tmpfs
# is filled with stories until add refuses ("the kiosk is full"); then
# export, push (to a real storyhub serve on 127.0.0.1), import-receipt and
# purge all work on it, nothing is lost, and after the purge stories fit
# again. With the disk filled to the last byte by something else, export
# still gets the bundle onto the stick before it fails to record it. Needs
# root to mount the tmpfs; without, "skipped".
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
[ "$(id -u)" -eq 0 ] || t_skip_all "not root: no small filesystem can be mounted for the kiosk"
mkdir small usb usb2
mount -t tmpfs -o size=8m,mode=0700 tmpfs small 2>mnt.err ||
	t_skip_all "cannot mount a tmpfs here: $(cat mnt.err)"
umount_small() { umount "$T_DIR/small" 2>/dev/null; return 0; }
T_CLEANUP="umount_small $T_CLEANUP"
K=small/k
LONG=$(awk 'BEGIN { for (i = 0; i < 60; i++) printf "Partnership needs time, trust and shared money. " }')

story() {
	printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"Full %s: %s","drivers":[0.5,0.25,0.25],"equal":40,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' "$1" "$LONG"
}
avail() { df -B1 --output=avail "$1" | tail -1 | tr -d ' '; }
submitted() { "$KIOSK" status --data $K | sed -n 's/^stories: *\([0-9]*\) submitted.*/\1/p'; }
hub_stories() { "$HUB" export --store "$1" --format json | grep -c '"story_id"'; }

check_ok "hub key" t_hubkey hub
check_ok "a kiosk on an 8 MiB filesystem" "$KIOSK" init --data $K --hub-key hub/hub.pub --name Full
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
check_ok "status shows the free space against the reserve" "$KIOSK" status --data $K
check "... free disk and reserve lines" sh -c \
    "grep -Eq '^free disk: +[0-9.]+ [KMG]iB' '$T_DIR/out' && grep -Eq '^reserve: +[0-9.]+ MiB \\(kept free for export, push, import-receipt and purge\\)' '$T_DIR/out'"
# Something else takes most of the disk (a log, say): room is left for a few
# dozen stories above the kiosk's threshold (the reserve, some 2.3 MiB for a
# command run alone, and 256 KiB for a new story).
dd if=/dev/zero of=small/filler bs=4096 count=$((($(avail small) - 2900 * 1024) / 4096)) 2>/dev/null
echo "# free before the stories: $(avail small) bytes"

n=0 refused=0
while [ $n -lt 400 ]; do
	story $n >a.json
	if "$KIOSK" add --data $K --form "$TOP/forms/partnership.yaml" a.json >add.out 2>add.err; then
		n=$((n + 1))
	else
		refused=1
		break
	fi
done
echo "# $n stories stored, then: $(cat add.err); $(avail small) bytes free"
check "stories fit, then add refuses" test $n -ge 10 -a $refused -eq 1
check "... one line: the kiosk is full, nothing was stored" sh -c \
    "test \$(wc -l <add.err) -eq 1 && grep -q '^storykiosk: the kiosk is full (.*kept free for export, push and purge): export the stories, then purge those the hub acknowledged; nothing was stored$' add.err"
check "... and every story reported stored is there" test "$(submitted)" -eq $n
check_ok "status on the full kiosk" "$KIOSK" status --data $K
check "... says it is full" grep -q '^kiosk full: ' "$T_DIR/out"

check_ok "export on the full kiosk" "$KIOSK" export --data $K --to usb
check "... all $n stories" grep -q "^wrote usb/storykiosk-$KID-000001.skb: $n stories, bundle 1$" "$T_DIR/out"
check_ok "hub 2 imports the bundle (quarantine)" "$HUB" import --store hub2.db --key hub/hub.key usb/*.skb
check_ok "hub 2 trusts the kiosk" "$HUB" kiosks --store hub2.db --key hub/hub.key trust "$KID"
check_ok "hub 2 imports it again, writing the receipt" "$HUB" import --store hub2.db --key hub/hub.key usb/*.skb

check "storyhub serve on 127.0.0.1" start_server hub.db hub/hub.key
if type enrol >/dev/null 2>&1; then
	# a hub that takes pushes from enrolled kiosks only (net.lib's enrol)
	check "the kiosk is enrolled (a token kept on the full kiosk)" enrol $K hub.db Full
else
	check_ok "push from the full kiosk" "$KIOSK" push --data $K --url "$URL"
	check "... the hub holds them in quarantine" grep -q "quarantine" "$T_DIR/out"
	check_ok "the coordinator trusts the kiosk" "$HUB" kiosks --store hub.db --key hub/hub.key trust "$KID"
fi
check_ok "push from the full kiosk" "$KIOSK" push --data $K --url "$URL"
check "... the hub acknowledged all $n" grep -q "the hub acknowledged $n " "$T_DIR/out"
check_ok "import-receipt on the full kiosk" "$KIOSK" import-receipt --data $K usb/*.receipt
check "... $n acknowledged" grep -q ": $n stories acknowledged by the hub" "$T_DIR/out"
check_ok "purge on the full kiosk" "$KIOSK" purge --data $K
check "... purged $n" grep -q "^purged $n acknowledged stories$" "$T_DIR/out"
check "nothing lost: hub 1 holds all $n" test "$(hub_stories hub.db)" -eq $n
check "... and hub 2" test "$(hub_stories hub2.db)" -eq $n
check "... every one by its text" sh -c \
    "test \$('$HUB' export --store hub.db --format json | grep -o '\"Full [0-9]*:' | sort -u | wc -l) -eq $n"
story again >a.json
check_ok "after the purge a story fits again" "$KIOSK" add --data $K --form "$TOP/forms/partnership.yaml" a.json
stop_server

# The disk filled to its last byte by something else: export still writes
# the bundle to the stick, then says it could not record it; the hub gets
# every story.
for i in 1 2 3; do
	story "last $i" >a.json
	"$KIOSK" add --data $K --form "$TOP/forms/partnership.yaml" a.json >/dev/null 2>&1
done
dd if=/dev/zero of=small/filler2 bs=4096 2>/dev/null
echo "# filled: $(avail small) bytes free"
check_fail "export with the kiosk's disk completely full" "$KIOSK" export --data $K --to usb2
check "... says the bundle was written but not recorded" \
    grep -q "was written but its stories stay marked not exported" "$T_DIR/out"
first=$(ls usb2/*.skb 2>/dev/null)
check "... and the bundle is on the stick ($first)" test -n "$first"
check_ok "the hub imports it" "$HUB" import --store hub2.db --key hub/hub.key $first
check "... 4 new stories" grep -q "^4 new, " "$T_DIR/out"
rm -f small/filler2
check_ok "with room again, export sends them again" "$KIOSK" export --data $K --to usb2
again=$(sed -n 's/^wrote \([^:]*\): 4 stories, bundle [0-9]*$/\1/p' "$T_DIR/out")
check "... in a bundle of the next number ($again)" test -n "$again" -a "$again" != "$first"
check_ok "... which the hub takes once" "$HUB" import --store hub2.db --key hub/hub.key "$again"
check "... (4 duplicate)" grep -q "^0 new, 4 duplicate" "$T_DIR/out"
check_ok "integrity" "$KIOSK" status --data $K --check
check "... ok" grep -q '^integrity: *ok$' "$T_DIR/out"
t_done
