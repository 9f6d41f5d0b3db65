#!/usr/bin/env python3
"""Splits the one-way wake-ups of a `winipc-bench --scenario wake` run into segments, from a
`perf script --ns` dump of (on the pinned CPU):

    perf record -C 0 -e sched:sched_switch,sched:sched_waking,syscalls:sys_enter_futex,\
        syscalls:sys_exit_futex,syscalls:sys_enter_clock_nanosleep,\
        syscalls:sys_exit_clock_nanosleep -- winipc-bench --reps 1 --duration-ms 200 \
        --scenario wake --transport T --reference T
    perf script --ns > trace.txt; wake-trace.py trace.txt

Per wake-up (a bench process waking another), medians in µs of:
  W1  the signaler's work from its sleep's end to its FUTEX_WAKE (clock read, message, send)
  W2  FUTEX_WAKE entry to sched_waking of the receiver
  S   sched_waking to the receiver's switch-in
  R1  switch-in to the receiver's return from its futex wait
  R2  that return to the receiver's next system call (its work until it sleeps again)
  tot W1 + W2 + S + R1
split by whether the receiver ran first (the signaler switched out runnable: preempted, or
yielding after decision 0017) or only once
the signaler slept (the scheduler let it run on into `clock_nanosleep`).
Only the timestamps of the tracepoints are used; the bench's own figure also contains the
signaler's clock read before W1 and the receiver's after R1.
"""
import re
import statistics as st
import sys

EV = re.compile(r'^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$')


def bench(comm):
    # Children re-executed before the trace started show as ":PID".
    return comm.startswith(('winipc-bench', ':', 'memfd'))


def main(path):
    events = []
    for line in open(path):
        m = EV.match(line)
        if m:
            comm, pid, _cpu, ts, name, rest = m.groups()
            events.append((float(ts) * 1e6, comm, int(pid), name, rest))
    sleep_end, futex_enter, rows = {}, {}, []
    for i, (t, comm, pid, name, rest) in enumerate(events):
        if name == 'syscalls:sys_exit_clock_nanosleep':
            sleep_end[pid] = t
        elif name == 'syscalls:sys_enter_futex':
            futex_enter[pid] = t
        elif name == 'sched:sched_waking' and bench(comm):
            m = re.search(r'comm=(\S+) pid=(\d+)', rest)
            q = int(m.group(2))
            if not bench(m.group(1)) or q == pid:
                continue
            se, fe = sleep_end.get(pid), futex_enter.get(pid)
            if se is None or fe is None or not se <= fe <= t or t - se > 200:
                continue
            ts = tx = te = None
            preempted = None
            for t2, _c2, p2, n2, r2 in events[i + 1:i + 400]:
                if ts is None and n2 == 'sched:sched_switch' and f'next_pid={q} ' in r2 + ' ':
                    ts = t2
                    preempted = f'prev_pid={pid} ' in r2 and 'prev_state=R' in r2
                elif ts is not None and p2 == q and n2 == 'syscalls:sys_exit_futex' and tx is None:
                    tx = t2
                elif tx is not None and p2 == q and n2.startswith('syscalls:sys_enter'):
                    te = t2
                    break
            if None in (ts, tx, te):
                continue
            rows.append(dict(W1=fe - se, W2=t - fe, S=ts - t, R1=tx - ts, R2=te - tx,
                             tot=tx - se, pre=preempted))
    if not rows:
        print('no wake-ups found')
        return
    for label, rs in (('all', rows), ('receiver ran first', [r for r in rows if r['pre']]),
                      ('signaler slept first', [r for r in rows if not r['pre']])):
        if rs:
            cells = '  '.join(f"{k}={st.median(r[k] for r in rs):6.2f}"
                              for k in ('W1', 'W2', 'S', 'R1', 'R2', 'tot'))
            print(f'{label:21} n={len(rs):4} ({len(rs) / len(rows) * 100:3.0f} %)  {cells}')


if __name__ == '__main__':
    main(sys.argv[1])
