"""CPU time by process name, from /proc, so a benchmark can say where its machine's time went.

    cpu_by_process.py snapshot FILE            saves the CPU ticks of every process, summed by name
    cpu_by_process.py report BEFORE AFTER N [UNIT]
                                               prints each name's CPU between the two snapshots, per unit
                                               of work (N units of UNIT, default signal), largest first
"""

import json
import os
import sys


def snapshot():
    ticks = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                text = stat.read()
        except OSError:
            continue  # the process ended while we looked
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        ticks[name] = ticks.get(name, 0) + int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


def report(before, after, units, unit="signal"):
    hertz = os.sysconf("SC_CLK_TCK")
    spent = {name: after[name] - before.get(name, 0) for name in after}
    busy = [(name, ticks) for name, ticks in spent.items() if ticks > 0 and not name.startswith(("kworker", "kdamond", "rcu_"))]
    total = sum(ticks for _, ticks in busy)
    for name, ticks in sorted(busy, key=lambda item: -item[1])[:6]:
        print(f"cpu_us_per_{unit}_{name.replace('-', '_')} {ticks / hertz * 1e6 / units:.0f}")
    print(f"cpu_us_per_{unit}_total {total / hertz * 1e6 / units:.0f}")


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        with open(sys.argv[2], "w") as out:
            json.dump(snapshot(), out)
    else:
        with open(sys.argv[2]) as first, open(sys.argv[3]) as second:
            report(json.load(first), json.load(second), int(sys.argv[4]), *sys.argv[5:6])
