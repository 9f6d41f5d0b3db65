#!/usr/bin/env bash
# Runs every cargo-fuzz target of the workspace briefly and fails on any crash, panic, hang
# (libFuzzer -timeout) or leak. Installs cargo-fuzz if missing.
#   .ci/fuzz-short.sh                       # CI form: FUZZ_SECONDS=20 per target
#   FUZZ_SECONDS=600 .ci/fuzz-short.sh      # long form (docs/reliability.md)
# Committed seeds (crates/*/fuzz/seeds/TARGET or crates/*/fuzz/corpus/TARGET) are copied into
# scratch corpora under $FUZZ_WORK (default /tmp/winipc-fuzz-short); crash inputs land in
# $FUZZ_WORK/artifacts.
# FUZZ_CRATES="winipc winipc-nbt" limits the run to those crates, FUZZ_TARGETS="store_image"
# to those targets:  FUZZ_CRATES=winipc FUZZ_TARGETS=store_image FUZZ_SECONDS=60 .ci/fuzz-short.sh
# Prints one line per target with its executions, and a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${FUZZ_SECONDS:-20}"
work="${FUZZ_WORK:-/tmp/winipc-fuzz-short}"
# Targets to skip (space-separated), e.g. while a recorded core bug makes one crash:
# FUZZ_SKIP="store_inspect".
skip="${FUZZ_SKIP-}"
start=$(date +%s)
export PATH="$HOME/.cargo/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
    t=$(date +%s)
    cargo install cargo-fuzz --locked
    echo "fuzz-short: installed cargo-fuzz in $(( $(date +%s) - t ))s"
fi
export RUSTC_BOOTSTRAP=1
mkdir -p "$work/artifacts"
summary=()
failed=0
for dir in crates/*/fuzz; do
    [ -f "$dir/Cargo.toml" ] || continue
    crate=$(basename "$(dirname "$dir")")
    export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-/tmp/target-fuzz}/$crate"
    if [ -n "${FUZZ_CRATES:-}" ] && [[ " $FUZZ_CRATES " != *" $crate "* ]]; then continue; fi
    if ! (cd "$dir" && cargo fuzz build -O >"$work/$crate-build.log" 2>&1); then
        tail -n 30 "$work/$crate-build.log"
        summary+=("$crate: BUILD FAILED (see $work/$crate-build.log)")
        failed=1
        continue
    fi
    tail -n 1 "$work/$crate-build.log"
    for target in $(cd "$dir" && cargo fuzz list); do
        if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $target "* ]]; then continue; fi
        if [[ " $skip " == *" $target "* ]]; then
            summary+=("$crate/$target: SKIPPED (FUZZ_SKIP)")
            continue
        fi
        corpus="$work/corpus/$crate/$target"
        mkdir -p "$corpus"
        for seeds in "$dir/seeds/$target" "$dir/corpus/$target"; do
            if [ -d "$seeds" ]; then cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true; fi
        done
        log="$work/$crate-$target.log"
        if (cd "$dir" && cargo fuzz run -O "$target" "$corpus" -- \
                -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
                -artifact_prefix="$work/artifacts/$crate-$target-" >"$log" 2>&1); then
            runs=$(grep -oE 'Done [0-9]+ runs' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo '?')
            summary+=("$crate/$target: ok, $runs executions in ${secs}s, corpus $(ls "$corpus" | wc -l)")
        else
            failed=1
            summary+=("$crate/$target: FAILED (see $log)")
            grep -E 'ERROR|panicked|SUMMARY|Test unit written' "$log" | head -n 8 || true
        fi
    done
done
printf 'fuzz-short: %s\n' "${summary[@]}"
echo "fuzz-short: done in $(( $(date +%s) - start ))s (FUZZ_SECONDS=$secs)"
exit $failed
