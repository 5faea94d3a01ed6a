#!/bin/sh
# Feedback packs over HTTP (a real 'storyhub serve' on 127.0.0.1): GET
# /v1/pack hands out the newest pack published with 'storyhub feedback
# --publish' (404 before any, 204 when the kiosk's is as new); a kiosk that
# pushes takes it ('storykiosk push', then the running kiosk in tmux, whose
# welcome screen then offers the stories); a newer one replaces it at the
# next push; a pack the kiosk cannot verify is not taken, the push still
# succeeds and the kiosk's pack is unchanged. Every wait is bounded.
. "$(dirname "$0")/kiosk.lib"
. "$TOP/tests/e2e/net.lib"
export STORYHUB_PASSPHRASE=e2e-pass-phrase
cd "$T_DIR" || exit 1
DB=$(t_store hub) || exit 1

# add_public DIR LANG TEXT: one public story into kiosk DIR.
add_public() {
	printf '{"lang":"%s","consent":"public","prompt":"worked","answers":{"story":"%s","drivers":[0.5,0.3,0.2],"equal":50,"listened":50,"trust":50,"obstacles":["funding"],"role":"community"}}' \
	    "$2" "$3" | "$KIOSK" add --data "$1" --form "$FORM" - >/dev/null 2>&1
}
publish() {
	"$HUB" feedback --store "$DB" --key "$W/hub/hub.key" --form-file "$FORM" \
	    --all --publish --out "$@"
}
# get_pack [QUERY]: GET /v1/pack; prints the status, the body in $W/got.
get_pack() {
	curl -s -D "$W/headers" -o "$W/got" -w '%{http_code}' --max-time 10 "$URL/v1/pack${1:-}"
}
# pack_status WANT [QUERY]: GET /v1/pack answers WANT.
pack_status() { [ "$(get_pack "${2:-}")" = "$1" ]; }
push() { "$KIOSK" push --data "$1" --url "$URL"; }
pack_line() { "$KIOSK" status --data "$1" | grep '^feedback:'; }
# has_pack DIR TEXT: status's feedback line of kiosk DIR holds TEXT.
has_pack() { pack_line "$1" | grep -q "$2"; }
pack_same() { [ "$(cksum <"$W/k/feedback.skf")" = "$before" ]; }

check "hub key" t_hubkey "$W/hub"
check "server starts on 127.0.0.1" start_server "$DB" "$W/hub/hub.key"
check "GET /v1/pack before any is published: 404" pack_status 404

STORYKIOSK_PIN=$PIN "$KIOSK" init --data "$W/k" --hub-key "$W/hub/hub.pub" >/dev/null 2>&1
add_public "$W/k" sw "Mvua-2KD ilinyesha na kisima kikajaa; jamii ilifurahi pamoja sana."
add_public "$W/k" fr "Pluie-7NW : le puits s'est rempli et le village a fêté ensemble."
check "the kiosk is enrolled" enrol "$W/k" "$DB"
check_ok "the stories reach the hub" push "$W/k"
check_ok "pack 1 published" publish "$W/p1.skf"
check "... with the two public stories" grep -q '^wrote feedback pack 1 .*: 2 stories.*published' "$T_DIR/out"

check "GET /v1/pack: 200" pack_status 200
check "... the very bytes of pack 1" cmp -s "$W/got" "$W/p1.skf"
check "... its sequence in a header" grep -qi '^X-Pack-Sequence: 1' "$W/headers"
check "GET /v1/pack?after=1: 204" pack_status 204 '?after=1'
check "GET /v1/pack?after=0: 200" pack_status 200 '?after=0'
check "... the same bytes, sent from the copy in memory" cmp -s "$W/got" "$W/p1.skf"
p1_len=$(wc -c <"$W/p1.skf")
check "... both logged with the pack's size" \
    wait_for "[ \$(grep -c 'GET /v1/pack 200 .*feedback pack 1 ($p1_len bytes)' '$SRV_LOG') -eq 2 ]"
check "GET /v1/pack?after=x: 400" pack_status 400 '?after=x'
check "POST /v1/pack: 405" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -X POST '$URL/v1/pack')\" = 405 ]"
check "the log names the pack served" wait_for "grep -q 'GET /v1/pack 200 0 [0-9]*ms feedback pack 1' '$SRV_LOG'"

check_ok "a push with nothing to send takes pack 1" push "$W/k"
check "... and says so" grep -q '^took feedback pack 1 from the hub: 2 stories' "$T_DIR/out"
check "... status shows it" has_pack "$W/k" 'pack 1 of .*, 2 stories'
check "... kept as it came" cmp -s "$W/p1.skf" "$W/k/feedback.skf"
check_ok "the next push finds nothing newer" push "$W/k"
check "... and takes nothing" sh -c "! grep -q 'feedback pack' '$T_DIR/out'"

add_public "$W/k" sw "Jua-5RB lilirudi na shamba la pamoja likatoa mavuno mazuri kwa wote."
check_ok "a third story pushed" push "$W/k"
check_ok "pack 2 published, with the third story" publish "$W/p2.skf"
add_public "$W/k" fr "Soleil-8PP : la récolte commune a nourri tout le monde cette année."
check_ok "a push delivers a fourth story and takes pack 2" push "$W/k"
check "... the story acknowledged" grep -q 'the hub acknowledged 1' "$T_DIR/out"
check "... pack 2 taken" grep -q '^took feedback pack 2 from the hub: 3 stories' "$T_DIR/out"
check "... the push result says so" \
    sh -c "'$KIOSK' status --data '$W/k' | grep -q '^push result: *1 of 1 acknowledged; feedback pack 2 taken'"

# A pack signed by a key this kiosk does not know, published at the hub.
STORYHUB_PASSPHRASE=other-pass t_hubkey "$W/other" >/dev/null 2>&1
check_ok "a pack signed by another hub key is published (pack 3)" env STORYHUB_PASSPHRASE=other-pass \
    "$HUB" feedback --store "$DB" --key "$W/other/hub.key" --form-file "$FORM" \
    --all --publish --out "$W/p3.skf"
before=$(cksum <"$W/k/feedback.skf")
check_ok "the push still succeeds" push "$W/k"
check "... but the pack is not taken, and it says why" \
    grep -q "^the hub's feedback pack was not taken: signed by hub key [0-9a-f]*, which this kiosk does not know" "$T_DIR/out"
check "... the kiosk's pack unchanged" pack_same
check "... still pack 2" has_pack "$W/k" 'pack 2 of '
check_ok "pack 4 published with the hub's own key" publish "$W/p4.skf"
check "... with the four stories" grep -q 'pack 4 .*: 4 stories' "$T_DIR/out"

# The running kiosk: a new kiosk pushes by itself and shows what it took.
STORYKIOSK_PIN=$PIN "$KIOSK" init --data "$W/k2" --hub-key "$W/hub/hub.pub" --push-url "$URL" \
    >/dev/null 2>&1
add_public "$W/k2" en "Harvest-3TT: the second kiosk's own story, waiting to be pushed."
check "the new kiosk has no pack yet" has_pack "$W/k2" 'none'
check "the new kiosk is given its token" enrol "$W/k2" "$DB"
KIOSK_DATA=$W/k2
start_kiosk
check "it pushes by itself and takes pack 4" wait_for "has_pack '$W/k2' 'pack 4 of '" 20
check "... its welcome screen then offers the stories" wait_text "Read stories from others" 10
keys R
check "... which read from the pack taken" wait_text "What everyone told us" 5
check "... the push result says so" \
    sh -c "'$KIOSK' status --data '$W/k2' | grep -q '^push result: *1 of 1 acknowledged; feedback pack 4 taken'"
stderr_clean
check "server stops cleanly" stop_server
t_done
