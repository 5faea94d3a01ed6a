#!/bin/sh
# packaging/install-deps --arch arm64 (make ARCH=arm64 calls it when something
# is missing), with dpkg, dpkg-query, apt-get, sudo and id replaced on PATH by
# stand-ins that record what they are asked (nothing is installed): it adds
# the arm64 architecture only when dpkg lacks it, runs apt-get update once
# and installs the cross toolchain, qemu-user and the :arm64 -dev packages,
# through sudo when not root, and does nothing when everything is present.
. "$TOP/tests/e2e/lib.sh"
cd "$T_DIR" || exit 1
FAKE=$T_DIR/fake
export FAKE
mkdir -p bin "$FAKE"
: >"$FAKE/installed"

cat >bin/dpkg-query <<'EOF'
#!/bin/sh
# dpkg-query -W -f='${Status} ${Architecture}\n' PACKAGE[:ARCH]: a line per
# instance listed in $FAKE/installed ("NAME" is amd64's, "NAME:ARCH" another's).
for p; do :; done
name=${p%%:*}
found=1
while read -r line; do
	case $line in
	"$name") arch=amd64 ;;
	"$name":*) arch=${line#*:} ;;
	*) continue ;;
	esac
	case $p in *:*) [ "${p#*:}" = "$arch" ] || continue ;; esac
	printf 'install ok installed %s\n' "$arch"
	found=0
done <"$FAKE/installed"
exit $found
EOF
cat >bin/dpkg <<'EOF'
#!/bin/sh
case $1 in
--print-architecture) echo amd64 ;;
--print-foreign-architectures) cat "$FAKE/foreign" 2>/dev/null ;;
--add-architecture) echo "dpkg --add-architecture $2" >>"$FAKE/calls"; echo "$2" >>"$FAKE/foreign" ;;
*) exit 1 ;;
esac
EOF
cat >bin/apt-get <<'EOF'
#!/bin/sh
echo "apt-get $*" >>"$FAKE/calls"
EOF
cat >bin/sudo <<'EOF'
#!/bin/sh
echo "sudo $*" >>"$FAKE/sudo"
exec "$@"
EOF
cat >bin/id <<'EOF'
#!/bin/sh
[ "$1" = -u ] && { echo "${FAKE_UID:-0}"; exit 0; }
exec /usr/bin/id "$@"
EOF
chmod 755 bin/*

# deps ARGS...: run install-deps with the stand-ins, from a clean record.
deps() {
	rm -f "$FAKE/calls" "$FAKE/sudo"
	PATH="$T_DIR/bin:$PATH" "$TOP/packaging/install-deps" "$@"
}
calls() { cat "$FAKE/calls" 2>/dev/null; }
install_line() { calls | grep '^apt-get install'; }
n_updates() { calls | grep -c '^apt-get update'; }

# --- nothing present, arm64 unknown to dpkg --------------------------------
check_ok "install-deps --arch arm64 on a bare machine" deps --arch arm64
check "it adds the arm64 architecture" sh -c 'grep -qx "dpkg --add-architecture arm64" "$FAKE/calls"'
check "... before apt-get update, which runs once" sh -c \
    'test "$(head -1 "$FAKE/calls")" = "dpkg --add-architecture arm64" &&
     test "$(sed -n 2p "$FAKE/calls")" = "apt-get update" &&
     test "$(grep -c "^apt-get update" "$FAKE/calls")" -eq 1'
for p in crossbuild-essential-arm64 gcc-aarch64-linux-gnu qemu-user pkgconf:arm64 \
    libncurses-dev:arm64 libsqlite3-dev:arm64 libsodium-dev:arm64 libyaml-dev:arm64 \
    libjansson-dev:arm64 libcurl4-openssl-dev:arm64 libmicrohttpd-dev:arm64 \
    libcmocka-dev:arm64 libncurses-dev tmux; do
	check "it installs $p" sh -c 'install_line() { grep "^apt-get install" "$FAKE/calls"; };
	    install_line | tr " " "\n" | grep -qxF -- "$1"' sh "$p"
done
check "no sudo as root" test ! -e "$FAKE/sudo"
# What it asked for, as the installed list of the runs below.
install_line | tr ' ' '\n' | grep -v -e '^apt-get$' -e '^install$' -e '^-' >wanted

# --- arm64 known already ---------------------------------------------------
check_ok "install-deps --arch arm64 when dpkg knows arm64" deps --arch arm64
check "... adds no architecture" sh -c '! grep -q add-architecture "$FAKE/calls"'
check "... installs what is missing" sh -c 'grep -q "^apt-get install.* libsodium-dev:arm64" "$FAKE/calls"'

# --- not root: sudo --------------------------------------------------------
rm -f "$FAKE/foreign"
check_ok "install-deps --arch arm64 as a user" env FAKE_UID=1000 sh -c \
    'PATH="$1/bin:$PATH" "$2/packaging/install-deps" --arch arm64' sh "$T_DIR" "$TOP"
check "... through sudo: add-architecture, update, install" sh -c \
    'grep -q "^sudo dpkg --add-architecture arm64" "$FAKE/sudo" &&
     grep -q "^sudo apt-get update" "$FAKE/sudo" &&
     grep -q "^sudo apt-get install.*qemu-user" "$FAKE/sudo"'

# --- everything present: nothing to do ------------------------------------
cp wanted "$FAKE/installed"
check_ok "install-deps --arch arm64 with everything present" deps --arch arm64
check "... says so" grep -q 'all dependencies are present' "$T_DIR/out"
check "... and runs neither apt-get nor dpkg --add-architecture" test ! -s "$FAKE/calls"

# --- libgsl-dev is not Multi-Arch: the arm64 one replaces the native one --
check "--arch arm64 never asks for the native libgsl-dev" sh -c '! grep -qx libgsl-dev wanted'
{ cat wanted; echo libgsl-dev:arm64; } >"$FAKE/installed"
check_ok "install-deps (native) when only libgsl-dev:arm64 is installed" deps
check "... installs the native libgsl-dev again" sh -c \
    'grep "^apt-get install" "$FAKE/calls" | tr " " "\n" | grep -qx libgsl-dev'

# --- the native list is unchanged: no arm64 without --arch ---------------
: >"$FAKE/installed"
check_ok "install-deps without --arch" deps
check "... asks for no arm64 package and adds no architecture" sh -c \
    '! grep -q -e ":arm64" -e aarch64 -e qemu -e add-architecture "$FAKE/calls"'
check_ok "install-deps --deb --arch arm64" deps --deb --arch arm64
check "... asks for the Debian build tools and the arm64 ones together" sh -c \
    'grep -q "^apt-get install.* lintian.* crossbuild-essential-arm64" "$FAKE/calls"'

# --- bad arguments ---------------------------------------------------------
bad_arch() {
	deps "$@" >"$T_DIR/out" 2>&1
	rc=$?
	[ "$rc" -eq 2 ] && grep -q '^install-deps: ' "$T_DIR/out" && [ ! -s "$FAKE/calls" ]
}
check "--arch armhf is refused by name, nothing installed" bad_arch --arch armhf
check "... naming arm64 as the supported one" grep -q 'arm64' "$T_DIR/out"
check "--arch without an architecture is refused" bad_arch --arch
t_done
