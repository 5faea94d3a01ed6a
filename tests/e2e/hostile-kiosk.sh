#!/bin/sh
# Hostile text at the kiosk (docs/security.md, "Input from participants"):
# a participant pastes and types ESC[2J, an OSC 52 clipboard write, C1 CSI
# (U+009B), a bidi override and a zero-width space into the story. Every byte
# the kiosk sends to the terminal is recorded with tmux pipe-pane: none of
# those sequences reaches it, on the editor or on the review screen. The
# story is submitted, and its canary is in no file of the data directory
# (database, WAL, shared memory, journal, temp files): no plaintext at rest.
. "$(dirname "$0")/kiosk.lib"

BYTES="$W/pane.bytes"
# 0 if the recorded bytes hold any of the hostile sequences.
leaked() {
	LC_ALL=C grep -aqP '\]52;|\x1b\[2JZZ|\xc2\x9b|\x9b31m|\xe2\x80\xae|\xe2\x80\x8b' "$BYTES"
}

kiosk_begin
: >"$BYTES"
T pipe-pane -o "cat >>'$BYTES'"
check "lang 0: consent, prompt, editor" to_story 0
type_text "Canary-K1OSK a story typed at the kiosk, with hostile bytes pasted in: "
check "typed text shown" wait_text "Canary-K1OSK"
# A paste (tmux paste-buffer sends the bytes as they are) and typed keys.
T set-buffer -- "$(printf 'X1\033]52;c;SGVsbG8=\007Y1 \033[2JZZ \302\23331m \342\200\256RLO \342\200\213ZW end. ')"
T paste-buffer
wait_text "end."                # the paste's last word
type_text "$(printf 'Q1\033[2JZZ typed \302\23331m too.')"
type_text " The clinic and the village committee really did work together."
check "kiosk still on the story editor after the hostile paste" wait_text "work together"
check "pipe-pane records the kiosk's output" \
    sh -c "LC_ALL=C grep -aq 'Canary-K1OSK' '$BYTES'"
check "no ESC[2J, OSC 52, C1 CSI, RLO or ZWSP from the story reaches the terminal (editor)" \
    sh -c "! LC_ALL=C grep -aqP '\]52;|\x1b\[2JZZ|\xc2\x9b|\xe2\x80\xae|\xe2\x80\x8b' '$BYTES'"
answer_all "Hostile title"
check "review screen" wait_text "Animatrice"
check "no hostile sequence reaches the terminal (review)" sh -c "! { LC_ALL=C grep -aqP '\]52;|\x1b\[2JZZ|\xc2\x9b|\xe2\x80\xae|\xe2\x80\x8b' '$BYTES'; }"
echo "# pipe-pane recorded $(wc -c <"$BYTES") bytes of kiosk output"
keys End Enter
check "thank-you screen after submit" wait_text "Thank you"
check "one story submitted" has_status submitted 1
# No plaintext at rest: search every file under the data directory.
files=$(find "$W/k" -type f | wc -l)
bytes=$(find "$W/k" -type f -exec cat {} + | wc -c)
check "canary typed at the kiosk absent from all $files files ($bytes bytes) of the data dir" \
    sh -c "! grep -r -a -q -e 'Canary-K1OSK' -e 'village committee' '$W/k'"
echo "# searched $files files, $bytes bytes"
mkdir -p "$W/usb"
"$KIOSK" export --data "$W/k" --to "$W/usb" >/dev/null 2>&1
check "... and from the exported bundle" sh -c "ls '$W'/usb/*.skb >/dev/null && ! grep -r -a -q 'Canary-K1OSK' '$W/usb'"
# Through the hub: what was kept of the pasted text holds no control bytes.
id=$("$KIOSK" status --data "$W/k" | sed -n 's/^kiosk id: *//p')
export STORYHUB_PASSPHRASE=e2e-pass-phrase
"$HUB" import --store "$W/hub.db" --key "$W/hub/hub.key" "$W"/usb/*.skb >/dev/null 2>&1
"$HUB" kiosks --store "$W/hub.db" --key "$W/hub/hub.key" trust "$id" >/dev/null 2>&1
"$HUB" export --store "$W/hub.db" --format json >"$W/export.json" 2>&1
check "the hub has the story" grep -q "Canary-K1OSK" "$W/export.json"
echo "# stored story: $(grep -o '"story":"[^"]*"' "$W/export.json" | head -1)"
check "... with no control or invisible characters in it" \
    sh -c "! { LC_ALL=C grep -aqP '\\\\u001b|\\\\u009b|\x1b|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae\x8b]' '$W/export.json'; }"
stderr_clean
t_done
