#!/usr/bin/env bash
# Installs the Debian packages the interop and system tests use (idempotent; quick when done).
# Without root it only reports what is missing: those tests then skip with a printed reason.
set -euo pipefail
pkgs=(clang iproute2 tmux samba tshark valgrind
      cmake pkg-config make binutils dpkg-dev lintian)   # packaging tests (crates/winipc-ffi/tests/install.rs)
# cargo-deb builds the .deb packages (`make deb`); ~1 min to compile once (decision 0007).
CARGO_DEB_VERSION=3.8.0
if ! cargo deb --version 2>/dev/null | grep -qx "cargo-deb $CARGO_DEB_VERSION"; then
  cargo install --locked --quiet cargo-deb --version "$CARGO_DEB_VERSION"
  echo "install-deps: installed cargo-deb $CARGO_DEB_VERSION"
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all present (${pkgs[*]})"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing ${missing[*]} (not root: the tests that need them will skip)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: installed ${missing[*]}"
