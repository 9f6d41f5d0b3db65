#!/usr/bin/env python3
"""Side-by-side runs of two or more winipc-bench builds (issue 13: "measured side by side, old
and new build, same run").

The builds are alternated (A B A B ...) so that a change in the machine's load hits both, each
round runs every build once with the same arguments, and the report gives, per cell, every
round's figure, the median over rounds and the median ratio to the reference transport of the
same run (the figure the issue's "within 10 %" is about).

    crates/winipc-bench/side-by-side.py --rounds 5 OLD_BIN NEW_BIN -- --quick \\
        --scenario stream-8w --transport winipc-mailslot,unix-dgram --reference unix-dgram

Each build is a path to a `winipc-bench` binary (build an old commit in a worktree with
`cargo build --release -p winipc-bench --target-dir /tmp/old-target`).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run_once(binary, args):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    try:
        subprocess.run(
            [binary, *args, "--json", out],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with open(out) as f:
            data = json.load(f)
    finally:
        os.unlink(out)
    cells = {}
    for c in data["cells"]:
        if c.get("status") == "ok":
            cells[(c["column"], c["transport"])] = (c["median"], c.get("ratio_to_reference"))
    return cells


def load():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("builds", nargs="+", help="winipc-bench binaries; then -- and its arguments")
    argv = sys.argv[1:]
    bench_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, bench_args = argv[:i], argv[i + 1 :]
    a = p.parse_args(argv)
    results = {b: [] for b in a.builds}
    for r in range(a.rounds):
        for b in a.builds:
            print(f"round {r + 1}/{a.rounds}: {b} (load {load()})", file=sys.stderr)
            results[b].append(run_once(b, bench_args))
    keys = sorted({k for runs in results.values() for run in runs for k in run})
    print(f"{'cell':<42} {'build':<40} {'median':>12} {'ratio':>8}  rounds")
    for key in keys:
        for b in a.builds:
            figs = [run[key][0] for run in results[b] if key in run]
            ratios = [run[key][1] for run in results[b] if key in run and run[key][1] is not None]
            if not figs:
                continue
            med = statistics.median(figs)
            rat = f"{statistics.median(ratios):.2f}x" if ratios else "-"
            each = " / ".join(f"{f:.4g}" for f in figs)
            print(f"{key[0] + ' ' + key[1]:<42} {b:<40} {med:>12.4g} {rat:>8}  {each}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
