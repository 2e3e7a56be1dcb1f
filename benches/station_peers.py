#!/usr/bin/env python3
"""Day plans against PyVRP and VROOM on generated one-station problems, same run, same
wall time.

The shape of a large operator whose carers all leave from one service station
(`carematch generate --needs N --windows tight|wide --layout random|clustered|mixed`,
see crates/synth/src/station.rs): a pure VRPTW with one carer per four needs, all at
the station, every need servable. Each instance is converted once with
examples/to_vroom.rs (carematch's own integer travel times as a raw matrix), and the
three engines get the same matrix, windows, service times, capacity and fleet, and the
same wall time:

- carematch: `options.time_limit_ms` = the budget, 2 threads, no iteration cap; its
  plan is checked with `carematch check`;
- PyVRP: `pyvrp.solve(ProblemData, stop=MaxRuntime(budget), seed)` (one thread);
- VROOM: exploration level 5, 2 threads, `timeout` = the budget.

Prints per instance the travel of each engine, every need served or not, wall time,
and the gap to the best travel of the run; then, per group (size × windows), the
median over seeds of carematch's travel over PyVRP's and over VROOM's.

    benches/peers.sh station [--needs 1000,4000] [--windows tight,wide]
                             [--layout random] [--seeds 1,2,3] [--seconds 60]
                             [--engines carematch,pyvrp,vroom] [--lunch 30]

With `--lunch M` every carer takes an M-minute break starting 12:00–13:00 (VROOM's
vehicle `breaks`; PyVRP has none, so only carematch and VROOM run).
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# CAREMATCH_TARGET: another build's target/release directory (with examples/to_vroom),
# not rebuilt.
BIN = os.environ.get("CAREMATCH_TARGET") or os.path.join(ROOT, "target", "release")


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True)


def load(tmp, name, problem):
    """The problem file, VROOM's input and the matrix (carematch's travel times)."""
    pfile = os.path.join(tmp, name + ".json")
    with open(pfile, "w") as f:
        json.dump(problem, f)
    mdir = os.path.join(tmp, name + ".m")
    os.makedirs(mdir, exist_ok=True)
    vjson = json.loads(run([os.path.join(BIN, "examples", "to_vroom"), pfile, "--matrices", mdir]).stdout)
    with open(os.path.join(mdir, "matrices.json")) as f:
        listing = json.load(f)
    (profile, path), = listing["profiles"].items()  # one speed: one matrix
    size = listing["size"]
    m = np.fromfile(path, dtype=np.uint32).reshape(size, size).astype(np.int64)
    return pfile, vjson, profile, m


def run_carematch(pfile, problem, seconds, threads, seed, tmp, name):
    problem = dict(problem)
    problem["options"] = {"time_limit_ms": int(seconds * 1000), "threads": threads, "seed": seed,
                          "iterations": 1_000_000_000}
    with open(pfile, "w") as f:
        json.dump(problem, f)
    plan_file = os.path.join(tmp, name + ".plan.json")
    t = time.perf_counter()
    run([os.path.join(BIN, "carematch"), "solve", pfile, "-o", plan_file])
    wall = time.perf_counter() - t
    chk = subprocess.run([os.path.join(BIN, "carematch"), "check", pfile, plan_file], capture_output=True, text=True)
    if chk.returncode != 0:
        raise SystemExit(f"{name}: carematch plan fails the checker:\n{chk.stderr}")
    with open(plan_file) as f:
        plan = json.load(f)
    s = plan["summary"]
    return s["travel"], s["assigned"], wall, s.get("search")


def run_pyvrp(vjson, m, seconds, seed):
    import pyvrp
    from pyvrp.stop import MaxRuntime

    v0 = vjson["vehicles"][0]
    depot = v0["start_index"]
    # Locations: the depot first, then one per job (PyVRP's clients), with the matrix
    # permuted to that order.
    order = [depot] + [j["location_index"] for j in vjson["jobs"]]
    d = np.ascontiguousarray(m[np.ix_(order, order)])
    locations = [pyvrp.Location(0.0, 0.0) for _ in order]
    clients = [
        pyvrp.Client(location=k + 1, delivery=[j.get("delivery", [0])[0]],
                     service_duration=j["service"], tw_early=j["time_windows"][0][0],
                     tw_late=j["time_windows"][0][1])
        for k, j in enumerate(vjson["jobs"])
    ]
    tw = v0["time_window"]
    vt = pyvrp.VehicleType(num_available=len(vjson["vehicles"]), capacity=v0.get("capacity", [0]),
                           start_depot=0, end_depot=0, tw_early=tw[0], tw_late=tw[1])
    data = pyvrp.ProblemData(locations=locations, clients=clients,
                             depots=[pyvrp.Depot(location=0, tw_early=tw[0], tw_late=tw[1])],
                             vehicle_types=[vt], distance_matrices=[d], duration_matrices=[d])
    t = time.perf_counter()
    res = pyvrp.solve(data, stop=MaxRuntime(seconds), seed=seed, display=False, collect_stats=False)
    wall = time.perf_counter() - t
    best = res.best
    served = best.num_clients() if best.is_feasible() else 0
    return int(best.distance()), served, wall


def run_vroom(vjson, profile, m, seconds, threads, tmp, name):
    import vroom
    from datetime import timedelta

    vfile = os.path.join(tmp, name + ".vroom.json")
    with open(vfile, "w") as f:
        json.dump(vjson, f)
    inp = vroom.Input.from_json(vfile)
    inp.set_durations_matrix(profile=profile, matrix_input=m.astype(np.uint32))
    t = time.perf_counter()
    sol = inp.solve(exploration_level=5, nb_threads=threads, timeout=timedelta(seconds=seconds))
    wall = time.perf_counter() - t
    out = sol.to_dict()
    return int(out["summary"]["duration"]), len(vjson["jobs"]) - len(out["unassigned"]), wall


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--needs", default="1000,4000")
    ap.add_argument("--windows", default="tight,wide")
    ap.add_argument("--layout", default="random")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--seconds", type=float, default=60.0, help="every engine's wall time")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--engines", default="carematch,pyvrp,vroom")
    ap.add_argument("--lunch", type=int, help="minutes of a lunch break for every carer "
                    "(generate --lunch): carematch and VROOM only, PyVRP has no breaks")
    a = ap.parse_args()
    engines = a.engines.split(",")
    if a.lunch and "pyvrp" in engines:
        raise SystemExit("PyVRP has no breaks: --engines carematch,vroom with --lunch")
    lunch = ["--lunch", str(a.lunch)] if a.lunch else []
    if not os.environ.get("CAREMATCH_TARGET"):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "carematch", "--example", "to_vroom"],
                       cwd=ROOT, check=True)
    groups = {}
    print(f"{'instance':28} " + " ".join(f"{e + ' travel':>17} {'served':>6} {'s':>6}" for e in engines), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n in a.needs.split(","):
            for w in a.windows.split(","):
                for layout in a.layout.split(","):
                    for seed in [int(s) for s in a.seeds.split(",")]:
                        name = f"{n}-{w}-{layout}-s{seed}"
                        problem = json.loads(run([os.path.join(BIN, "carematch"), "generate", "--needs", n,
                                                  "--windows", w, "--layout", layout, "--seed", str(seed), *lunch]).stdout)
                        pfile, vjson, profile, m = load(tmp, name, problem)
                        res = {}
                        for e in engines:
                            if e == "carematch":
                                t, s, wall, search = run_carematch(pfile, problem, a.seconds, a.threads, seed, tmp, name)
                            elif e == "pyvrp":
                                t, s, wall = run_pyvrp(vjson, m, a.seconds, seed)
                            elif e == "vroom":
                                t, s, wall = run_vroom(vjson, profile, m, a.seconds, a.threads, tmp, name)
                            else:
                                raise SystemExit(f"unknown engine {e}")
                            res[e] = (t, s, wall)
                        total = len(problem["needs"])
                        full = [e for e in engines if res[e][1] == total]
                        best = min(res[e][0] for e in full) if full else None
                        line = f"{name:28} "
                        for e in engines:
                            t, s, wall = res[e]
                            gap = f"{100 * (t / best - 1):+6.2f}%" if best and s == total else "   n/a "
                            line += f"{t:>9} {gap} {s:>6} {wall:>6.1f} "
                        print(line, flush=True)
                        groups.setdefault((n, w, layout), []).append(res)
    print()
    for (n, w, layout), rows in groups.items():
        out = f"{n:>5} needs, {w:5} windows, {layout:9}:"
        for peer in [e for e in engines if e != "carematch"]:
            if "carematch" in engines:
                ratios = [r["carematch"][0] / r[peer][0] for r in rows]
                out += f"  carematch/{peer} median {statistics.median(ratios):.4f} ({len(ratios)} seeds)"
        print(out)


if __name__ == "__main__":
    main()
