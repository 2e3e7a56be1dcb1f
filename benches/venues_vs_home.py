#!/usr/bin/env python3
"""A city with canteens and day-care seats against the same city without them.

For each seed, `carematch generate --needs N --venues` writes a city with a canteen
(seats for half of each sitting's meal needs) and a day-care centre per community,
walking limits, prices and vouchers; the same problem without `venues` is the
baseline. Both are solved with the same time limit, each plan is checked by
`carematch check`, and the wall time of each solve is measured around the process.
Printed: served priority, needs at venues, carer travel, and the wall time against the
limit; medians over the seeds.

    python3 benches/venues_vs_home.py [--needs 20000] [--seeds 3] [--limit 20]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "carematch")


def solve(problem, tmp, name):
    path = os.path.join(tmp, name + ".json")
    with open(path, "w") as f:
        json.dump(problem, f)
    t = time.perf_counter()
    out = subprocess.run([BIN, "solve", path], capture_output=True, check=True).stdout
    wall = time.perf_counter() - t
    plan_path = os.path.join(tmp, name + ".plan.json")
    with open(plan_path, "wb") as f:
        f.write(out)
    subprocess.run([BIN, "check", path, plan_path], capture_output=True, check=True)
    s = json.loads(out)["summary"]
    return s["objective"]["priority"], s.get("at_venues") or 0, s["travel"], wall


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--needs", type=int, default=20_000)
    a.add_argument("--seeds", type=int, default=3)
    a.add_argument("--limit", type=int, default=20, help="seconds per solve")
    args = a.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "carematch"], cwd=ROOT, check=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            p = json.loads(subprocess.run(
                [BIN, "generate", "--needs", str(args.needs), "--venues", "--seed", str(seed)],
                capture_output=True, check=True).stdout)
            p["options"]["time_limit_ms"] = args.limit * 1000
            home = dict(p)
            home.pop("venues")
            v = solve(p, tmp, "venues")
            h = solve(home, tmp, "home")
            rows.append((v, h))
            print(f"seed {seed}: {len(p['needs'])} needs, {len(p['venues'])} venues | with venues: priority {v[0]}, "
                  f"{v[1]} at venues, travel {v[2]}, {v[3]:.1f} s | without: priority {h[0]}, travel {h[2]}, {h[3]:.1f} s",
                  flush=True)
    med = lambda f: statistics.median(f(v, h) for v, h in rows)
    print(f"median priority with / without venues: {med(lambda v, h: v[0] / max(h[0], 1)):.3f}")
    print(f"median carer travel with / without:    {med(lambda v, h: v[2] / max(h[2], 1)):.3f}")
    print(f"median wall time / limit, with venues: {med(lambda v, h: v[3] / args.limit):.3f}"
          f" (largest {max(v[3] for v, _ in rows) / args.limit:.3f})")


if __name__ == "__main__":
    sys.exit(main())
