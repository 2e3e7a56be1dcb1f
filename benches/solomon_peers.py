#!/usr/bin/env python3
"""Day plans against VROOM and PyVRP on the Solomon VRPTW instances, in the same run.

Converts each instance of ../shared/datasets/solomon (the convention of its README:
travel = Euclidean distance x 1000, rounded to the nearest integer; service times and
windows x 1000; the fleet fixed to the instance's vehicle number) into

- a carematch problem (metric "matrix", one provider per vehicle with one shift equal to
  the depot's window, one elder and one need per customer, demand = `load`), solved by
  `carematch solve` and checked by `carematch check`;
- a VROOM input (pyvroom, the same integer matrix), solved at exploration level 5;
- a PyVRP model (the same integer matrix as distance and duration), solved with a time
  limit.

It prints, per instance and engine, the travel's gap to the best known travel
(bks-travel.json), the customers served and the wall time, then the mean and median gap
and the mean time per engine. Run it through benches/peers.sh (which makes the
virtualenv):

    benches/peers.sh solomon [--only C101,R101] [--engines carematch,vroom,pyvrp]
                             [--time-ms 1500] [--pyvrp-seconds 1] [--threads 2]
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASET = os.path.join(os.path.dirname(ROOT), "shared", "datasets", "solomon")
# CAREMATCH_BIN: another build to run (e.g. one in its own target directory), not rebuilt.
CAREMATCH = os.environ.get("CAREMATCH_BIN") or os.path.join(ROOT, "target", "release", "carematch")


def nint(x):
    return int(math.floor(x + 0.5))


def parse(path):
    """Vehicles, capacity and rows (id, x, y, demand, ready, due, service); row 0 is the depot."""
    with open(path) as f:
        lines = [l.split() for l in f if l.strip()]
    vehicles = capacity = None
    rows = []
    for i, t in enumerate(lines):
        if t[0] == "NUMBER":
            vehicles, capacity = int(lines[i + 1][0]), int(lines[i + 1][1])
        elif t[0].isdigit() and len(t) == 7:
            rows.append(tuple(int(float(v)) for v in t))
    return vehicles, capacity, rows


def matrix(rows):
    return [[nint(1000 * math.hypot(a[1] - b[1], a[2] - b[2])) for b in rows] for a in rows]


def carematch_problem(vehicles, capacity, rows, d, time_ms, threads, seed):
    depot = rows[0]
    return {
        "travel": {"metric": "matrix", "durations": d},
        "elders": [{"id": f"c{r[0]}", "location": i} for i, r in enumerate(rows) if i > 0],
        "needs": [
            {
                "id": f"n{r[0]}",
                "elder": f"c{r[0]}",
                "service": "visit",
                "duration": 1000 * r[6],
                "windows": [[1000 * r[4], 1000 * r[5]]],
                "priority": 1,
                "load": r[3],
            }
            for i, r in enumerate(rows)
            if i > 0
        ],
        "providers": [
            {
                "id": f"v{k}",
                "kind": "staff",
                "skills": ["visit"],
                "start": 0,
                "shifts": [[1000 * depot[4], 1000 * depot[5]]],
                "capacity": capacity,
            }
            for k in range(vehicles)
        ],
        "options": {
            "time_limit_ms": time_ms,
            "threads": threads,
            "seed": seed,
            "candidates": 0,
            "iterations": 1_000_000_000,
        },
    }


def run_carematch(problem, tmp, name):
    pfile = os.path.join(tmp, name + ".json")
    plan_file = os.path.join(tmp, name + ".plan.json")
    with open(pfile, "w") as f:
        json.dump(problem, f)
    t = time.perf_counter()
    r = subprocess.run([CAREMATCH, "solve", pfile, "-o", plan_file], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{name}: carematch solve failed: {r.stderr}")
    wall = time.perf_counter() - t
    check = subprocess.run([CAREMATCH, "check", pfile, plan_file], capture_output=True, text=True)
    if check.returncode != 0:
        raise SystemExit(f"{name}: carematch plan fails the checker:\n{check.stdout}{check.stderr}")
    with open(plan_file) as f:
        plan = json.load(f)
    s = plan["summary"]
    return s["travel"], s["assigned"], wall


def run_vroom(vehicles, capacity, rows, d, threads, level):
    import vroom

    depot = rows[0]
    inp = vroom.Input()
    inp.set_durations_matrix(profile="car", matrix_input=d)
    for k in range(vehicles):
        inp.add_vehicle(
            vroom.Vehicle(
                id=k,
                start=0,
                end=0,
                capacity=[capacity],
                time_window=vroom.TimeWindow(1000 * depot[4], 1000 * depot[5]),
            )
        )
    for i, r in enumerate(rows):
        if i == 0:
            continue
        inp.add_job(
            vroom.Job(
                id=i,
                location=i,
                default_service=1000 * r[6],
                delivery=[r[3]],
                time_windows=[vroom.TimeWindow(1000 * r[4], 1000 * r[5])],
            )
        )
    t = time.perf_counter()
    sol = inp.solve(exploration_level=level, nb_threads=threads)
    wall = time.perf_counter() - t
    served = len(rows) - 1 - len(sol.unassigned)
    return int(sol.summary.cost), served, wall


def run_pyvrp(vehicles, capacity, rows, d, seconds, seed):
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    m = Model()
    locs = [m.add_location(x=r[1], y=r[2]) for r in rows]
    depot = m.add_depot(locs[0], tw_early=1000 * rows[0][4], tw_late=1000 * rows[0][5])
    m.add_vehicle_type(
        num_available=vehicles,
        capacity=capacity,
        start_depot=depot,
        end_depot=depot,
        tw_early=1000 * rows[0][4],
        tw_late=1000 * rows[0][5],
    )
    for i, r in enumerate(rows):
        if i > 0:
            m.add_client(
                locs[i],
                delivery=r[3],
                service_duration=1000 * r[6],
                tw_early=1000 * r[4],
                tw_late=1000 * r[5],
            )
    for i, a in enumerate(locs):
        for j, b in enumerate(locs):
            m.add_edge(a, b, distance=d[i][j], duration=d[i][j])
    t = time.perf_counter()
    res = m.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    wall = time.perf_counter() - t
    best = res.best
    served = best.num_clients() if best.is_feasible() else 0
    return int(best.distance()), served, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", default=DATASET)
    ap.add_argument("--only", default="", help="instances, comma-separated (default: all 56)")
    ap.add_argument("--engines", default="carematch,vroom,pyvrp")
    ap.add_argument("--time-ms", type=int, default=1500, help="carematch options.time_limit_ms")
    ap.add_argument("--pyvrp-seconds", type=float, default=1.0)
    ap.add_argument("--vroom-level", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    engines = a.engines.split(",")
    if "carematch" in engines and not os.environ.get("CAREMATCH_BIN"):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "carematch"], cwd=ROOT, check=True)
    with open(os.path.join(a.dataset, "bks-travel.json")) as f:
        bks = json.load(f)
    names = a.only.split(",") if a.only else sorted(bks)
    results = {e: [] for e in engines}
    print(f"{'instance':9} " + " ".join(f"{e + ' gap':>15} {'served':>6} {'s':>5}" for e in engines))
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            vehicles, capacity, rows = parse(os.path.join(a.dataset, name + ".txt"))
            vehicles = bks[name]["vehicles"]
            d = matrix(rows)
            line = f"{name:9} "
            for e in engines:
                if e == "carematch":
                    p = carematch_problem(vehicles, capacity, rows, d, a.time_ms, a.threads, a.seed)
                    cost, served, wall = run_carematch(p, tmp, name)
                elif e == "vroom":
                    cost, served, wall = run_vroom(vehicles, capacity, rows, d, a.threads, a.vroom_level)
                elif e == "pyvrp":
                    cost, served, wall = run_pyvrp(vehicles, capacity, rows, d, a.pyvrp_seconds, a.seed)
                else:
                    raise SystemExit(f"unknown engine {e}")
                gap = 100 * (cost / 1000 / bks[name]["best_known_travel"] - 1)
                results[e].append((gap, served, len(rows) - 1, wall))
                line += f"{gap:+14.2f}% {served:>3}/{len(rows) - 1:<3}{wall:5.1f} "
            print(line)
            sys.stdout.flush()
    print()
    for e, rs in results.items():
        gaps = [r[0] for r in rs]
        all_served = sum(1 for r in rs if r[1] == r[2])
        print(
            f"{e:10} mean gap {statistics.mean(gaps):+.2f} %  median {statistics.median(gaps):+.2f} %  "
            f"all customers served on {all_served}/{len(rs)}  mean time {statistics.mean(r[3] for r in rs):.2f} s"
        )


if __name__ == "__main__":
    main()
