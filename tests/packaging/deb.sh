# The Debian packages (`make check-deb`, which installs the Debian build tools
# first): make deb builds storykiosk and storyhub, and their contents, control
# fields, maintainer scripts, the packaged programs and lintian are checked.
# Kept out of `make check` (it rebuilds everything in a copy of the tree);
# CI runs it. `make check-deb ARCH=arm64` checks the arm64 packages (make deb
# ARCH=arm64, in $BUILD/deb-src): their architecture, that the programs in
# them are arm64 ELF, and runs the packaged programs under $EMU (qemu-aarch64).
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
MAKE=${MAKE:-make}
mkdir -p units

have() {
	command -v "$1" >/dev/null 2>&1
}

# --- the Debian packages ---------------------------------------------------
if ! have dpkg-buildpackage || ! have dh || ! have dpkg-deb; then
	notok "the Debian build tools are installed (make check-deb runs packaging/install-deps --deb)"
	t_done
	exit
fi
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-nocheck parallel=$(nproc 2>/dev/null || echo 2)}"
check_ok "make deb${ARCH:+ ARCH=$ARCH}" $MAKE -s --no-print-directory -C "$TOP" deb ${ARCH:+ARCH=$ARCH}
debs="$TOP/build/deb-src"
[ -n "${ARCH:-}" ] && debs="$TOP/$BUILD/deb-src"
kdeb=$(ls "$debs"/storykiosk_*.deb 2>/dev/null | head -1)
hdeb=$(ls "$debs"/storyhub_*.deb 2>/dev/null | head -1)
check "deb: storykiosk and storyhub packages exist" test -f "$kdeb" -a -f "$hdeb"
[ -f "$kdeb" ] && [ -f "$hdeb" ] || { t_done; exit; }
check "deb: make deb leaves no debian/ at the top" test ! -e "$TOP/debian"
want_arch=${ARCH:-$(dpkg --print-architecture)}
check "deb: storykiosk is built for $want_arch" test "$(dpkg-deb -f "$kdeb" Architecture)" = "$want_arch"
check "deb: storyhub is built for $want_arch" test "$(dpkg-deb -f "$hdeb" Architecture)" = "$want_arch"

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
check "deb: storykiosk holds the push helper" grep -qx /usr/lib/storykiosk/storykiosk-push kiosk.list
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
# The programs are for the package's machine: the ELF machine of /bin/sh
# here, AArch64 for ARCH=arm64 (run under $EMU, qemu-aarch64).
pkroot="$T_DIR/pkroot"
dpkg-deb -x "$kdeb" "$pkroot" && dpkg-deb -x "$hdeb" "$pkroot"
elf_machine() { readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p'; }
case "${ARCH:-}" in
arm64) want_machine=AArch64 ;;
*) want_machine=$(elf_machine /bin/sh) ;;
esac
for p in /usr/bin/storykiosk /usr/bin/storyhub /usr/lib/storykiosk/storykiosk-push; do
	check "deb: $p is built for $want_machine" \
	    test "$(elf_machine "$pkroot$p")" = "$want_machine"
done
check_ok "deb: the packaged storykiosk runs${EMU:+ under $EMU}" ${EMU:-} "$pkroot/usr/bin/storykiosk" --help
check "... and prints its usage" grep -q '^usage: storykiosk' "$T_DIR/out"
check_ok "deb: the packaged storyhub runs${EMU:+ under $EMU}" ${EMU:-} "$pkroot/usr/bin/storyhub" --help
check "... and prints its usage" grep -q '^usage: storyhub' "$T_DIR/out"
check_ok "deb: the packaged form passes the packaged check-form" \
    ${EMU:-} "$pkroot/usr/bin/storykiosk" check-form "$pkroot/usr/share/storykiosk/forms/partnership.yaml"
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
	notok "lintian is installed (make check-deb installs it)"
fi

t_done
