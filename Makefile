# winipc: build, install and package (see docs/porting.md and docs/decisions/0007-*.md).
#
#   make                                   # cargo build --release: library and CLI
#   make install [PREFIX=/usr/local] [DESTDIR=]
#   make uninstall [PREFIX=…] [DESTDIR=]
#   make deb                               # target/debian/*.deb: libwinipc0, libwinipc-dev, winipc
#
# `make install` installs
#   $(LIBDIR)/libwinipc.so.$(VERSION), libwinipc.so.0 and libwinipc.so (links), libwinipc.a
#   $(INCLUDEDIR)/winipc/*.h                 every header of include/ (windows.h, Windows.h, …)
#   $(LIBDIR)/pkgconfig/winipc.pc            pkg-config --cflags --libs winipc
#   $(LIBDIR)/cmake/winipc/                  find_package(winipc CONFIG) -> winipc::winipc
#   $(BINDIR)/winipc, its man pages (winipc.1, winipc-CMD.1), bash/zsh/fish completions, the
#   netd systemd unit, the docs
#
# Variables: PREFIX BINDIR LIBDIR INCLUDEDIR DATADIR MANDIR DOCDIR ZSHCOMPDIR SYSTEMDUNITDIR DESTDIR;
# CARGO, CARGO_FLAGS, PROFILE (cargo profile, default release), CARGO_TARGET_DIR;
# NO_BUILD=1 installs what was already built without running cargo (e.g. `make` as a user,
# then `sudo make install NO_BUILD=1`).

VERSION   := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)
ABI_MAJOR := 0

PREFIX         ?= /usr/local
BINDIR         ?= $(PREFIX)/bin
LIBDIR         ?= $(PREFIX)/lib
INCLUDEDIR     ?= $(PREFIX)/include
DATADIR        ?= $(PREFIX)/share
MANDIR         ?= $(DATADIR)/man
DOCDIR         ?= $(DATADIR)/doc/winipc
ZSHCOMPDIR     ?= $(DATADIR)/zsh/site-functions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR        ?=

CARGO            ?= cargo
CARGO_FLAGS      ?=
PROFILE          ?= release
CARGO_TARGET_DIR ?= $(CURDIR)/target
OUT := $(CARGO_TARGET_DIR)/$(if $(filter dev test,$(PROFILE)),debug,$(PROFILE))

# What a program linked statically with libwinipc.a also needs (rustc --print native-static-libs).
STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

HEADERS := $(notdir $(wildcard include/*.h))
DOCS    := README.md $(wildcard docs/*.md)
D       := $(DESTDIR)

# The CMake package finds the prefix relative to its own directory (relocatable install).
rel = $(shell realpath -m --relative-to='$(1)' '$(2)')

.PHONY: all build install uninstall deb clean-deb

all: build

build:
	CARGO_TARGET_DIR='$(CARGO_TARGET_DIR)' $(CARGO) build $(CARGO_FLAGS) --profile $(PROFILE) \
	  -p winipc-ffi -p winipc-cli

install: $(if $(NO_BUILD),,build)
	@test -n '$(VERSION)' || { echo 'make: cannot read the version from Cargo.toml' >&2; exit 1; }
	@test -f '$(OUT)/libwinipc.so' || { echo "make: $(OUT)/libwinipc.so missing: run make first" >&2; exit 1; }
	install -d '$(D)$(LIBDIR)/pkgconfig' '$(D)$(LIBDIR)/cmake/winipc' '$(D)$(INCLUDEDIR)/winipc' \
	  '$(D)$(BINDIR)' '$(D)$(MANDIR)/man1' '$(D)$(DOCDIR)' '$(D)$(SYSTEMDUNITDIR)' \
	  '$(D)$(DATADIR)/bash-completion/completions' '$(D)$(ZSHCOMPDIR)' \
	  '$(D)$(DATADIR)/fish/vendor_completions.d'
	install -m 644 '$(OUT)/libwinipc.so' '$(D)$(LIBDIR)/libwinipc.so.$(VERSION)'
	ln -sfn 'libwinipc.so.$(VERSION)' '$(D)$(LIBDIR)/libwinipc.so.$(ABI_MAJOR)'
	ln -sfn 'libwinipc.so.$(ABI_MAJOR)' '$(D)$(LIBDIR)/libwinipc.so'
	install -m 644 '$(OUT)/libwinipc.a' '$(D)$(LIBDIR)/libwinipc.a'
	install -m 644 $(addprefix include/,$(HEADERS)) '$(D)$(INCLUDEDIR)/winipc/'
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	  -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
	  -e 's|@VERSION@|$(VERSION)|' -e 's|@STATIC_LIBS@|$(STATIC_LIBS)|' \
	  packaging/winipc.pc.in > '$(D)$(LIBDIR)/pkgconfig/winipc.pc'
	for f in winipc-config winipc-config-version; do \
	  sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@ABI_MAJOR@|$(ABI_MAJOR)|g' \
	    -e 's|@CMAKE_TO_PREFIX@|$(call rel,$(LIBDIR)/cmake/winipc,$(PREFIX))|' \
	    -e 's|@PREFIX_TO_LIBDIR@|$(call rel,$(PREFIX),$(LIBDIR))|' \
	    -e 's|@PREFIX_TO_INCLUDEDIR@|$(call rel,$(PREFIX),$(INCLUDEDIR))|' \
	    packaging/cmake/$$f.cmake.in > '$(D)$(LIBDIR)/cmake/winipc/'$$f.cmake || exit 1; \
	done
	install -m 755 '$(OUT)/winipc' '$(D)$(BINDIR)/winipc'
	install -m 644 docs/winipc.1 '$(D)$(MANDIR)/man1/winipc.1'
	for c in $$('$(OUT)/winipc' --help | sed -n '/^Commands:/,/^$$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'); do \
	  [ "$$c" = help ] || '$(OUT)/winipc' man "$$c" > '$(D)$(MANDIR)/man1/winipc-'"$$c"'.1' || exit 1; \
	done
	'$(OUT)/winipc' completions bash > '$(D)$(DATADIR)/bash-completion/completions/winipc'
	'$(OUT)/winipc' completions zsh > '$(D)$(ZSHCOMPDIR)/_winipc'
	'$(OUT)/winipc' completions fish > '$(D)$(DATADIR)/fish/vendor_completions.d/winipc.fish'
	sed -e 's|/usr/bin/winipc|$(BINDIR)/winipc|g' -e 's|/usr/share/doc/winipc|$(DOCDIR)|g' \
	  packaging/winipc-netd.service > '$(D)$(SYSTEMDUNITDIR)/winipc-netd.service'
	install -m 644 $(DOCS) '$(D)$(DOCDIR)/'

uninstall:
	rm -f '$(D)$(LIBDIR)/libwinipc.so.$(VERSION)' '$(D)$(LIBDIR)/libwinipc.so.$(ABI_MAJOR)' \
	  '$(D)$(LIBDIR)/libwinipc.so' '$(D)$(LIBDIR)/libwinipc.a' '$(D)$(LIBDIR)/pkgconfig/winipc.pc' \
	  '$(D)$(LIBDIR)/cmake/winipc/winipc-config.cmake' \
	  '$(D)$(LIBDIR)/cmake/winipc/winipc-config-version.cmake' \
	  $(foreach h,$(HEADERS),'$(D)$(INCLUDEDIR)/winipc/$(h)') \
	  '$(D)$(BINDIR)/winipc' '$(D)$(MANDIR)/man1/winipc.1' '$(D)$(MANDIR)/man1/winipc-'*.1 \
	  '$(D)$(DATADIR)/bash-completion/completions/winipc' \
	  '$(D)$(ZSHCOMPDIR)/_winipc' \
	  '$(D)$(DATADIR)/fish/vendor_completions.d/winipc.fish' \
	  '$(D)$(SYSTEMDUNITDIR)/winipc-netd.service' \
	  $(foreach f,$(notdir $(DOCS)),'$(D)$(DOCDIR)/$(f)')
	-rmdir '$(D)$(INCLUDEDIR)/winipc' '$(D)$(LIBDIR)/cmake/winipc' '$(D)$(DOCDIR)' 2>/dev/null

# Debian packages, built by cargo-deb (cargo install --locked cargo-deb) from the tree that
# `make install` stages with Debian's paths. The package definitions are the
# [package.metadata.deb] tables of crates/winipc-ffi (libwinipc0, and the variant `dev`:
# libwinipc-dev) and crates/winipc-cli (winipc).
DEB_MULTIARCH := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
DEB_STAGE     := $(OUT)/deb-stage
DEB_ARCH      := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)

deb:
	rm -rf '$(DEB_STAGE)'
	$(MAKE) install NO_BUILD=$(NO_BUILD) DESTDIR='$(DEB_STAGE)' PREFIX=/usr \
	  LIBDIR=/usr/lib/$(DEB_MULTIARCH) SYSTEMDUNITDIR=/lib/systemd/system \
	  ZSHCOMPDIR=/usr/share/zsh/vendor-completions
	ln -sfn 'usr/lib/$(DEB_MULTIARCH)' '$(DEB_STAGE)/multiarch-lib'
	gzip -9n '$(DEB_STAGE)/usr/share/man/man1/'winipc*.1
	strip --remove-section=.comment --remove-section=.note --strip-unneeded \
	  '$(DEB_STAGE)/usr/lib/$(DEB_MULTIARCH)/libwinipc.so.$(VERSION)'
	CARGO_TARGET_DIR='$(CARGO_TARGET_DIR)' $(CARGO) deb --no-build --strip $(DEB_FLAGS) --profile $(PROFILE) -p winipc-ffi --variant lib \
	  --multiarch=same --deb-version '$(VERSION)-1'
	@# cargo-deb writes no shlibs file (lintian: no-shlibs) and finds no dependencies of a
	@# library it did not build itself: add both to the unpacked package (dpkg-shlibdeps).
	rm -rf '$(DEB_STAGE)/libwinipc0' '$(DEB_STAGE)/debian'
	dpkg-deb -R '$(CARGO_TARGET_DIR)/debian/libwinipc0_$(VERSION)-1_$(DEB_ARCH).deb' '$(DEB_STAGE)/libwinipc0'
	echo 'libwinipc $(ABI_MAJOR) libwinipc0 (>= $(VERSION))' > '$(DEB_STAGE)/libwinipc0/DEBIAN/shlibs'
	mkdir -p '$(DEB_STAGE)/debian'
	printf 'Source: winipc\n\nPackage: libwinipc0\nArchitecture: any\n' > '$(DEB_STAGE)/debian/control'
	cd '$(DEB_STAGE)' && deps=$$(dpkg-shlibdeps -O 'libwinipc0/usr/lib/$(DEB_MULTIARCH)/libwinipc.so.$(VERSION)' \
	  | sed -n 's/^shlibs:Depends=//p') && test -n "$$deps" \
	  && sed -i "s/^Depends:.*/Depends: $$deps/" libwinipc0/DEBIAN/control
	dpkg-deb --root-owner-group -b '$(DEB_STAGE)/libwinipc0' '$(CARGO_TARGET_DIR)/debian/libwinipc0_$(VERSION)-1_$(DEB_ARCH).deb'
	CARGO_TARGET_DIR='$(CARGO_TARGET_DIR)' $(CARGO) deb --no-build --strip $(DEB_FLAGS) --profile $(PROFILE) -p winipc-ffi --variant dev \
	  --multiarch=same --deb-version '$(VERSION)-1'
	CARGO_TARGET_DIR='$(CARGO_TARGET_DIR)' $(CARGO) deb --no-build --strip $(DEB_FLAGS) --profile $(PROFILE) -p winipc-cli \
	  --deb-version '$(VERSION)-1'

clean-deb:
	rm -rf '$(DEB_STAGE)' '$(CARGO_TARGET_DIR)/debian'
