#!/bin/sh
# The key line at 80x24: on every screen, in every language, every key the
# hint names is on screen (the same number of " · " items as in English) and
# the stop key is there whenever the English line has it. Plus the catalogues
# keep each hint's items (same count of " · " in msgstr as in msgid).
# Then the same in practice with scribe mode on (run --practice --assisted
# --scribe AB, the longest banner): every screen, in every language, keeps
# its whole key line and shows the whole banner row ("PRACTICE: nothing is
# kept · Scribe mode: AB types for the teller", as the catalogue translates
# it), and the scribe's consent confirmation has its key line too.
. "$(dirname "$0")/kiosk.lib"

# items ROWS: the number of " · "-separated items on the key line.
items() {
	printf '%s\n' "$1" | awk -v sep=' · ' '
	    { gsub(/^ +| +$/, ""); if ($0 != "") { n += split($0, a, sep) } }
	    END { print n + 0 }'
}
hintrows() { screen | tail -n 2; }

# keyline LANG NAME: record (en, the first time) or compare (fr, sw, and en
# in practice) the key line; in practice also check the banner row.
keyline() {
	rows=$(hintrows)
	n=$(items "$rows")
	case $rows in *Ctrl-X*) x=1 ;; *) x=0 ;; esac
	[ -n "$PRACTICE" ] && banner_check "$1" "$2"
	if [ "$1" = en ] && eval "[ -z \"\${en_n_$2:-}\" ]"; then
		eval "en_n_$2=$n en_x_$2=$x"
		check "en $2: key line has its items ($n)" test "$n" -gt 0
		return
	fi
	eval "want=\${en_n_$2:-}; wantx=\${en_x_$2:-}"
	if [ -z "$want" ]; then
		notok "$1 $2: no English key line to compare with"
		return
	fi
	if [ "$n" -eq "$want" ] && [ "$x" -ge "$wantx" ]; then
		ok "$1 $2: all $n keys on the key line"
	else
		notok "$1 $2: $n of $want keys shown (stop key: $x, want $wantx): $rows"
	fi
}

# po_str LANG MSGID: the catalogue's translation (MSGID itself for en).
po_str() {
	[ "$1" = en ] && { printf '%s\n' "$2"; return; }
	awk -v id="msgid \"$2\"" '
	    $0 == id { want = 1; next }
	    want && /^msgstr "/ { s = $0; sub(/^msgstr "/, "", s); sub(/"$/, "", s); print s; exit }
	    ' "$TOP/po/$1.po"
}
# banner_check LANG NAME: the second row is the whole banner in LANG.
banner_check() {
	want="$(po_str "$1" "PRACTICE: nothing is kept") · $(po_str "$1" \
	    "Scribe mode: %s types for the teller" | sed 's/%s/AB/')"
	got=$(screen | sed -n 2p | sed 's/^ *//; s/ *$//')
	if [ "$got" = "$want" ]; then
		ok "$PRACTICE$1 $2: the whole banner shows"
	else
		notok "$PRACTICE$1 $2: banner '$got', want '$want'"
	fi
}

# step KEYS...: send keys and wait until the screen changes (2 s at most).
step() {
	step_before=$(screen)
	keys "$@"
	wait_for 'screen_changed "$step_before"' 2
}
hint_changed() { [ "$(hintrows)" != "$hint_before" ]; }

# every_screen: each language's journey through every screen, the key line
# of each compared (and in practice the banner).
every_screen() {
li=0
for lang in en fr sw; do
	j=0
	while [ "$j" -lt "$li" ]; do keys Down; j=$((j + 1)); done
	[ "$li" -gt 0 ] && keyline "$lang" welcome # the hint follows the highlight
	step Enter
	check "$PRACTICE$lang: consent screen" wait_text "Pg"
	keyline "$lang" consent
	keys NPage NPage
	step Enter
	if [ -n "$PRACTICE" ]; then # scribe mode: confirm the teller agreed
		keyline "$lang" consent_confirm
		step Enter
	fi
	check "$PRACTICE$lang: prompt screen" wait_text "Ctrl-X"
	keyline "$lang" prompt
	step Enter
	check "$PRACTICE$lang: story editor" wait_text "50)"
	keyline "$lang" story
	type_text "A story long enough for the form's minimum of fifty characters, in $lang."
	step Tab
	keyline "$lang" text            # title (optional text)
	step Enter
	keyline "$lang" triad
	step Enter
	keyline "$lang" scale
	step Enter
	step Enter
	step Enter
	keyline "$lang" multi           # obstacles
	keys Space
	step Enter
	keyline "$lang" choice          # role
	keys End
	step Enter
	keyline "$lang" other           # role_other (text)
	type_text "x"
	step Enter
	keyline "$lang" number          # age
	step Enter
	check "$PRACTICE$lang: review screen" wait_text "→"
	keyline "$lang" review
	step C-x
	keyline "$lang" confirm
	step Enter                      # "No, go on"
	keys End
	step Enter
	keyline "$lang" thanks
	leave_thanks
	check "$PRACTICE$lang: back to welcome" wait_text "Kiswahili"
	li=$((li + 1))
done
}

# The idle warning, in each language.
idle_warnings() {
li=0
for lang in en fr sw; do
	j=0
	while [ "$j" -lt "$li" ]; do keys Down; j=$((j + 1)); done
	step Enter
	wait_text "Pg"
	hint_before=$(hintrows)
	wait_for hint_changed 8         # the idle warning's key line
	keyline "$lang" timeout
	keys Enter
	check "$PRACTICE$lang: back to welcome after the timeout" wait_text "Kiswahili" 15
	li=$((li + 1))
done
}

PRACTICE=
kiosk_begin
keyline en welcome
every_screen
start_kiosk --idle 4
idle_warnings

# The admin screens (the field worker's language is the form's first).
start_kiosk
step F12
keyline en pin
type_text "$PIN"
step Enter
check "admin screen" wait_text "Administration"
keyline en admin
step Down
step Enter
keyline en admin_export
step C-x

# In practice, with scribe mode on: the same screens, the whole banner on
# each, and the scribe's own screens.
PRACTICE="practice: "
start_kiosk --practice --assisted --scribe ab
keyline en welcome
every_screen
step F12
keyline en pin
type_text "$PIN"
step Enter
check "practice: admin screen" wait_text "Administration"
keyline en admin
keys End Up
step Enter                      # scribe mode off: the welcome screen
check "practice: scribe mode off" wait_text "Kiswahili"
step F12
type_text "$PIN"
step Enter
wait_text "Administration"
keys End Up
step Enter                      # scribe mode on: the initials asked
check "practice: the initials are asked" wait_text "initials"
PRACTICE=                       # (scribe mode is off: a shorter banner)
keyline en admin_initials
type_text "ab"
step Enter
PRACTICE="practice: "
check "practice: scribe mode on again" wait_text "Kiswahili"
keyline en welcome
start_kiosk --practice --assisted --scribe ab --idle 4
idle_warnings

# The catalogues: each translated hint keeps its items.
for po in "$TOP/po/fr.po" "$TOP/po/sw.po"; do
	bad=$(awk -v sep=' · ' '
	    /^msgid "/ { id = $0; sub(/^msgid "/, "", id); sub(/"$/, "", id) }
	    /^msgid_plural "/ { next }
	    /^msgstr(\[0\])? "/ {
		s = $0; sub(/^msgstr(\[0\])? "/, "", s); sub(/"$/, "", s)
		if (index(id, sep) && split(id, a, sep) != split(s, b, sep))
			print id
	    }' "$po")
	check "$(basename "$po"): every hint keeps its items${bad:+ (not: $bad)}" test -z "$bad"
done
stderr_clean
t_done
