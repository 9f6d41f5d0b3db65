#!/usr/bin/env bash
# Packages for winipc-net's namespace and Samba interop tests: iproute2 (ip netns, ss),
# samba (nmbd) and tshark; and for the `winipc netd` operator tests (crates/winipc-cli/tests/
# netd.rs): systemd (systemd-analyze verify of the unit; systemd need not run) and util-linux
# (unshare, mount: the fake journal in a private /run). Idempotent, and quick when everything is there. Root only (the
# tests that need these skip without root anyway).
set -euo pipefail
need=()
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v nmbd >/dev/null 2>&1 || need+=(samba)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
{ command -v unshare && command -v mount; } >/dev/null 2>&1 || need+=(util-linux mount)
if [ ${#need[@]} -eq 0 ]; then
    echo "winipc-net test deps: present"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "winipc-net test deps: missing ${need[*]}, not root: the tests that need them will skip"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
# Install without starting services: nmbd/smbd must not run in the host's namespace.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
fi
trap 'if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi' EXIT
echo "winipc-net test deps: installing ${need[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "winipc-net test deps: installed"
