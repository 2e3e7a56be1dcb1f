#!/usr/bin/env python3
"""Lunch breaks (`providers[].breaks`): each instance solved as generated (no breaks;
the city's staff work two shifts a day, cut in two at lunch, and go home between them)
and with `generate --lunch 30` (each carer's shifts of a day joined into one, with a
30-minute break starting between 12:00 and 13:00 taken wherever she is), 2 threads,
seed 1, the search stopped by its default iterations, `--runs` runs each (median of
the solve time), same machine, same run. Every plan is checked by `carematch check`.

Instances: the one-station generator of the issue (`--stations 1 --windows wide
--layout mixed --seed 3`, 1,000 needs), the generated city (`--needs 2000 --seed 7`) and
the generated week (`--days 7` of it).

Prints served needs, travel and its ratio, routes used, breaks taken and the median
solve time with its ratio.

    python3 benches/breaks.py [--bin target/release/carematch] [--runs 3] [--only week]
"""

import argparse
import json
import statistics
import subprocess
import tempfile

INSTANCES = {
    "one station, 1,000 needs": ["--stations", "1", "--windows", "wide", "--layout", "mixed",
                                 "--seed", "3", "--needs", "1000"],
    "city, 2,000 needs": ["--needs", "2000", "--seed", "7"],
    "week of the city": ["--needs", "2000", "--seed", "7", "--days", "7"],
}


def solve(binary, problem, runs):
    o = problem.setdefault("options", {})
    o.update({"threads": 2, "seed": 1, "time_limit_ms": 600_000})
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(problem, f)
    times, plan = [], None
    for _ in range(runs):
        out = subprocess.run([binary, "solve", f.name], capture_output=True, text=True, check=True)
        plan = json.loads(out.stdout)
        times.append(plan["summary"]["solve_ms"])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as g:
        json.dump(plan, g)
    check = subprocess.run([binary, "check", f.name, g.name], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    return plan, statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="target/release/carematch")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", help="run the instances whose name contains this")
    a = ap.parse_args()
    for name, args in INSTANCES.items():
        if a.only and a.only not in name:
            continue
        gen = lambda *extra: json.loads(subprocess.run(
            [a.bin, "generate", *args, *extra], capture_output=True, text=True, check=True).stdout)
        plain, with_lunch = gen(), gen("--lunch", "30")
        with_breaks = sum(1 for c in with_lunch["providers"] if c.get("breaks"))
        (p0, t0), (p1, t1) = solve(a.bin, plain, a.runs), solve(a.bin, with_lunch, a.runs)
        s0, s1 = p0["summary"], p1["summary"]
        taken = sum(len(r.get("breaks", [])) for r in p1["routes"])
        print(f"{name}: {with_breaks} of {len(with_lunch['providers'])} carers have a lunch break")
        print(f"  no breaks:  served {s0['assigned']} of {s0['needs']}, travel {s0['travel']}, "
              f"{len(p0['routes'])} routes, {t0 / 1000:.2f} s median")
        print(f"  lunch 30':  served {s1['assigned']} of {s1['needs']}, travel {s1['travel']} "
              f"(x{s1['travel'] / s0['travel']:.3f}), {len(p1['routes'])} routes, {taken} breaks taken, "
              f"{t1 / 1000:.2f} s median (x{t1 / max(t0, 1):.2f})")


if __name__ == "__main__":
    main()
