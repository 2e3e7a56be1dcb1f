#!/usr/bin/env python3
"""Venue seating: carematch's kernel against OR-Tools' min-cost flow on the same instance.

For each seed, `carematch generate --needs N --venues` writes a city with a canteen and
a day-care centre per community; `examples/seats.rs` writes its seating (needs that may
sit x sessions of their seats, the seat's worth as the penalty of a need left
standing, the walk as the edge cost) in the spec's kernel file format; carematch's
kernel (`examples/assign.rs`, dual certificate checked) and OR-Tools
SimpleMinCostFlow solve that file, and their optimal costs must be equal. Then the
same problem without carers (and without budgets, which the instance does not know) is
solved by `carematch solve`, and the priority it seats must be the optimum's (decoded
from OR-Tools' cost). Times are medians of --runs.

    python3 benches/venue_peers.py [--needs 20000] [--seeds 3] [--runs 3]

Needs ortools and numpy (benches/requirements.txt; benches/peers.sh makes the venv).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import assign_peers as ap  # noqa: E402

ROOT = ap.ROOT
BIN = os.path.join(ROOT, "target", "release", "carematch")


def scale(penalty):
    """The instance's point of priority: penalties are priority x point + level
    (crates/core/src/venues.rs), so point is the gcd of their differences."""
    import math

    lo = int(penalty.min())
    point = 0
    for p in penalty:
        point = math.gcd(point, int(p) - lo)
    if point == 0 or any((int(p) - lo) % point for p in penalty):
        raise SystemExit("penalties are not priority x point + level")
    return point


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--needs", type=int, default=20_000)
    a.add_argument("--seeds", type=int, default=3)
    a.add_argument("--runs", type=int, default=3)
    args = a.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "carematch",
                    "--example", "seats", "--example", "assign"], cwd=ROOT, check=True)
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            problem = os.path.join(tmp, "p.json")
            with open(problem, "w") as f:
                subprocess.run([BIN, "generate", "--needs", str(args.needs), "--venues", "--seed", str(seed)],
                               stdout=f, stderr=subprocess.DEVNULL, check=True)
            kernel = os.path.join(tmp, "seats.txt")
            with open(kernel, "w") as f:
                subprocess.run([os.path.join(ap.EXAMPLES, "seats"), problem], stdout=f, check=True)
            inst = ap.read(kernel)
            cost, ms, _ = ap.ours(kernel, 0, args.runs)
            runs = [ap.ortools(inst) for _ in range(args.runs)]
            if any(r[0] != cost for r in runs):
                raise SystemExit(f"seed {seed}: OR-Tools {runs[0][0]} != carematch {cost}")
            ortools_ms = statistics.median(r[1] for r in runs)
            # The same city without carers: the plan's seats are the optimum's.
            p = json.load(open(problem))
            p["providers"] = []
            for e in p["elders"]:
                e["prefers"], e["avoids"] = [], []
            p["options"]["time_limit_ms"] = 60_000
            for e in p["elders"]:
                e.pop("budget", None)  # the kernel's instance knows no budget
            json.dump(p, open(problem, "w"))
            with open(kernel, "w") as f:
                subprocess.run([os.path.join(ap.EXAMPLES, "seats"), problem], stdout=f, check=True)
            inst = ap.read(kernel)
            best, _ = ap.ortools(inst)
            plan = json.loads(subprocess.run([BIN, "solve", problem], capture_output=True, check=True).stdout)
            seated = plan["venue_visits"]
            prio = {n["id"]: n.get("priority") for n in p["needs"]}
            got_priority = plan["summary"]["objective"]["priority"]
            # Decode the optimum: sum(penalty) - cost = seated worth (priority, count, -walk).
            worth = int(inst["penalty"].sum()) - best
            want_priority = worth // scale(inst["penalty"])
            ok = got_priority == want_priority
            print(f"seed {seed}: {inst['n']} needs may sit, {inst['m']} sessions, {int(inst['capacity'].sum())} seats | "
                  f"optimal cost equal ({cost}) | carematch {ms:.1f} ms, OR-Tools {ortools_ms:.1f} ms, ratio {ortools_ms / max(ms, 1e-9):.2f} | "
                  f"venues only: plan seats {len(seated)} needs of priority {got_priority}; optimum priority {want_priority} "
                  f"{'EQUAL' if ok else 'DIFFERENT'}", flush=True)
            ratios.append(ortools_ms / max(ms, 1e-9))
            if not ok:
                raise SystemExit("the plan's seats are not the optimum")
    print(f"median OR-Tools / carematch time: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    sys.exit(main())
