# Packaging: man pages, systemd units, `make install`/`uninstall` into a
# throw-away root. The Debian packages themselves (make deb, lintian) are
# tests/packaging/deb.sh, run by `make check-deb` (CI runs it too).
# A check whose tool is missing prints "# skip - why" (t_skip: a comment, not a pass).
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
MAKE=${MAKE:-make}
UNITS="$TOP/packaging/systemd"

have() {
	command -v "$1" >/dev/null 2>&1
}

# --- man pages: scdoc sources build and render without warnings -----------
# scdoc and man-db are in packaging/install-deps: missing them is a failure.
mkdir -p man
for src in "$TOP"/docs/man/*.scd; do
	page=$(basename "$src" .scd)
	check_ok "man: scdoc builds $page" sh -c "scdoc <'$src' >'man/$page'"
	check_ok "man: $page renders without warnings" sh -c \
	    "out=\$(MANWIDTH=80 man --warnings -l 'man/$page' 2>&1 >/dev/null); \
	     [ -z \"\$out\" ] || { echo \"\$out\"; exit 1; }"
	check "man: $page has NAME, SYNOPSIS and DESCRIPTION" sh -c \
	    "MANWIDTH=80 man -l 'man/$page' 2>/dev/null | grep -q '^NAME' &&
	     MANWIDTH=80 man -l 'man/$page' 2>/dev/null | grep -q '^SYNOPSIS' &&
	     MANWIDTH=80 man -l 'man/$page' 2>/dev/null | grep -q '^DESCRIPTION'"
done
for c in init run add status export import-receipt purge check-form preview feedback enroll; do
	check "man: storykiosk(1) documents $c" \
	    grep -q "^\*storykiosk $c\*" "$TOP/docs/man/storykiosk.1.scd"
done
for c in keygen import export kiosks search withdraw serve feedback; do
	check "man: storyhub(1) documents $c" \
	    grep -q "^\*storyhub $c\*" "$TOP/docs/man/storyhub.1.scd"
done
# The example form in storykiosk-form(5) must be a form check-form accepts.
awk '/^# EXAMPLE/ { p = 1; next } p && /^```$/ { if (++n == 2) exit; next }
    p && n == 1' "$TOP/docs/man/storykiosk-form.5.scd" >example.yaml
check_ok "man: the example in storykiosk-form(5) passes check-form" \
    "$KIOSK" check-form example.yaml

# --- unit files: what the kiosk and hub services must say ------------------
unit_has() {
	grep -Eq "^$2\$" "$UNITS/$1"
}
for line in 'User=storykiosk' 'Conflicts=getty@%i\.service' 'Restart=always' \
    'StandardInput=tty' 'TTYPath=/dev/%I' 'TTYReset=yes' 'TTYVHangup=yes' \
    'TTYVTDisallocate=yes' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
    'ReadWritePaths=/var/lib/storykiosk' 'PrivateTmp=yes' 'ProtectHome=yes' \
    'CapabilityBoundingSet=' 'LimitCORE=0' 'SystemCallFilter=@system-service' \
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' \
    'EnvironmentFile=/etc/storykiosk/storykiosk\.conf' \
    'ExecStart=/usr/bin/storykiosk run --data \$\{STORYKIOSK_DATA\} --form \$\{STORYKIOSK_FORM\}'; do
	check "unit: storykiosk@.service has $line" unit_has storykiosk@.service "$line"
done
for v in STORYKIOSK_DATA STORYKIOSK_FORM STORYKIOSK_PUSH_URL STORYKIOSK_PUSH_CA; do
	check "config: storykiosk.conf sets $v" \
	    grep -q "^$v=" "$TOP/packaging/etc/storykiosk.conf"
done
for line in 'User=storyhub' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
    'CapabilityBoundingSet=' 'LoadCredential=passphrase:/etc/storyhub/passphrase' \
    'ExecStart=/usr/bin/storyhub serve .*--passphrase-file \$\{CREDENTIALS_DIRECTORY\}/passphrase.*'; do
	check "unit: storyhub.service has $line" unit_has storyhub.service "$line"
done

# systemd-analyze checks that the programs exist: point the units at the
# programs just built.
mkdir -p units
sed "s#/usr/bin/storykiosk#$KIOSK#" "$UNITS/storykiosk@.service" >units/storykiosk@tty1.service
sed "s#/usr/bin/storyhub#$HUB#" "$UNITS/storyhub.service" >units/storyhub.service
if have systemd-analyze; then
	check_ok "unit: systemd-analyze verify" \
	    systemd-analyze verify --man=no units/storykiosk@tty1.service units/storyhub.service
	for u in storykiosk@tty1 storyhub; do
		if systemd-analyze security --offline=yes units/$u.service >sec.out 2>&1; then
			score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' sec.out)
			echo "# systemd-analyze security $u.service: exposure $score"
			check "unit: $u.service exposure $score is at most 2.0" \
			    awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
		else
			t_skip "systemd-analyze security --offline: not supported by this systemd"
		fi
	done
else
	t_skip "systemd-analyze verify: systemd-analyze is not installed"
fi

# --- make install / uninstall honour PREFIX and DESTDIR --------------------
root="$T_DIR/root"
check_ok "make install DESTDIR PREFIX=/usr" \
    $MAKE -s --no-print-directory -C "$TOP" install DESTDIR="$root" PREFIX=/usr
for f in usr/bin/storykiosk usr/bin/storyhub usr/share/storykiosk/forms/partnership.yaml \
    usr/share/man/man1/storykiosk.1 usr/share/man/man1/storyhub.1 \
    usr/share/man/man5/storykiosk-form.5; do
	check "install: /$f" test -f "$root/$f"
done
check "install: nothing outside DESTDIR/usr" \
    test "$(ls "$root")" = usr
check_ok "make uninstall DESTDIR PREFIX=/usr" \
    $MAKE -s --no-print-directory -C "$TOP" uninstall DESTDIR="$root" PREFIX=/usr
check "uninstall: no files left" test -z "$(find "$root" -type f)"

t_done
