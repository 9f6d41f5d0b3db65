#!/usr/bin/env bash
# Usage: fuzz/run.sh TARGET SECONDS   (e.g. fuzz/run.sh store_image 60)
# Needs cargo-fuzz (`cargo install cargo-fuzz`); uses RUSTC_BOOTSTRAP=1 on a stable toolchain.
# The committed seeds (fuzz/seeds/TARGET) are copied into a scratch corpus outside the repo.
set -euo pipefail
target="${1:-store_image}"
secs="${2:-60}"
cd "$(dirname "$0")"
corpus="${CORPUS_DIR:-/tmp/winipc-fuzz-corpus}/$target"
mkdir -p "$corpus"
cp -n "seeds/$target"/* "$corpus"/ 2>/dev/null || true
RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/target-ring-fuzz}" \
    cargo fuzz run "$target" "$corpus" -- -max_total_time="$secs" -max_len=4096 -timeout=5 \
    -artifact_prefix=/tmp/winipc-fuzz-artifacts-
