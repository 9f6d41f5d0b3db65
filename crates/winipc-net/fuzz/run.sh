#!/usr/bin/env bash
# Runs one fuzz target for a number of seconds: run.sh TARGET SECONDS
# (TARGET: datagram_path or proto). Fails if the target crashes.
#
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 unlocks them on the stable toolchain.
# The committed seed corpus is read, never written: new inputs go to a scratch directory.
set -euo pipefail

target=${1:?usage: run.sh TARGET SECONDS}
seconds=${2:?usage: run.sh TARGET SECONDS}
fuzz_dir=$(cd "$(dirname "$0")" && pwd)

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cd "$fuzz_dir/.."
RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/target-net-fuzz} \
    cargo fuzz run --sanitizer none "$target" "$scratch" "$fuzz_dir/corpus/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1
