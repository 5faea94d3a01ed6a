# Network sync under load: 20 kiosks, each enrolled with its own token,
# push at once (each push enrols its kiosk, then delivers one story), then
# 30 new stories each at once: every push succeeds, no 'database is locked'
# reaches anyone, and the hub holds exactly 20 x 31 stories, each once.
# 127.0.0.1 only.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/net.lib"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1
K=20
N=30

T0=$(date +%s)
check_ok "hub key" t_hubkey hub
check "serve" start_server "$DB" hub/hub.key
# setup_kiosk K: init kiosk K (Argon2id for the PIN) with one story and an
# enrolment token.
setup_kiosk() {
	"$KIOSK" init --data k$1 --hub-key hub/hub.pub --name "kiosk $1" >/dev/null &&
	    add_stories k$1 1 1 && enrol k$1 "$DB" "kiosk $1"
}
# two_at_a_time FN: FN 1..K, two at once (Argon2id-bound on two CPUs); prints failures.
two_at_a_time() {
	k=1
	bad=0
	while [ $k -le $K ]; do
		$1 $k &
		a=$!
		$1 $((k + 1)) || bad=$((bad + 1))
		wait $a || bad=$((bad + 1))
		k=$((k + 2))
	done
	echo $bad
}
fails=$(two_at_a_time setup_kiosk)
check "$K kiosks with one story each" test $fails -eq 0

# pushall LOGPREFIX: every kiosk pushes at once; prints how many failed.
pushall() {
	k=1
	pids=
	while [ $k -le $K ]; do
		"$KIOSK" push --data k$k --url "$URL" --timeout 60 >$1.$k.out 2>&1 &
		pids="$pids $!"
		k=$((k + 1))
	done
	bad=0
	for p in $pids; do
		wait "$p" || bad=$((bad + 1))
	done
	echo $bad
}

check "$K kiosks enrol and push at once: all delivered" test "$(pushall first)" = 0
check "... all enrolled" test "$(grep -l 'enrolled with the hub' first.*.out | wc -l)" = $K
check "... all acknowledged" test "$(grep -l 'the hub acknowledged 1 ' first.*.out | wc -l)" = $K
echo "# set-up and enrolment took $(($(date +%s) - T0)) s"
check "... hub holds $K" test "$(hub_count "$DB")" = $K
check "... and lists $K trusted kiosks" test "$("$HUB" kiosks --store "$DB" | grep -c ' trusted ')" = $K

# Stories for every kiosk, all kiosks at once (each 'add' waits for fsync).
t0=$(date +%s)
k=1
pids=
while [ $k -le $K ]; do
	add_stories k$k 2 $((N + 1)) &
	pids="$pids $!"
	k=$((k + 1))
done
fails=0
for p in $pids; do
	wait "$p" || fails=$((fails + 1))
done
echo "# adding $((K * N)) stories took $(($(date +%s) - t0)) s"
check "$N more stories in each kiosk" test $fails -eq 0 -a "$(unacked k$K)" = $N

start=$(date +%s)
check "$K pushes of $N stories at once: all succeed" test "$(pushall second)" = 0
end=$(date +%s)
echo "# $K concurrent pushes took $((end - start)) s"
check "... every one acknowledged in full" test "$(grep -l "the hub acknowledged $N " second.*.out | wc -l)" = $K
check "... hub holds exactly $((K * (N + 1)))" test "$(hub_count "$DB")" = $((K * (N + 1)))
check "... nothing left on any kiosk" sh -c "for k in \$(seq $K); do \"$KIOSK\" status --data k\$k | grep -q 'not acknowledged by the hub: 0' || exit 1; done"
check "no 'locked' error anywhere" sh -c "! grep -qi locked '$SRV_LOG' first.*.out second.*.out"
check "every bundle logged with 200" test "$(grep -c 'POST /v1/bundles 200 ' "$SRV_LOG")" = $((2 * K))
check "... every story once" test "$("$HUB" export --store "$DB" --format json | jq -r '.[].story_id' | sort | uniq -d | wc -l)" = 0
check "no 503 or 5xx" sh -c "! grep -Eq 'POST /v1/[a-z]+ 5[0-9][0-9] ' '$SRV_LOG'"
check "health after the load" health "$URL"
check "stop cleanly" stop_server
t_done
