# I/O faults (docs/security.md, "Durability"): tests/faults/failwrite.c is
# preloaded so that the n-th write/pwrite/fsync/rename of `storykiosk add`,
# `storykiosk export` and `storyhub import` fails with EIO or ENOSPC (and
# every later one: a full disk stays full). Every step must end with exit
# status 1..127 and a one-line "storykiosk:"/"storyhub:" message, or succeed
# and say so; "stored story" is never printed for what was not committed;
# integrity stays ok and nothing stored before is lost. Then a real full
# filesystem (a 4 MiB tmpfs) where the machine allows mounting one.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
FORM="$TOP/forms/partnership.yaml"

SHIM="$T_DIR/failwrite.so"
if ! ${CC:-cc} -shared -fPIC -o "$SHIM" "$TOP/tests/faults/failwrite.c" -ldl 2>cc.err; then
	cat cc.err | sed 's/^/# /'
	echo "not ok 1 - build the fault shim"
	exit 1
fi
PRELOAD="$SHIM"
SAN=
if ldd "$KIOSK" 2>/dev/null | grep -q libasan; then
	# ASan must come first in the preload list; the shim follows it.
	PRELOAD="$(${CC:-cc} -print-file-name=libasan.so):$SHIM"
	SAN=1
fi

answers() {
	printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"Fault story %s: the clinic and the water committee met every week and shared the budget openly.","drivers":[0.5,0.25,0.25],"equal":40,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' "$1"
}
stored_count() {  # submitted stories in kiosk $1
	"$KIOSK" status --data "$1" | sed -n 's/^stories: *\([0-9]*\) submitted.*/\1/p'
}
unexported() {
	"$KIOSK" status --data "$1" | sed -n 's/^not exported: *//p'
}
integrity_ok() {
	"$KIOSK" status --data "$1" --check 2>&1 | grep -q '^integrity: *ok$'
}
hub_count() {
	"$HUB" export --store "$1" --format json | grep -c '"story_id"'
}
# One-line message from the program, exit 1..127. $1 program name, $2 rc, $3 stderr file
clean_failure() {
	[ "$2" -gt 0 ] && [ "$2" -lt 128 ] && [ "$(wc -l <"$3")" -eq 1 ] &&
	    grep -Eq "^$1: " "$3"
}
faulty() {  # FAULT_AT, FAULT_ERRNO, command...
	at=$1 en=$2
	shift 2
	FAULT_AT=$at FAULT_ERRNO=$en LD_PRELOAD="$PRELOAD" "$@"
}

check_ok "hub key" t_hubkey hub
check_ok "init" "$KIOSK" init --data kiosk --hub-key hub/hub.pub --name "Faults"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
i=0
while [ $i -lt 5 ]; do
	answers "pre-$i" >a.json
	"$KIOSK" add --data kiosk --form "$FORM" a.json >>codes.log 2>&1
	i=$((i + 1))
done
check "5 stories stored before the faults" test "$(stored_count kiosk)" -eq 5

# --- add ---
answers "fault" >a.json
rm -f calls.log
FAULT_LOG="$T_DIR/calls.log" LD_PRELOAD="$PRELOAD" "$KIOSK" add --data kiosk --form "$FORM" a.json >>codes.log 2>&1
C=$(sed -n 's/^calls=//; s/ .*//p' calls.log | tail -1)
check "an add under the shim (counting only) works: $C write/sync/rename calls" \
    test "${C:-0}" -gt 0 -a "$(stored_count kiosk)" -eq 6
prev=6
runs=0 bad_msg=0 bad_lie=0 bad_lost=0 bad_int=0 okruns=0 committed_anyway=0
for en in EIO ENOSPC; do
	n=1
	while [ "$n" -le "$C" ]; do
		runs=$((runs + 1))
		faulty "$n" "$en" "$KIOSK" add --data kiosk --form "$FORM" a.json >add.out 2>add.err
		rc=$?
		now=$(stored_count kiosk)
		if [ "$rc" -eq 0 ]; then
			okruns=$((okruns + 1))
			grep -q '^stored story ' add.out && [ "$now" -eq $((prev + 1)) ] ||
			    { bad_lie=$((bad_lie + 1)); echo "# add $en@$n: exit 0 but stored $prev -> $now"; }
			grep '^stored story ' add.out >>codes.log
		else
			[ -s first.err ] || cp add.err first.err
			clean_failure storykiosk "$rc" add.err ||
			    { bad_msg=$((bad_msg + 1)); echo "# add $en@$n: rc $rc: $(head -3 add.err)"; }
			grep -q 'stored story' add.out add.err &&
			    { bad_lie=$((bad_lie + 1)); echo "# add $en@$n: failed yet said stored"; }
			[ "$now" -eq $((prev + 1)) ] && committed_anyway=$((committed_anyway + 1))
		fi
		[ "$now" -ge "$prev" ] && [ "$now" -le $((prev + 1)) ] ||
		    { bad_lost=$((bad_lost + 1)); echo "# add $en@$n: stored $prev -> $now"; }
		integrity_ok kiosk || { bad_int=$((bad_int + 1)); echo "# add $en@$n: integrity not ok"; }
		prev=$now
		n=$((n + 1))
	done
done
echo "# add: $runs faults injected ($C calls x EIO/ENOSPC), $okruns still succeeded, $committed_anyway committed although reported failed"
echo "# add: first message: $(cat first.err)"
rm -f first.err
check "add: each failure is one clear line, exit 1..127 ($runs faults)" test "$bad_msg" -eq 0
check "add: 'stored story' exactly when stored" test "$bad_lie" -eq 0
check "add: nothing stored before is lost" test "$bad_lost" -eq 0
check "add: integrity ok after every fault" test "$bad_int" -eq 0

# --- export ---
total=$(stored_count kiosk)
mkdir probe
rm -f calls.log
cp -a kiosk kprobe
FAULT_LOG="$T_DIR/calls.log" LD_PRELOAD="$PRELOAD" "$KIOSK" export --data kprobe --to probe >/dev/null 2>&1
C=$(sed -n 's/^calls=//; s/ .*//p' calls.log | tail -1)
echo "# export of $total stories: $C counted calls"
before=$(unexported kiosk)
runs=0 bad_msg=0 bad_mark=0 bad_partial=0 bad_int=0 okruns=0 left=0 marked_with_bundle=0
for en in EIO ENOSPC; do
	n=1
	while [ "$n" -le "$C" ]; do
		runs=$((runs + 1))
		rm -rf usb kf
		mkdir usb
		cp -a kiosk kf
		faulty "$n" "$en" "$KIOSK" export --data kf --to usb >exp.out 2>exp.err
		rc=$?
		if [ "$rc" -eq 0 ]; then
			okruns=$((okruns + 1))
			echo "# export $en@$n: succeeded: $(cat exp.out)"
			n=$((n + 1))
			continue
		fi
		[ -s first.err ] || cp exp.err first.err
		clean_failure storykiosk "$rc" exp.err ||
		    { bad_msg=$((bad_msg + 1)); echo "# export $en@$n: rc $rc: $(head -3 exp.err)"; }
		# When the fsync that commits the "exported" mark fails, SQLite
		# reports the error but the commit may still be in the WAL (an fsync
		# failure leaves durability unknown). That is safe only if the whole
		# bundle holding those stories is in the target directory.
		if [ "$(unexported kf)" -ne "$before" ]; then
			if ls usb/storykiosk-*.skb >/dev/null 2>&1; then
				marked_with_bundle=$((marked_with_bundle + 1))
			else
				bad_mark=$((bad_mark + 1))
				echo "# export $en@$n: stories marked exported, and no bundle left"
			fi
		fi
		# A bundle left behind must be whole (checked below), never a part
		# or a temp file; the stories stay "not exported", so the next
		# export sends them again and the hub takes each once.
		for f in usb/*; do
			[ -e "$f" ] || continue
			case $f in
			usb/storykiosk-*.skb) left=$((left + 1)); cp "$f" leftover.skb ;;
			*) bad_partial=$((bad_partial + 1)); echo "# export $en@$n: left $f" ;;
			esac
		done
		integrity_ok kf || { bad_int=$((bad_int + 1)); echo "# export $en@$n: integrity not ok"; }
		n=$((n + 1))
	done
done
echo "# export: $runs faults injected, $okruns succeeded; first message: $(cat first.err)"
rm -f first.err
check "export: each failure is one clear line ($runs faults)" test "$bad_msg" -eq 0
echo "# export: $marked_with_bundle failures at the final commit's fsync kept the mark (bundle whole on disk)"
check "export: a failed export never marks stories exported without their whole bundle" test "$bad_mark" -eq 0
check "export: a failed export leaves no partial or temp file" test "$bad_partial" -eq 0
if [ "$left" -gt 0 ]; then
	echo "# export: $left failed exports (fault after the bundle's rename) left a whole bundle behind"
	"$HUB" import --store left.db --key hub/hub.key leftover.skb >"$T_DIR/out" 2>&1
	check "... such a bundle is whole: the hub verifies it" grep -q "^0 new, 0 duplicate, [1-9][0-9]* quarantined, 0 rejected" "$T_DIR/out"
fi
check "export: integrity ok after every fault" test "$bad_int" -eq 0
rm -rf usb
mkdir usb
check_ok "export without faults" "$KIOSK" export --data kiosk --to usb
check "... has all $total stories" grep -q ": $total stories" "$T_DIR/out"
B=$(ls usb/*.skb)

# --- storyhub import ---
"$HUB" import --store base.db --key hub/hub.key "$B" >/dev/null 2>&1
check_ok "trust (quarantined bundle imported)" "$HUB" kiosks --store base.db --key hub/hub.key trust "$KID"
# a second bundle of 40 new stories, imported under faults
i=0
while [ $i -lt 40 ]; do
	answers "second-$i" >a.json
	"$KIOSK" add --data kiosk --form "$FORM" a.json >>codes.log 2>&1
	i=$((i + 1))
done
mkdir usb2
"$KIOSK" export --data kiosk --to usb2 >/dev/null 2>&1
B2=$(ls usb2/*.skb)
cp base.db probe.db
rm -f calls.log
FAULT_LOG="$T_DIR/calls.log" LD_PRELOAD="$PRELOAD" "$HUB" import --store probe.db --key hub/hub.key "$B2" >/dev/null 2>&1
C=$(sed -n 's/^calls=//; s/ .*//p' calls.log | tail -1)
base=$(hub_count base.db)
full=$((base + 40))
check "import under the shim (counting only): $C calls, all 40 in" test "$(hub_count probe.db)" -eq "$full"
if [ -n "$SAN" ]; then K_RUNS=4; else K_RUNS=8; fi
points=$(awk -v c="$C" -v k="$K_RUNS" 'BEGIN { for (i = 0; i < k; i++) printf "%d ", 1 + int(i * (c - 1) / (k - 1)) }')
runs=0 bad_msg=0 bad_partial=0 bad_reimport=0 okruns=0
for en in EIO ENOSPC; do
	for n in $points; do
		runs=$((runs + 1))
		rm -f c.db c.db-wal c.db-shm "$B2.receipt"
		cp base.db c.db
		faulty "$n" "$en" "$HUB" import --store c.db --key hub/hub.key "$B2" >imp.out 2>imp.err
		rc=$?
		got=$(hub_count c.db)
		if [ "$rc" -eq 0 ]; then
			okruns=$((okruns + 1))
			[ -s "$B2.receipt" ] || echo "# import $en@$n: exit 0 but no receipt written: $(cat imp.out imp.err)"
			[ "$got" -eq "$full" ] || { bad_partial=$((bad_partial + 1)); echo "# import $en@$n: exit 0 with $got"; }
		else
			[ -s first.err ] || cp imp.err first.err
			clean_failure storyhub "$rc" imp.err || {
				bad_msg=$((bad_msg + 1))
				echo "# import $en@$n: rc $rc:"
				sed 's/^/#   /' imp.err | head -4
			}
			[ "$got" -eq "$base" ] || [ "$got" -eq "$full" ] ||
			    { bad_partial=$((bad_partial + 1)); echo "# import $en@$n: $got stories (neither $base nor $full)"; }
		fi
		"$HUB" import --store c.db --key hub/hub.key "$B2" >imp2.out 2>&1 &&
		    [ "$(hub_count c.db)" -eq "$full" ] ||
		    { bad_reimport=$((bad_reimport + 1)); echo "# import $en@$n: re-import: $(cat imp2.out)"; }
	done
done
echo "# import: $runs faults injected at calls $points of $C, $okruns succeeded; first message: $(cat first.err)"
check "import: each failure is a clear message, exit 1..127 ($runs faults)" test "$bad_msg" -eq 0
check "import: all or nothing per bundle" test "$bad_partial" -eq 0
check "import: a clean re-import gives the full count" test "$bad_reimport" -eq 0

# --- a real full filesystem ---
mkdir small
# 4 MiB: the kiosk keeps some 2.3 MiB in reserve (export, push, purge), so
# about 1.5 MiB of stories fit before add refuses.
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=4m,mode=0700 tmpfs small 2>mnt.err; then
	trap 'umount "$T_DIR/small" 2>/dev/null; rm -rf "$T_DIR"' EXIT
	check_ok "init on a 4 MiB tmpfs" "$KIOSK" init --data small/kiosk --hub-key hub/hub.pub --name "Full"
	# big stories fill it fast (8000 characters each, padded and sealed)
	long=$(awk 'BEGIN { for (i = 0; i < 75; i++) printf "Partnership needs time, trust and shared money. " }')
	ok=0 fail=0 i=0 bad_msg=0 bad_lie=0
	while [ $i -lt 400 ]; do
		printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"Full %s %s","drivers":[0.5,0.25,0.25],"equal":40,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' $i "$long" >big.json
		"$KIOSK" add --data small/kiosk --form "$FORM" big.json >add.out 2>add.err
		rc=$?
		if [ $rc -eq 0 ]; then
			ok=$((ok + 1))
		else
			fail=$((fail + 1))
			[ -s first.err ] || cp add.err first.err
			clean_failure storykiosk "$rc" add.err || { bad_msg=$((bad_msg + 1)); echo "# full: rc $rc: $(head -3 add.err)"; }
			grep -q 'stored story' add.out && bad_lie=$((bad_lie + 1))
			[ $fail -ge 5 ] && break
		fi
		i=$((i + 1))
	done
	echo "# full tmpfs: $ok stories stored, then $fail refused; message: $(cat add.err)"
	check "stories fit, then the disk fills up and add refuses" test $ok -ge 10 -a $fail -ge 5
	check "... saying the kiosk is full" grep -q "the kiosk is full" add.err
	check "... with one clear line each time" test $bad_msg -eq 0 -a $bad_lie -eq 0
	check "status --check on the full disk: integrity ok" integrity_ok small/kiosk
	check "... and every story that was reported stored is there" test "$(stored_count small/kiosk)" -eq $ok
	mkdir usbfull
	if mount -t tmpfs -o size=64k tmpfs usbfull 2>/dev/null; then
		trap 'umount "$T_DIR/small" "$T_DIR/usbfull" 2>/dev/null; rm -rf "$T_DIR"' EXIT
		dd if=/dev/zero of=usbfull/filler bs=4k count=100 2>/dev/null
		i=0
		while [ $i -lt 40 ]; do
			printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"Stick %s %s","drivers":[0.5,0.25,0.25],"equal":40,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' $i "$long" >big.json
			"$KIOSK" add --data kiosk --form "$FORM" big.json >/dev/null 2>&1
			i=$((i + 1))
		done
		before=$(unexported kiosk)
		check_fail "export of $before stories to a full USB stick fails clearly" "$KIOSK" export --data kiosk --to usbfull
		echo "# $(last_out)"
		check "... says the stick is full, not the kiosk" sh -c "! grep -q database '$T_DIR/out'"
		check "... marks nothing exported" test "$(unexported kiosk)" -eq "$before"
		check "... and leaves no partial bundle" test -z "$(ls usbfull | grep -v '^filler$')"
	else
		echo "# skip export to a full stick: a second tmpfs could not be mounted"
	fi
	umount small 2>/dev/null
	umount usbfull 2>/dev/null
else
	echo "# skip real full filesystem: cannot mount a tmpfs here ($(id -un); $(cat mnt.err 2>/dev/null))"
fi

t_done
