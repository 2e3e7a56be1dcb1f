#!/usr/bin/env python3
"""Same inputs, same seeds, same threads: do two builds of carematch give the same plans?

A refactoring must not change a single byte of any plan. This script writes a fixed set
of problems (the demo community, generated cities of 2,000 and 20,000 needs, ten Solomon
instances), each with a fixed seed, thread count and iteration budget and a time limit
far above what the iterations take (so the iterations, never the clock, end the search),
solves each with every binary given, and compares the plans byte for byte (with
`summary.solve_ms`, the only field that depends on the clock, set to 0). Each plan also
goes through `carematch check`.

    benches/same_plans.sh [REV]          # builds REV (default HEAD) and the work tree, compares
    python3 benches/same_plans.py --out DIR BIN [BIN ...]   # the same, for given binaries

Exit status 0 when every binary gives the same plan for every problem.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import solomon_peers  # noqa: E402  (the Solomon reader and its carematch conversion)

SOLOMON = ["C101", "C201", "R101", "R105", "R202", "RC101", "RC105", "RC202", "R211", "C205"]
OPTIONS = {"threads": 2, "seed": 1, "time_limit_ms": 3_600_000}


def problems(binary, out):
    """Writes the problems into OUT/problems (once) and returns their paths."""
    pdir = os.path.join(out, "problems")
    os.makedirs(pdir, exist_ok=True)
    made = []

    def put(name, problem, iterations):
        problem.setdefault("options", {}).update(OPTIONS, iterations=iterations)
        path = os.path.join(pdir, name + ".json")
        with open(path, "w") as f:
            json.dump(problem, f)
        made.append(path)

    demo = os.path.join(out, "demo")
    subprocess.run([binary, "demo", "--out", demo], check=False, capture_output=True)
    with open(os.path.join(demo, "problem.json")) as f:
        put("demo", json.load(f), 20_000)
    for needs, iterations in [(2_000, 50_000), (20_000, 20_000)]:
        r = subprocess.run([binary, "generate", "--needs", str(needs), "--seed", "7"],
                           check=True, capture_output=True)
        put(f"city{needs}", json.loads(r.stdout), iterations)
    for name in SOLOMON:
        path = os.path.join(solomon_peers.DATASET, name + ".txt")
        vehicles, capacity, rows = solomon_peers.parse(path)
        with open(os.path.join(solomon_peers.DATASET, "bks-travel.json")) as f:
            vehicles = json.load(f)[name]["vehicles"]
        p = solomon_peers.carematch_problem(vehicles, capacity, rows, solomon_peers.matrix(rows),
                                            0, 2, 1)
        put(name, p, 20_000)
    return made


def plan_of(binary, problem):
    r = subprocess.run([binary, "solve", problem], check=True, capture_output=True)
    plan = json.loads(r.stdout)
    plan["summary"]["solve_ms"] = 0
    # An operator that never ran says nothing of the plan: a build that lists a new one
    # (tried 0 times here) still gives the same plan.
    search = plan["summary"].get("search") or {}
    if "operators" in search:
        search["operators"] = [o for o in search["operators"] if o["tried"] > 0]
    text = json.dumps(plan, sort_keys=True).encode()
    return text, plan


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="working folder (problems and plans)")
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    paths = problems(a.binaries[0], a.out)
    same = True
    for path in paths:
        name = os.path.basename(path).removesuffix(".json")
        digests = []
        for b in a.binaries:
            text, plan = plan_of(b, path)
            plan_file = os.path.join(a.out, f"{name}.{len(digests)}.plan.json")
            with open(plan_file, "wb") as f:
                f.write(text)
            ok = subprocess.run([b, "check", path, plan_file], capture_output=True).returncode == 0
            s = plan["summary"]
            digests.append(hashlib.sha256(text).hexdigest()[:16])
            print(f"{name:10} bin{len(digests) - 1} {digests[-1]} served {s['assigned']:>6} "
                  f"travel {s['travel']:>10} {'checked' if ok else 'FAILS THE CHECKER'}")
            same &= ok
        if len(set(digests)) > 1:
            print(f"{name:10} DIFFERENT")
            same = False
    print("same plans" if same else "plans differ")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
