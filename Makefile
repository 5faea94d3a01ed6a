# storykiosk — one plain Makefile. Every library is found with pkg-config.
#
#   make            build storykiosk and storyhub
#   make check      install missing dependencies, build, run every test
#                   (T=PATTERN: only the tests whose name contains it;
#                   JOBS=N: tests at once, two per CPU unless told)
#   make unit       only the unit tests; make e2e only the end-to-end ones
#   make check-deb  build the Debian packages and test them (lintian too)
#   make deb        the Debian packages, in build/deb-src/
#   make demo       install missing dependencies, build, start the kiosk on the
#                   default form with throw-away demo keys (in demo/)
#   make bench      benchmarks
#   make install    PREFIX=/usr/local DESTDIR=
#   SANITIZE=1      build with AddressSanitizer + UndefinedBehaviorSanitizer
#   ARCH=arm64      cross-build for the Raspberry Pi (64-bit) into build/arm64/
#                   (make, make check under qemu-user, make deb, make check-deb)

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
LIBEXECDIR ?= $(PREFIX)/lib/storykiosk

# ARCH=arm64: Debian's cross toolchain (gcc-aarch64-linux-gnu) and the arm64
# multiarch libraries, found by aarch64-linux-gnu-pkg-config; everything goes
# to build/arm64/. make check runs the arm64 test programs under qemu-user
# ($(EMU)) and tests/arm64/ instead of tests/e2e/. packaging/install-deps
# --arch arm64 installs all of it (make deps does when something is missing).
# Only ARCH=arm64 from the environment counts (an ARCH=x86_64 left there by
# other builds means nothing here).
ifeq ($(origin ARCH),environment)
ifneq ($(ARCH),arm64)
ARCH :=
endif
endif
ifeq ($(ARCH),arm64)
TRIPLET = aarch64-linux-gnu
ifeq ($(origin CC),default)
CC = $(TRIPLET)-gcc
endif
ifeq ($(origin AR),default)
AR = $(TRIPLET)-ar
endif
PKG_CONFIG ?= $(TRIPLET)-pkg-config
# No -L: the loader and libraries are the multiarch arm64 packages
# (/lib/ld-linux-aarch64.so.1, /usr/lib/aarch64-linux-gnu), the Debian
# packages a Pi runs; -L /usr/aarch64-linux-gnu would pair the cross
# toolchain's loader with them.
EMU     ?= qemu-aarch64
BUILD   ?= build/arm64
DEPS_ARCH = --arch arm64
CROSS_TOOLS = $(CC) $(AR) $(EMU)
ifeq ($(SANITIZE),1)
$(error ARCH=arm64 does not build with SANITIZE=1: the sanitizers are checked on the native build)
endif
ifneq ($(filter bench bench-progs,$(MAKECMDGOALS)),)
$(error make bench ARCH=arm64: timings under qemu-user are not Raspberry Pi figures, so none are taken; run make bench on the Pi itself)
endif
else ifneq ($(ARCH),)
$(error ARCH=$(ARCH) is not supported: ARCH=arm64 is the one cross build)
endif
CC      ?= cc
PKG_CONFIG ?= pkg-config

# The hub's PostgreSQL engine (sync/hub/hubstore-pg.c, libpq). WITH_PG=0
# builds storyhub without it (hubstore-nopg.c refuses postgresql:// stores);
# make ARCH=arm64 does, because Debian's libpq-dev cannot be installed for
# two architectures at once. A Raspberry Pi building natively has it.
WITH_PG ?= $(if $(ARCH),0,1)

# The layers (docs/architecture.md), lowest first. Each folder is one static
# library compiled with only its own pkg-config flags and the include paths of
# the folders it may use, so an arrow pointing up fails to compile;
# tests/layer-check also checks every #include against tests/layers.rules.
#
#   src/base    xmalloc err fail fsutil utf8 bytes storycode  libsodium
#   src/core    keys seal secret form answers payload store   SQLite libyaml jansson
#               kiosk textbuf
#   src/ui      the kiosk's screens and widgets, i18n          ncursesw (only here)
#               and the key filter (libkeyfilter, no curses)
#   sync/wire   bundle receipt pack httpsig token: what both ends read and verify
#   sync/kiosk  export, the push helper's spawner; push.c and  libcurl (helper only)
#               push-main.c are the storykiosk-push helper
#   sync/hub    the hub store, import, serve, hub export,      SQLite jansson libmicrohttpd
#               report (GSL only in report-stats.c)            GSL
#                                                              libpq (hubstore-pg.c only)
#   src/*.c and sync/hub/storyhub.c, hcmd-*.c are the programs.
PKGS_BASE  = libsodium
PKGS_CORE  = sqlite3 libsodium yaml-0.1 jansson
PKGS_UI    = ncursesw
PKGS_WIRE  = libsodium
PKGS_SYNCK = libsodium
PKGS_HELPER = libsodium libcurl
# libpq: its header (pkg-config --cflags) for hubstore-pg.c, which opens the
# library itself (dlopen) when a PostgreSQL store is used, so that SQLite
# commands do not load it and its Kerberos, LDAP and TLS libraries at start;
# nothing links -lpq. LIBS_DL: dlopen is in libdl before glibc 2.34.
PKGS_PG    = $(if $(filter 1,$(WITH_PG)),libpq)
LIBS_DL    = $(if $(filter 1,$(WITH_PG)),-ldl)
PKGS_HUBL  = sqlite3 libsodium jansson libmicrohttpd gsl $(PKGS_PG)
PKGS_HUBLINK = sqlite3 libsodium jansson libmicrohttpd gsl
PKGS_TEST  = $(PKGS_CORE) libcurl libmicrohttpd gsl cmocka
PKGS_ALL   = $(PKGS_CORE) ncursesw libcurl libmicrohttpd gsl cmocka $(PKGS_PG)
# pg_virtualenv: the PostgreSQL server the hub's pg-*.sh tests start (not
# for ARCH=arm64, whose storyhub has no PostgreSQL).
TOOLS_ALL  = tmux msgfmt $(if $(ARCH),,pg_virtualenv)

WARN    = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Werror
CFLAGS  ?= -O2 -g
CPPFLAGS += -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -DDATADIR='"$(DATADIR)/storykiosk"' -DLIBEXECDIR='"$(LIBEXECDIR)"'
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS)

ifeq ($(SANITIZE),1)
BUILD  ?= build/san
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
BUILD  ?= build/plain
endif
# glibc before 2.34 (Raspberry Pi OS Bullseye) keeps pthreads in libpthread.
LIBS_THREAD = -pthread

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

# Folder → sources, include paths (itself and what it may use), packages.
BASE_SRC   = $(wildcard src/base/*.c)
CORE_SRC   = $(wildcard src/core/*.c)
# The UI's curses-free part (the key filter) is its own library, which the
# unit tests and fuzz targets link without curses.
KEYF_SRC   = src/ui/keyfilter.c
UI_SRC     = $(filter-out $(KEYF_SRC), $(wildcard src/ui/*.c))
WIRE_SRC   = $(wildcard sync/wire/*.c)
HELPER_SRC = sync/kiosk/push.c sync/kiosk/push-main.c
SYNCK_SRC  = $(filter-out $(HELPER_SRC), $(wildcard sync/kiosk/*.c))
HPROG_SRC  = sync/hub/storyhub.c $(wildcard sync/hub/hcmd-*.c)
# One of the two PostgreSQL engines (WITH_PG above).
HUB_PG_UNUSED   = $(if $(filter 1,$(WITH_PG)),sync/hub/hubstore-nopg.c,sync/hub/hubstore-pg.c)
HUBL_SRC   = $(filter-out $(HPROG_SRC) $(HUB_PG_UNUSED), $(wildcard sync/hub/*.c))
KPROG_SRC  = $(wildcard src/*.c)
UNIT_SRC   = $(wildcard tests/unit/test-*.c)
TEST_HELPER_SRC = $(filter-out $(UNIT_SRC), $(wildcard tests/unit/*.c)) $(TEST_REF_SRC)
# Reference implementations the tests hold the product to (payread against
# a plain jansson reader): linked into unit tests and fuzz targets only.
TEST_REF_SRC = $(wildcard tests/ref/*.c)

INC_BASE   = -Isrc/base
INC_CORE   = -Isrc/core $(INC_BASE)
INC_UI     = -Isrc/ui $(INC_CORE)
INC_WIRE   = -Isync/wire $(INC_CORE)
INC_SYNCK  = -Isync/kiosk -Isync/wire $(INC_CORE)
INC_HUB    = -Isync/hub -Isync/wire $(INC_CORE)
INC_KPROG  = -Isrc -Isrc/ui -Isync/kiosk -Isync/wire $(INC_CORE)
INC_ALL    = -Isrc -Isrc/ui -Isync/kiosk -Isync/hub -Isync/wire $(INC_CORE)

BASE_LIB  = $(BUILD)/libbase.a
CORE_LIB  = $(BUILD)/libcore.a
UI_LIB    = $(BUILD)/libui.a
KEYF_LIB  = $(BUILD)/libkeyfilter.a
WIRE_LIB  = $(BUILD)/libwire.a
SYNCK_LIB = $(BUILD)/libsynckiosk.a
HUB_LIB   = $(BUILD)/libhub.a
# What the tests, benches and fuzz targets link (no curses).
SYNC_LIBS = $(KEYF_LIB) $(HUB_LIB) $(SYNCK_LIB) $(WIRE_LIB) $(CORE_LIB) $(BASE_LIB)
KIOSK    = $(BUILD)/storykiosk
HUB      = $(BUILD)/storyhub
PUSH     = $(BUILD)/storykiosk-push
UNIT_BIN = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

# Feature macros are ours (ncursesw's .pc adds its own _XOPEN_SOURCE).
pc_cflags = $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell $(PKG_CONFIG) --cflags $(1)))
pc_libs   = $(shell $(PKG_CONFIG) --libs $(1))

.PHONY: all check check-deb demo bench install uninstall clean deps unit e2e fuzz-replay _check _demo

# The links at the top are the native build's (an arm64 one would not run here).
TOP_LINKS = $(if $(ARCH),,storykiosk storyhub)
all: $(KIOSK) $(HUB) $(PUSH) $(TOP_LINKS)

# Convenience links at the top so people and tests can run ./storykiosk.
storykiosk storyhub: %: $(BUILD)/% FORCE
	@ln -sf $< $@

FORCE:

# One compile rule per folder: its include paths and its packages' flags.
compile = @mkdir -p $(dir $@); echo "  CC $<"; \
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(1) $(call pc_cflags,$(2)) -MMD -MP -c $< -o $@
$(BUILD)/src/base/%.o: src/base/%.c ; $(call compile,$(INC_BASE),$(PKGS_BASE))
$(BUILD)/src/core/%.o: src/core/%.c ; $(call compile,$(INC_CORE),$(PKGS_CORE))
$(BUILD)/src/ui/keyfilter.o: src/ui/keyfilter.c ; $(call compile,$(INC_UI),$(PKGS_BASE))
$(BUILD)/src/ui/%.o: src/ui/%.c ; $(call compile,$(INC_UI),$(PKGS_UI))
$(BUILD)/src/%.o: src/%.c ; $(call compile,$(INC_KPROG),$(PKGS_BASE) $(PKGS_UI))
$(BUILD)/sync/wire/%.o: sync/wire/%.c ; $(call compile,$(INC_WIRE),$(PKGS_WIRE))
$(BUILD)/sync/kiosk/push.o: sync/kiosk/push.c ; $(call compile,$(INC_SYNCK),$(PKGS_HELPER))
$(BUILD)/sync/kiosk/push-main.o: sync/kiosk/push-main.c ; $(call compile,$(INC_SYNCK),$(PKGS_HELPER))
$(BUILD)/sync/kiosk/%.o: sync/kiosk/%.c ; $(call compile,$(INC_SYNCK),$(PKGS_SYNCK))
$(BUILD)/sync/hub/%.o: sync/hub/%.c ; $(call compile,$(INC_HUB),$(PKGS_HUBL))
$(BUILD)/tests/%.o: tests/%.c ; $(call compile,$(INC_ALL) -Itests/ref,$(PKGS_ALL))
$(BUILD)/bench/%.o: bench/%.c ; $(call compile,$(INC_ALL),$(PKGS_ALL))

archive = @rm -f $@; echo "  AR $@"; $(AR) rcs $@ $^
$(BASE_LIB): $(call obj,$(BASE_SRC)) ; $(archive)
$(CORE_LIB): $(call obj,$(CORE_SRC)) ; $(archive)
$(UI_LIB): $(call obj,$(UI_SRC)) ; $(archive)
$(KEYF_LIB): $(call obj,$(KEYF_SRC)) ; $(archive)
$(WIRE_LIB): $(call obj,$(WIRE_SRC)) ; $(archive)
$(SYNCK_LIB): $(call obj,$(SYNCK_SRC)) ; $(archive)
$(HUB_LIB): $(call obj,$(HUBL_SRC)) ; $(archive)

link = @echo "  LD $@"; $(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@

# The kiosk: no libcurl, no libmicrohttpd.
$(KIOSK): $(call obj,$(KPROG_SRC)) $(UI_LIB) $(KEYF_LIB) $(SYNCK_LIB) $(WIRE_LIB) $(CORE_LIB) $(BASE_LIB)
	$(link) $^ $(call pc_libs,$(PKGS_CORE) $(PKGS_UI)) $(LIBS_THREAD) -lm

# The HTTP client lives in its own program so the kiosk never loads libcurl.
$(PUSH): $(call obj,$(HELPER_SRC)) $(SYNCK_LIB) $(WIRE_LIB) $(CORE_LIB) $(BASE_LIB)
	$(link) $^ $(call pc_libs,$(PKGS_CORE) libcurl) $(LIBS_THREAD) -lm

$(HUB): $(call obj,$(HPROG_SRC)) $(HUB_LIB) $(WIRE_LIB) $(CORE_LIB) $(BASE_LIB)
	$(link) $^ $(call pc_libs,$(PKGS_CORE) $(PKGS_HUBLINK)) $(LIBS_DL) $(LIBS_THREAD) -lm

# Programs the end-to-end tests run: a compromised kiosk for
# tests/e2e/hostile-rogue.sh (tests/faults/rogue-add.c), hub keys that are
# cheap to unlock (tests/tools/cheap-hubkey.c, lib.sh's t_hubkey), signed
# request headers for curl (tests/tools/sign-request.c, net.lib) and many
# stories at once for the hub's tests and benches (gen-bundles.c).
TEST_PROGS = $(BUILD)/tests/rogue-add $(BUILD)/tests/cheap-hubkey $(BUILD)/tests/sign-request \
    $(BUILD)/tests/gen-bundles
# The feedback pack vectors' generator (tests/vectors/gen-pack-vectors.c):
# deterministic, so tests/e2e/pack-vectors.sh checks the committed vectors
# are what it writes.
TEST_PROGS += $(BUILD)/tests/gen-pack-vectors
$(BUILD)/tests/gen-pack-vectors: $(BUILD)/tests/vectors/gen-pack-vectors.o $(WIRE_LIB) $(CORE_LIB) $(BASE_LIB)
	$(link) $^ $(call pc_libs,$(PKGS_CORE)) $(LIBS_THREAD) -lm
_check: $(TEST_PROGS)
$(BUILD)/tests/rogue-add: $(BUILD)/tests/faults/rogue-add.o $(SYNC_LIBS)
	$(link) $^ $(call pc_libs,$(PKGS_CORE)) $(LIBS_THREAD) -lm
$(BUILD)/tests/cheap-hubkey: $(BUILD)/tests/tools/cheap-hubkey.o $(CORE_LIB) $(BASE_LIB)
	$(link) $^ $(call pc_libs,$(PKGS_CORE)) $(LIBS_THREAD) -lm
$(BUILD)/tests/gen-bundles: $(BUILD)/tests/tools/gen-bundles.o $(WIRE_LIB) $(CORE_LIB) $(BASE_LIB)
	$(link) $^ $(call pc_libs,$(PKGS_CORE)) $(LIBS_THREAD) -lm
$(BUILD)/tests/sign-request: $(BUILD)/tests/tools/sign-request.o $(WIRE_LIB) $(CORE_LIB) $(BASE_LIB)
	$(link) $^ $(call pc_libs,$(PKGS_CORE)) $(LIBS_THREAD) -lm

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(call obj,$(TEST_HELPER_SRC) sync/kiosk/push.c) $(SYNC_LIBS)
	$(link) $^ $(call pc_libs,$(PKGS_TEST)) $(LIBS_DL) $(LIBS_THREAD) -lm

# Install what is missing (nothing when pkg-config and the tools find it all).
deps:
	@$(PKG_CONFIG) --exists $(PKGS_ALL) 2>/dev/null && \
	    for t in $(TOOLS_ALL) $(CROSS_TOOLS); do command -v $$t >/dev/null || exit 1; done || \
	    packaging/install-deps $(DEPS_ARCH)

# A cross build installs its toolchain first, whatever the target (make,
# make deb ...): every object waits for deps.
ifneq ($(ARCH),)
$(call obj,$(wildcard src/*.c src/*/*.c sync/*/*.c tests/*/*.c bench/*.c)): | deps
endif

check: deps
	@$(MAKE) --no-print-directory _check

# make check T=PATTERN runs the tests whose name contains PATTERN; make unit
# and make e2e run one kind; JOBS=N runs N tests at once (two per CPU unless
# told; a test marked "# test: serial" runs alone).
_check: all $(UNIT_BIN)
	@BUILD=$(BUILD) ARCH='$(ARCH)' EMU='$(EMU)' T='$(T)' ONLY='$(ONLY)' JOBS='$(JOBS)' \
	    tests/run-all $(UNIT_BIN)

unit: deps
	@$(MAKE) --no-print-directory _check ONLY=unit

e2e: deps
	@$(MAKE) --no-print-directory _check ONLY=e2e

# The Debian packages and lintian (tests/packaging/), out of make check
# because they rebuild the whole tree; CI runs them.
check-deb: deps
	@packaging/install-deps --deb $(DEPS_ARCH)
	@$(MAKE) --no-print-directory _check ONLY=deb

demo: deps
	@$(MAKE) --no-print-directory _demo

# The welcome screen shows the demo's PIN (run --demo-pin checks it is the
# kiosk's); after Quit, demo-setup --next says what to do with the stories.
DEMO_PIN = 1234
_demo: all
	@DEMO_PIN=$(DEMO_PIN) tests/demo-setup demo
	./storykiosk run --data demo/kiosk --form forms/partnership.yaml --demo-pin $(DEMO_PIN)
	@tests/demo-setup --next demo

bench: all
	@bench/run-all

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/storykiosk/forms
	install -m 755 $(KIOSK) $(HUB) $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 755 $(PUSH) $(DESTDIR)$(LIBEXECDIR)/
	install -m 644 forms/*.yaml $(DESTDIR)$(DATADIR)/storykiosk/forms/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/storykiosk $(DESTDIR)$(BINDIR)/storyhub
	rm -rf $(DESTDIR)$(LIBEXECDIR)
	rm -rf $(DESTDIR)$(DATADIR)/storykiosk

clean:
	rm -rf build storykiosk storyhub

-include $(shell find build -name '*.d' 2>/dev/null)

# --- translations (kiosk UI) ---
# The kiosk's own strings (English msgids) in po/LANG.po, compiled into
# $(BUILD)/locale/LANG/LC_MESSAGES/storykiosk.mo, next to the binary, where
# the kiosk finds them in the build tree; installed under DATADIR.
PO_LANGS = $(patsubst po/%.po,%,$(wildcard po/*.po))
MO_FILES = $(patsubst %,$(BUILD)/locale/%/LC_MESSAGES/storykiosk.mo,$(PO_LANGS))

.PHONY: mo install-mo
all: mo
mo: $(MO_FILES)

$(BUILD)/locale/%/LC_MESSAGES/storykiosk.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

install: install-mo
install-mo: mo
	for l in $(PO_LANGS); do \
	    install -d $(DESTDIR)$(DATADIR)/storykiosk/locale/$$l/LC_MESSAGES && \
	    install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/storykiosk.mo \
	        $(DESTDIR)$(DATADIR)/storykiosk/locale/$$l/LC_MESSAGES/ || exit 1; \
	done

# --- packaging and man pages ---
# Man pages are kept in scdoc format (docs/man/NAME.SECTION.scd) and built into
# build/man/NAME.SECTION. `make deb` builds the storykiosk and storyhub Debian
# packages into build/deb-src/ from a copy of the tree whose debian/ is
# packaging/debian (so no debian/ appears at the top of the repository).
MANDIR  ?= $(DATADIR)/man
MAN_SRC  = $(wildcard docs/man/*.scd)
MAN_OUT  = $(patsubst docs/man/%.scd,build/man/%,$(MAN_SRC))
DEB_TOP  = $(if $(ARCH),$(BUILD)/deb-src,build/deb-src)
# dpkg-buildpackage -a arm64 cross-builds with the toolchain debian/rules
# takes from dpkg (DEB_HOST_GNU_TYPE).
# A cross-built package has no PostgreSQL (WITH_PG above): the build
# profile pkg.storykiosk.nopg drops libpq-dev from its build dependencies.
DEB_ARCH = $(if $(ARCH),-a $(ARCH) --build-profiles=pkg.storykiosk.nopg)
DEB_SRC  = $(DEB_TOP)/storykiosk
TOOLS_ALL += scdoc

.PHONY: man install-man install-extra uninstall-extra deb
all: man
man: $(MAN_OUT)

build/man/%: docs/man/%.scd
	@mkdir -p build/man
	scdoc <$< >$@.tmp && mv $@.tmp $@

install: install-extra
install-extra: install-man
install-man: man
	for f in $(MAN_OUT); do \
	    s=$${f##*.}; \
	    install -d $(DESTDIR)$(MANDIR)/man$$s && \
	    install -m 644 $$f $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done

uninstall: uninstall-extra
uninstall-extra:
	for f in $(notdir $(MAN_OUT)); do \
	    rm -f $(DESTDIR)$(MANDIR)/man$${f##*.}/$$f; \
	done

deb:
	@packaging/install-deps --deb $(DEPS_ARCH)
	rm -rf $(DEB_TOP)
	mkdir -p $(DEB_SRC)
	tar -cf - --exclude=./build --exclude=./.git --exclude=./demo \
	    --exclude=./debian --exclude=./storykiosk --exclude=./storyhub . | \
	    tar -C $(DEB_SRC) -xf -
	cp -R packaging/debian $(DEB_SRC)/debian
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b $(DEB_ARCH)
	@ls $(DEB_TOP)/*.deb

# Keep objects of test programs between runs.
.SECONDARY:

# --- benchmarks ---
# Bench programs (bench/*.c) link the core and sync libraries like the unit
# tests; bench-import needs no curses, bare-curses is the kiosk's baseline
# (ncursesw + sodium + SQLite, nothing else). bench/run-all gets BUILD.
BENCH_SRC  = $(wildcard bench/*.c)
BENCH_BIN  = $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

.PHONY: bench-progs
# bench/net-push.sh signs uploads with the tests' sign-request.
bench-progs: $(BENCH_BIN) $(BUILD)/tests/sign-request
bench: bench-progs
bench: export BUILD := $(BUILD)

$(BUILD)/bench/bare-curses: $(BUILD)/bench/bare-curses.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(call pc_libs,ncursesw sqlite3 libsodium)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(SYNC_LIBS)
	$(link) $^ $(call pc_libs,$(PKGS_CORE) $(PKGS_HUBLINK)) $(LIBS_DL) $(LIBS_THREAD) -lm

# --- fault injection and fuzzing ---
# Fuzz targets (tests/fuzz/fuzz-*.c) have saved corpora in
# tests/fuzz/corpus/TARGET/ that make check replays through
# $(BUILD)/tests/fuzz-replay-TARGET (tests/fuzz/replay.c; the bundle corpus is
# replayed by tests/unit/test-bundle-corpus.c). `make fuzz` builds every target
# with clang and libFuzzer in build/fuzz/ and runs each for FUZZ_SECONDS; new
# inputs go to build/fuzz/corpus/TARGET/, crashes to build/fuzz/crash-TARGET-*.
# `make check-long` runs the kill -9 durability test for 1000 cycles.
# The I/O fault shim (tests/faults/failwrite.c) is built by its test script.
FUZZ_TARGETS    = bundle receipt keys form answers textbuf payload keyfilter pack packnote ftsquery \
    httpsig
FUZZ_REPLAY     = receipt keys form answers textbuf payload keyfilter pack packnote ftsquery \
    httpsig
FUZZ_REPLAY_BIN = $(patsubst %,$(BUILD)/tests/fuzz-replay-%,$(FUZZ_REPLAY))
FUZZ_SECONDS   ?= 60
FUZZ_CC        ?= clang
FUZZ_BUILD      = build/fuzz
FUZZ_FLAGS      = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
UNIT_BIN       += $(FUZZ_REPLAY_BIN)

.PHONY: fuzz fuzz-build check-long
_check: $(FUZZ_REPLAY_BIN)

$(FUZZ_REPLAY_BIN): $(BUILD)/tests/fuzz-replay-%: $(BUILD)/tests/fuzz/fuzz-%.o tests/fuzz/replay.c $(call obj,$(TEST_REF_SRC)) $(SYNC_LIBS)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(INC_ALL) $(call pc_cflags,$(PKGS_CORE)) $(LDFLAGS) \
	    -DFUZZ_TARGET='"$*"' -o $@ tests/fuzz/replay.c $< $(call obj,$(TEST_REF_SRC)) \
	    $(SYNC_LIBS) $(call pc_libs,$(PKGS_CORE)) $(LIBS_THREAD) -lm

# Replay every saved corpus (make check does this too).
fuzz-replay: $(FUZZ_REPLAY_BIN) $(BUILD)/tests/test-bundle-corpus
	@for b in $^; do TOP=$(CURDIR) $$b || exit 1; done

check-long: deps
	@DUR_CYCLES=1000 DUR_IMPORT_CYCLES=100 $(MAKE) --no-print-directory _check

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) SANITIZE= CC=$(FUZZ_CC) \
	    CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" \
	    $(patsubst $(BUILD)/%,$(FUZZ_BUILD)/%,$(SYNC_LIBS))
	@for t in $(FUZZ_TARGETS); do \
	    echo "  FUZZ $(FUZZ_BUILD)/fuzz-$$t"; \
	    $(FUZZ_CC) $(CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -fsanitize=fuzzer $(INC_ALL) -Itests/ref \
	        $(call pc_cflags,$(PKGS_CORE)) -o $(FUZZ_BUILD)/fuzz-$$t tests/fuzz/fuzz-$$t.c $(TEST_REF_SRC) \
	        $(patsubst $(BUILD)/%,$(FUZZ_BUILD)/%,$(SYNC_LIBS)) $(call pc_libs,$(PKGS_CORE)) \
	        $(LIBS_THREAD) -lm \
	        || exit 1; \
	done

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	    echo "== fuzz-$$t for $(FUZZ_SECONDS) s"; \
	    TOP=$(CURDIR) $(FUZZ_BUILD)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) \
	        -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/crash-$$t- \
	        $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t \
	        >$(FUZZ_BUILD)/fuzz-$$t.log 2>&1; rc=$$?; \
	    grep -E '^stat::(number_of_executed_units|new_units_added):' $(FUZZ_BUILD)/fuzz-$$t.log; \
	    if [ $$rc -ne 0 ]; then echo "fuzz-$$t FOUND A PROBLEM: $(FUZZ_BUILD)/fuzz-$$t.log"; \
	        grep -m3 -E 'ERROR|runtime error|Test unit written' $(FUZZ_BUILD)/fuzz-$$t.log; fail=1; fi; \
	done; exit $${fail:-0}

# --- formatting ---
# .clang-format holds the style; format-check fails on any file it would
# change (CI runs it), format rewrites them.
FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
.PHONY: format format-check
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "format-check: $(words $(FORMAT_SRC)) files follow .clang-format"
