# Kill -9 durability (docs/security.md, "Durability"): `storykiosk add` is
# SIGKILLed at a random moment within 130 % of one add's measured time
# after it starts, DUR_CYCLES times
# (200 in make check, 1000 in make check-long). Under ASan only the import
# kills are fewer (8, each import being slow). Afterwards: integrity ok, no drafts, stored >= reported successes and
# <= attempts, and every story whose add printed "stored story CODE" reaches
# the hub (export -> import -> trust -> JSON export has its code).
# Then `storyhub import` of a 200-story bundle is SIGKILLed at random moments
# during the import: each time the hub holds either none or all of the
# bundle's stories, and importing again gives the full count.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
FORM="$TOP/forms/partnership.yaml"

if ldd "$KIOSK" 2>/dev/null | grep -q libasan; then
	SAN=1
else
	SAN=
fi
DUR_CYCLES=${DUR_CYCLES:-200}
if [ -z "${DUR_IMPORT_CYCLES:-}" ]; then
	if [ -n "$SAN" ]; then DUR_IMPORT_CYCLES=8; else DUR_IMPORT_CYCLES=20; fi
fi
echo "# add kill cycles: $DUR_CYCLES; import kill cycles: $DUR_IMPORT_CYCLES"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Random delays in seconds (awk: dash has no $RANDOM), one per line.
# $1 count, $2 max milliseconds, $3 min milliseconds.
delays() {
	awk -v n="$1" -v max="$2" -v min="${3:-0}" -v seed="$(od -An -N4 -tu4 /dev/urandom)" \
	    'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%.3f\n", (min + rand() * (max - min)) / 1000 }'
}

answers() {  # $1: a marker that ends up in the story text
	printf '{"lang":"en","consent":"public","prompt":"worked","answers":{"story":"Durability story %s: the clinic and the water committee met every week and shared the budget openly.","drivers":[0.5,0.25,0.25],"equal":40,"listened":50,"trust":0,"obstacles":["funding"],"role":"community"}}\n' "$1"
}

check_ok "hub key" t_hubkey hub
check_ok "init" "$KIOSK" init --data kiosk --hub-key hub/hub.pub --name "Durability"
KID=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")

# --- storykiosk add under kill -9 ---
answers "kill" >a.json
# Spread the kills over 130 % of the time an add takes, so that most land
# while it runs (a fixed 0-40 ms window misses a 5 ms plain add and never
# lets an 86 ms ASan add finish): measure five adds first.
s=$(now_ms)
for i in 1 2 3 4 5; do "$KIOSK" add --data kiosk --form "$FORM" a.json >>codes.pre 2>&1; done
TA=$((($(now_ms) - s) / 5))
check "five adds before the kills" test "$(grep -c '^stored story' codes.pre)" -eq 5
MAXD=$((TA * 13 / 10 + 1))
echo "# one add takes ~${TA} ms; kills spread over 0-${MAXD} ms"
sed -n 's/^stored story \([^ ]*\) .*/\1/p' codes.pre >codes.txt
start=$(now_ms)
delays "$DUR_CYCLES" "$MAXD" >delays.txt
attempts=0
ok=0
killed=0
while read -r d; do
	attempts=$((attempts + 1))
	"$KIOSK" add --data kiosk --form "$FORM" a.json >add.out 2>add.err &
	pid=$!
	sleep "$d"      # the random moment of the kill is the test, not a wait
	kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	code=$(sed -n 's/^stored story \([^ ]*\) .*/\1/p' add.out)
	if [ -n "$code" ]; then
		ok=$((ok + 1))
		echo "$code" >>codes.txt
		[ "$rc" -eq 0 ] || echo "# cycle $attempts: printed stored story $code but exit $rc"
	elif [ "$rc" -eq 0 ]; then
		echo "# cycle $attempts: exit 0 without 'stored story'"
		ok=$((ok + 1000000))   # make the count check below fail loudly
	fi
done <delays.txt
elapsed=$(($(now_ms) - start))
echo "# add: $attempts attempts, $ok reported stored, $killed SIGKILLs sent, ${elapsed} ms"
check "some adds were killed and some succeeded" test "$ok" -gt 0 -a "$ok" -lt "$attempts"

check_ok "status --check after $attempts kill -9 cycles" "$KIOSK" status --data kiosk --check
check "integrity ok" grep -q '^integrity: *ok$' "$T_DIR/out"
stored=$(sed -n 's/^stories: *\([0-9]*\) submitted.*/\1/p' "$T_DIR/out")
echo "# stored: $stored"
check "no drafts or interrupted stories left by add" \
    grep -q '^stories: .* 0 interrupted, 0 timed_out, 0 draft$' "$T_DIR/out"
check "stored ($stored) >= reported successes ($ok + 5)" test "${stored:-0}" -ge $((ok + 5))
check "stored ($stored) <= attempts ($attempts + 5)" test "${stored:-0}" -le $((attempts + 5))

mkdir usb
check_ok "export after the kills" "$KIOSK" export --data kiosk --to usb
check "... every stored story is in the bundle" grep -q ": $stored stor" "$T_DIR/out"
BUNDLE=$(ls usb/*.skb)
check_ok "hub import (quarantine)" "$HUB" import --store hub.db --key hub/hub.key "$BUNDLE"
check_ok "trust the kiosk" "$HUB" kiosks --store hub.db --key hub/hub.key trust "$KID"
check "... imports all $stored" grep -q "$stored new, 0 duplicate" "$T_DIR/out"
check_ok "hub JSON export" "$HUB" export --store hub.db --format json --out all.json
missing=0
while read -r code; do
	grep -q "\"code\":\"$code\"" all.json || { missing=$((missing + 1)); echo "# missing $code"; }
done <codes.txt
check "every story reported stored ($((ok + 5))) is at the hub, opened with the hub key" test "$missing" -eq 0
check "the hub holds exactly what the kiosk stored" \
    test "$(grep -c '"story_id"' all.json)" -eq "$stored"

# --- storyhub import under kill -9 ---
# A fresh kiosk trusted through a 1-story bundle, then a 200-story bundle
# whose import is killed.
check_ok "init a second kiosk" "$KIOSK" init --data k2 --hub-key hub/hub.pub --name "Import kills"
KID2=$(sed -n 's/^kiosk id: *//p' "$T_DIR/out")
answers "first" >f.json
"$KIOSK" add --data k2 --form "$FORM" f.json >/dev/null 2>&1
mkdir usb2 usb3
"$KIOSK" export --data k2 --to usb2 >/dev/null 2>&1
"$HUB" import --store base.db --key hub/hub.key usb2/*.skb >/dev/null 2>&1
check_ok "trust the second kiosk" "$HUB" kiosks --store base.db --key hub/hub.key trust "$KID2"
NB=200
i=0
fails=0
while [ $i -lt $NB ]; do
	answers "bundle-$i" >b.json
	"$KIOSK" add --data k2 --form "$FORM" b.json >/dev/null 2>&1 || fails=$((fails + 1))
	i=$((i + 1))
done
check "add $NB more stories" test $fails -eq 0
check_ok "export them as one bundle" "$KIOSK" export --data k2 --to usb3
B=$(ls usb3/*.skb)
count() {  # stories in hub store $1
	"$HUB" export --store "$1" --format json | grep -c '"story_id"'
}
# How long a whole import takes, to spread the kills over it.
cp base.db t.db
s=$(now_ms)
"$HUB" import --store t.db --key hub/hub.key "$B" >/dev/null 2>&1
T=$(($(now_ms) - s))
check "a full import gives $((NB + 1)) stories" test "$(count t.db)" -eq $((NB + 1))
echo "# one import takes ${T} ms (the Argon2id key opening first); kills spread over $((T * 6 / 10))-$((T * 11 / 10)) ms"
delays "$DUR_IMPORT_CYCLES" $((T * 11 / 10)) $((T * 6 / 10)) >idelays.txt
bad=0
partial=0
none=0
all=0
reimport_bad=0
n=0
while read -r d; do
	n=$((n + 1))
	rm -f c.db c.db-wal c.db-shm
	cp base.db c.db
	"$HUB" import --store c.db --key hub/hub.key "$B" >imp.out 2>&1 &
	pid=$!
	sleep "$d"      # the random moment of the kill is the test, not a wait
	kill -9 "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	c=$(count c.db)
	if [ "$c" -eq 1 ]; then
		none=$((none + 1))
	elif [ "$c" -eq $((NB + 1)) ]; then
		all=$((all + 1))
	else
		partial=$((partial + 1))
		echo "# cycle $n (kill after ${d}s): $c stories, neither 1 nor $((NB + 1))"
	fi
	if ! "$HUB" import --store c.db --key hub/hub.key "$B" >imp2.out 2>&1 ||
	    [ "$(count c.db)" -ne $((NB + 1)) ]; then
		reimport_bad=$((reimport_bad + 1))
		echo "# cycle $n: re-import failed or incomplete"
		sed 's/^/#   /' imp2.out | head -5
	fi
done <idelays.txt
echo "# import kills: $n cycles, $none left nothing, $all left everything, $partial partial"
check "killed imports are all-or-nothing per bundle ($n cycles)" test "$partial" -eq 0
check "re-import after each kill succeeds with the full count" test "$reimport_bad" -eq 0

t_done
