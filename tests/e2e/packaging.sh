# Packaging: man pages, systemd units, `make install`/`uninstall` into a
# throw-away root, and (when the Debian build tools are installed) the
# storykiosk and storyhub packages: contents, control fields, lintian.
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
for c in init run add status export import-receipt purge check-form; do
	check "man: storykiosk(1) documents $c" \
	    grep -q "^\*storykiosk $c\*" "$TOP/docs/man/storykiosk.1.scd"
done
for c in keygen import export kiosks search withdraw serve; do
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
for v in STORYKIOSK_DATA STORYKIOSK_FORM STORYKIOSK_PUSH_URL; do
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

# --- the Debian packages ---------------------------------------------------
if ! have dpkg-buildpackage || ! have dh || ! have dpkg-deb; then
	t_skip "Debian packages: dpkg-buildpackage/debhelper not installed (apt-get install dpkg-dev debhelper)"
	t_done
	exit
fi
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-nocheck parallel=$(nproc 2>/dev/null || echo 2)}"
check_ok "make deb" $MAKE -s --no-print-directory -C "$TOP" deb
debs="$TOP/build/deb-src"
kdeb=$(ls "$debs"/storykiosk_*.deb 2>/dev/null | head -1)
hdeb=$(ls "$debs"/storyhub_*.deb 2>/dev/null | head -1)
check "deb: storykiosk and storyhub packages exist" test -f "$kdeb" -a -f "$hdeb"
[ -f "$kdeb" ] && [ -f "$hdeb" ] || { t_done; exit; }
check "deb: make deb leaves no debian/ at the top" test ! -e "$TOP/debian"

dpkg-deb -c "$kdeb" | awk '{ print $6 }' | sed 's#^\./#/#' >kiosk.list
dpkg-deb -c "$hdeb" | awk '{ print $6 }' | sed 's#^\./#/#' >hub.list
for f in /usr/bin/storykiosk /usr/share/storykiosk/forms/partnership.yaml \
    /usr/share/man/man1/storykiosk.1.gz /usr/share/man/man5/storykiosk-form.5.gz \
    /usr/lib/systemd/system/storykiosk@.service /etc/storykiosk/storykiosk.conf \
    /usr/share/doc/storykiosk/copyright /usr/share/doc/storykiosk/field-guide.md.gz; do
	check "deb: storykiosk holds $f" grep -qx "$f" kiosk.list
done
for f in /usr/bin/storyhub /usr/share/man/man1/storyhub.1.gz \
    /usr/lib/systemd/system/storyhub.service /etc/storyhub/storyhub.conf \
    /usr/share/doc/storyhub/copyright; do
	check "deb: storyhub holds $f" grep -qx "$f" hub.list
done
if ls "$TOP"/po/*.po >/dev/null 2>&1; then
	check "deb: storykiosk holds the UI translations" \
	    grep -q '^/usr/share/storykiosk/locale/.*/storykiosk\.mo$' kiosk.list
fi
check "deb: storyhub does not hold the kiosk" sh -c '! grep -q storykiosk hub.list'
check "deb: storykiosk does not hold the hub" sh -c '! grep -q storyhub kiosk.list'

check "deb: storykiosk depends on the libraries it links (libsodium, ncursesw)" sh -c \
    "dpkg-deb -f '$kdeb' Depends | grep -q libsodium && dpkg-deb -f '$kdeb' Depends | grep -q libncursesw"
check "deb: storyhub does not depend on ncurses" sh -c \
    "! dpkg-deb -f '$hdeb' Depends | grep -q ncurses"
check "deb: both depend on adduser (postinst creates the service user)" sh -c \
    "dpkg-deb -f '$kdeb' Depends | grep -q adduser && dpkg-deb -f '$hdeb' Depends | grep -q adduser"
check "deb: storykiosk.conf is a conffile" sh -c \
    "dpkg-deb -I '$kdeb' conffiles | grep -qx /etc/storykiosk/storykiosk.conf"
check "deb: storykiosk postinst creates the storykiosk user with no login shell" sh -c \
    "dpkg-deb -I '$kdeb' postinst | grep -q 'adduser --system' &&
     dpkg-deb -I '$kdeb' postinst | grep -q nologin"
check "deb: the unit is not enabled or started on install" sh -c \
    "! dpkg-deb -I '$kdeb' postinst | grep -Eq 'deb-systemd-invoke (start|restart)'"

# Unpack both into a throw-away root and run what was packaged.
pkroot="$T_DIR/pkroot"
dpkg-deb -x "$kdeb" "$pkroot" && dpkg-deb -x "$hdeb" "$pkroot"
check_ok "deb: the packaged storykiosk runs" "$pkroot/usr/bin/storykiosk" --help
check_ok "deb: the packaged storyhub runs" "$pkroot/usr/bin/storyhub" --help
check_ok "deb: the packaged form passes the packaged check-form" \
    "$pkroot/usr/bin/storykiosk" check-form "$pkroot/usr/share/storykiosk/forms/partnership.yaml"
if have systemd-analyze; then
	sed "s#/usr/bin/#$pkroot/usr/bin/#" "$pkroot/usr/lib/systemd/system/storykiosk@.service" \
	    >units/pk-storykiosk@tty1.service
	sed "s#/usr/bin/#$pkroot/usr/bin/#" "$pkroot/usr/lib/systemd/system/storyhub.service" \
	    >units/pk-storyhub.service
	check_ok "deb: systemd-analyze verify on the packaged units" \
	    systemd-analyze verify --man=no units/pk-storykiosk@tty1.service units/pk-storyhub.service
fi

if have lintian; then
	changes=$(ls "$debs"/*.changes | head -1)
	lintian "$changes" >lintian.out 2>&1
	sed 's/^/# lintian: /' lintian.out | grep -v 'running with root privileges'
	check "deb: lintian reports no errors" sh -c '! grep -q "^E:" lintian.out'
else
	t_skip "lintian: not installed"
fi

t_done
