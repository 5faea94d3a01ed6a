#!/bin/sh
# The kiosk's own strings: every tr("...") and widget hint in the UI sources
# has a translation in po/fr.po and po/sw.po, the catalogues are valid, and
# the build compiled them where the kiosk looks for them.
: "${TOP:?run from tests/run-all}" "${BUILD:=build/plain}"
cd "$TOP" || exit 1
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }

msgids=$(mktemp)
trap 'rm -f "$msgids"' EXIT
{
	grep -ho 'tr("[^"]*")' src/ui*.c src/screen-*.c src/widget-*.c | sed 's/^tr("//; s/")$//'
	# trn("singular", "plural", n): the catalogue's msgid is the singular.
	grep -ho 'trn("[^"]*"' src/ui*.c src/screen-*.c src/widget-*.c | sed 's/^trn("//; s/"$//'
	grep -ho '\.hint = "[^"]*"' src/widget-*.c | sed 's/^\.hint = "//; s/"$//'
} | sort -u >"$msgids"
[ -s "$msgids" ] && ok "found $(wc -l <"$msgids") strings in the UI sources" || notok "no strings found"

for lang in fr sw; do
	po=po/$lang.po
	if msgfmt --check -o /dev/null "$po" 2>/dev/null; then ok "$po is valid"; else notok "$po is valid"; fi
	missing=0
	while IFS= read -r s; do
		if ! grep -qF "msgid \"$s\"" "$po"; then
			echo "# $lang: no translation for: $s"
			missing=$((missing + 1))
		fi
	done <"$msgids"
	[ "$missing" -eq 0 ] && ok "$po translates every UI string" || notok "$po misses $missing strings"
	stats=$(msgfmt --statistics -o /dev/null "$po" 2>&1)
	case $stats in
	*untranslated* | *fuzzy*) notok "$po: $stats" ;;
	*) ok "$po: $stats" ;;
	esac
	mo="$BUILD/locale/$lang/LC_MESSAGES/storykiosk.mo"
	[ -s "$mo" ] && ok "$mo built" || notok "$mo built"
done
