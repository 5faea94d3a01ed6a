#!/bin/sh
# The kiosk's own strings: every tr("...") and widget hint in the UI sources
# has a translation in po/fr.po and po/sw.po, the catalogues are valid, and
# the build compiled them where the kiosk looks for them.
. "$TOP/tests/e2e/lib.sh"
cd "$TOP" || exit 1

# The UI sources by name, wherever under src/ they are.
ui_sources() { find src -name 'ui*.c' -o -name 'screen-*.c' -o -name 'widget-*.c'; }
widget_sources() { find src -name 'widget-*.c'; }

# The UI sources as one line with adjacent string literals joined ("a "
# "b" is "a b"), so that a message split over lines is found whole.
joined() { xargs cat | tr '\n' ' ' | sed 's/"[[:space:]]*"//g'; }

msgids=$T_DIR/msgids
{
	ui_sources | joined | grep -o 'tr("[^"]*")' | sed 's/^tr("//; s/")$//'
	# trn("singular", "plural", n): the catalogue's msgid is the singular.
	ui_sources | joined | grep -o 'trn("[^"]*"' | sed 's/^trn("//; s/"$//'
	widget_sources | xargs grep -ho '\.hint = "[^"]*"' | sed 's/^\.hint = "//; s/"$//'
} | sort -u >"$msgids"
check "found $(wc -l <"$msgids") strings in the UI sources" test -s "$msgids"

for lang in fr sw; do
	po=po/$lang.po
	check "$po is valid" msgfmt --check -o /dev/null "$po"
	missing=0
	while IFS= read -r s; do
		if ! grep -qF "msgid \"$s\"" "$po"; then
			echo "# $lang: no translation for: $s"
			missing=$((missing + 1))
		fi
	done <"$msgids"
	if [ "$missing" -eq 0 ]; then
		ok "$po translates every UI string"
	else
		notok "$po misses $missing strings"
	fi
	stats=$(msgfmt --statistics -o /dev/null "$po" 2>&1)
	case $stats in
	*untranslated* | *fuzzy*) notok "$po: $stats" ;;
	*) ok "$po: $stats" ;;
	esac
	mo="$BUILD/locale/$lang/LC_MESSAGES/storykiosk.mo"
	check "$mo built" test -s "$mo"
done
t_done
