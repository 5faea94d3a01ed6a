#!/bin/sh
# storyhub feedback as a coordinator meets it: the options it needs, the
# note file's mistakes (each "FILE:LINE: what", found before the passphrase
# is asked), a missing store, a wrong passphrase, the sequence that goes up
# by one with each pack and is not spent by a refusal, --publish, and a
# pack that verifies on a kiosk with exactly the stories chosen.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1

W=$T_DIR
FORM=$TOP/forms/partnership.yaml
t_hubkey "$W/hub" >/dev/null 2>&1
STORYKIOSK_PIN=2468 "$KIOSK" init --data "$W/k" --hub-key "$W/hub/hub.pub" >/dev/null 2>&1

# add LANG CONSENT TEXT: one paper story; prints its code.
add() {
	printf '{"lang":"%s","consent":"%s","prompt":"failed","answers":{"story":"%s","drivers":[0.2,0.3,0.5],"equal":80,"listened":70,"trust":60,"obstacles":["power"],"role":"funder"}}' \
	    "$1" "$2" "$3" >"$W/story.json"
	"$KIOSK" add --data "$W/k" --form "$FORM" "$W/story.json" 2>&1 |
	    sed -n 's/^stored story \([A-Z0-9-]*\) .*/\1/p'
}
A=$(add en public "Alpha-3KQ: the donor changed the plan without asking anyone in the village.")
B=$(add fr public "Bravo-8WT : le bailleur a changé le plan sans demander à personne au village.")
C=$(add sw analysis "Charlie-6MV: hadithi hii ni kwa uchambuzi tu, haitashirikishwa kamwe.")
mkdir -p "$W/usb"
"$KIOSK" export --data "$W/k" --to "$W/usb" >/dev/null 2>&1
"$HUB" import --store "$DB" --key "$W/hub/hub.key" "$W"/usb/*.skb >/dev/null 2>&1
id=$("$KIOSK" status --data "$W/k" | sed -n 's/^kiosk id: *//p')
check_ok "setup: stories at the hub" \
    "$HUB" kiosks --store "$DB" --key "$W/hub/hub.key" trust "$id"

fb() { "$HUB" feedback --store "$DB" --key "$W/hub/hub.key" --form-file "$FORM" "$@"; }

check_ok "--help" "$HUB" feedback --help
check "... names the three ways to choose" grep -q -- '--all | --select CODE' "$T_DIR/out"
check_fail "no way to choose the stories" fb --out "$W/x.skf"
check_fail "two ways at once" fb --out "$W/x.skf" --all --search well
check "... says to give one" grep -q 'exactly one of --all, --select' "$T_DIR/out"
check_fail "no --out" fb --all
check_fail "a store that is not there" \
    "$HUB" feedback --store "$W/none.db" --key "$W/hub/hub.key" --form-file "$FORM" \
    --out "$W/x.skf" --all
check "... says so" grep -q 'no store at' "$T_DIR/out"
check "... and creates none" test ! -e "$W/none.db"

# note NAME TEXT: a note file.
note() { printf "$2" >"$W/$1"; }
note n1 'Hello\n[en]\nx\n'
note n2 '[en]\nfine\n[de]\nGuten Tag\n'
note n3 '[en]\nfine\n[sw]\n\n[fr]\nbien\n'
note n4 '[en]\nred \033[31m here\n'
# No passphrase anywhere: a note's mistake is found before one is asked.
for n in n1:'n1:1: text before the first language header' \
    n2:'n2:3: [de] is not one of the form'"'"'s languages' \
    n3:'n3:3: the [sw] section is empty' \
    n4:'n4: the [en] section is not valid UTF-8, or holds a tab or control'; do
	f=${n%%:*}
	want=${n#*:}
	check_fail "note $f refused" env -u STORYHUB_PASSPHRASE "$HUB" feedback \
	    --store "$DB" --key "$W/hub/hub.key" --form-file "$FORM" --out "$W/x.skf" \
	    --all --note "$W/$f" </dev/null
	check "... $want" grep -qF "$want" "$T_DIR/out"
done
check "no pack written by any of them" test ! -e "$W/x.skf"

check_fail "a wrong passphrase" env STORYHUB_PASSPHRASE=wrong "$HUB" feedback \
    --store "$DB" --key "$W/hub/hub.key" --form-file "$FORM" --out "$W/x.skf" --all
check_fail "a story for analysis only, selected" fb --out "$W/x.skf" --select "$A,$C"
check "... is named, with its tier" grep -q "story $C has consent tier analysis" "$T_DIR/out"
check "no pack written" test ! -e "$W/x.skf"
check_fail "a search that finds no public story" fb --out "$W/x.skf" --search Charlie
check "... says so" grep -q 'no public story told with form partnership-stories matches "Charlie"' "$T_DIR/out"

note good '[en]\nWe heard you.\n[fr]\nNous vous avons entendus.\n'
check_ok "a pack of one story found by search, published" \
    fb --out "$W/p.skf" --search Bravo --note "$W/good" --publish
check "... is pack 1 (no refusal spent a number)" \
    grep -q "^wrote feedback pack 1 to $W/p.skf: 1 story, figures over 3 stories, note in en, fr; published" "$T_DIR/out"
check "... and says who reads which note" \
    grep -q '^the note has no \[sw\] section: readers in sw see the \[en\] one' "$T_DIR/out"
check "... a pack file readable by all (public text)" \
    sh -c "ls -l '$W/p.skf' | grep -q '^-rw-r--r--'"
check_ok "the next pack is pack 2" fb --out "$W/p2.skf" --all
check "... with the two public stories" grep -q 'pack 2 .*: 2 stories' "$T_DIR/out"
check_ok "a kiosk takes pack 1" "$KIOSK" feedback --data "$W/k" "$W/p.skf"
check "... with its one story and a note in 2 languages" \
    grep -q 'pack 1 of .* in use: 1 story, a note in 2 languages, figures for 6 questions' "$T_DIR/out"
check "... Bravo's story is in it, Alpha's is not" \
    sh -c "grep -q 'Bravo-8WT' '$W/p.skf' && ! grep -q 'Alpha-3KQ' '$W/p.skf'"
check "... and the story for analysis only is in neither pack" \
    sh -c "! grep -q 'Charlie-6MV' '$W/p.skf' '$W/p2.skf'"
check_ok "the kiosk takes pack 2 after it" "$KIOSK" feedback --data "$W/k" "$W/p2.skf"
t_done
