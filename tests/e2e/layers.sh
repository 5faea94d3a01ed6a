#!/bin/sh
# The layers (tests/layers.rules, docs/architecture.md): the tree passes
# tests/layer-check, and each kind of wrong arrow makes it fail, naming the
# file, the line and the layer.
. "$(dirname "$0")/lib.sh"

check_ok "the tree's includes follow tests/layers.rules" "$TOP/tests/layer-check" "$TOP"

# bad DESC FILE LINE PATTERN: a copy of the tree with LINE added at the top
# of FILE must fail layer-check with a message matching PATTERN.
bad() {
	rm -rf "$T_DIR/tree"
	mkdir -p "$T_DIR/tree/tests"
	cp -R "$TOP/src" "$TOP/sync" "$T_DIR/tree/"
	cp "$TOP/tests/layers.rules" "$T_DIR/tree/tests/"
	{ printf '%s\n' "$3"; cat "$T_DIR/tree/$2"; } >"$T_DIR/f" && mv "$T_DIR/f" "$T_DIR/tree/$2"
	"$TOP/tests/layer-check" "$T_DIR/tree" >"$T_DIR/out" 2>&1
	rc=$?
	found=1
	[ "$rc" -eq 1 ] && grep -q "^$2:1: .*$4" "$T_DIR/out" &&
	    [ "$(wc -l <"$T_DIR/out")" -eq 1 ] && found=0
	[ "$found" -eq 0 ] || sed 's/^/# /' "$T_DIR/out"
	check "$1" [ "$found" -eq 0 ]
}

bad "a screen may not include sodium.h" src/ui/screen-pin.c '#include <sodium.h>' 'sodium.h'
bad "a screen may not include sqlite3.h" src/ui/screen-admin.c '#include <sqlite3.h>' 'sqlite3.h'
bad "core may not include curses" src/core/store.c '#include <ncursesw/curses.h>' 'curses.h'
bad "only serve.c includes microhttpd.h" sync/kiosk/export.c '#include <microhttpd.h>' 'microhttpd.h'
bad "GSL only in the report's statistics" sync/hub/report-html.c '#include <gsl/gsl_cdf.h>' 'gsl/gsl_cdf.h'
bad "libcurl only in the push helper" src/cmd-push.c '#include <curl/curl.h>' 'curl/curl.h'
bad "core may not include the UI" src/core/kiosk.c '#include "ui.h"' 'src/core may not use src/ui'
bad "the base may not include core" src/base/fsutil.c '#include "store.h"' 'src/base may not use src/core'
bad "the UI may not include sync" src/ui/screen-admin.c '#include "export.h"' 'src/ui may not use sync/kiosk'
bad "the hub may not include the kiosk's sync" sync/hub/import.c '#include "pushspawn.h"' 'sync/hub may not use sync/kiosk'
bad "the program sees only ui-run.h of the UI" src/cmd-run.c '#include "ui.h"' 'only ui-run.h'
bad "the key filter may not include ui.h (curses)" src/ui/keyfilter.c '#include "ui.h"' 'which only src/ui/ui.c'
bad "nothing but ui.h includes ui-curses.h" src/ui/screen-pin.c '#include "ui-curses.h"' 'which only src/ui/ui.h may'
bad "a header in no layer folder is refused" src/core/form.c '#include "nowhere.h"' 'in no layer folder'

t_done
