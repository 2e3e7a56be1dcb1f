#!/usr/bin/env python3
"""Assignment kernel against its peers, on the same files, in the same run.

Generates instances in the spec's kernel file format (examples/gen_assign.rs), solves
each file with carematch (examples/assign.rs), OR-Tools SimpleMinCostFlow, and, for the
dense one-to-one instance, lap.lapjv and SciPy's linear_sum_assignment. It checks that
every solver reports the same optimal cost and prints the median solve time of each
(reading the file is never timed) and the ratios. Machines are shared and noisy: every
figure is a median of --runs runs.

Run it through benches/peers.sh (which makes the virtualenv), or directly with a Python
that has ortools, lap, scipy and numpy:

    python3 benches/assign_peers.py [--runs 3] [--only city,districts,dense] [--memory]
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
EXAMPLES = os.path.join(ROOT, "target", "release", "examples")

# name -> (gen_assign arguments, description, peers)
INSTANCES = {
    "city": (
        ["city", "200000", "10000", "20", "25", "5000000", "1", "1"],
        "200,000 needs x 10,000 providers, 20 nearest, capacity 25, penalty 5e6, one component",
        ["ortools"],
    ),
    "districts": (
        ["city", "200000", "10000", "20", "25", "5000000", "100", "1"],
        "the same split into 100 districts",
        ["ortools"],
    ),
    "dense": (
        ["dense", "2000", "1"],
        "dense 2,000 x 2,000 one-to-one, costs 0..1000",
        ["ortools", "lapjv", "scipy"],
    ),
}


def build():
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--example", "assign", "--example", "gen_assign"],
        cwd=ROOT,
        check=True,
    )


def generate(args, path):
    with open(path, "w") as out:
        subprocess.run([os.path.join(EXAMPLES, "gen_assign")] + args, stdout=out, check=True)


def read(path):
    """The instance as arrays: capacity[m], penalty[n], edges (need, provider, cost)."""
    import numpy as np

    cap, pen, en, ep, ec = [], [], [], [], []
    with open(path) as f:
        for line in f:
            if not line.strip() or line[0] == "#":
                continue
            t = line.split()
            if t[0] == "e":
                en.append(int(t[1]))
                ep.append(int(t[2]))
                ec.append(int(t[3]))
            elif t[0] == "c":
                cap.append((int(t[1]), int(t[2])))
            elif t[0] == "u":
                pen.append((int(t[1]), int(t[2])))
            elif t[0] == "p":
                n, m = int(t[1]), int(t[2])
    capacity = np.zeros(m, dtype=np.int64)
    for j, c in cap:
        capacity[j] = c
    penalty = np.zeros(n, dtype=np.int64)
    for i, p in pen:
        penalty[i] = p
    return {
        "n": n,
        "m": m,
        "capacity": capacity,
        "penalty": penalty,
        "need": np.array(en, dtype=np.int64),
        "provider": np.array(ep, dtype=np.int64),
        "cost": np.array(ec, dtype=np.int64),
    }


def ours(path, threads, runs):
    """Solves `runs` times in one process (as the Python peers are timed); the
    certificate's duality gap must be 0."""
    out = subprocess.run(
        [os.path.join(EXAMPLES, "assign"), path, "--threads", str(threads), "--repeat", str(runs)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    r = json.loads(out)
    if r["gap"] != 0:
        raise SystemExit(f"carematch: certificate gap {r['gap']} on {path}")
    return r["cost"], statistics.median(r["runs"]), r["runs"]


def ortools(inst):
    import numpy as np
    from ortools.graph.python import min_cost_flow

    n, m = inst["n"], inst["m"]
    sink = n + m
    f = min_cost_flow.SimpleMinCostFlow()
    # need -> provider (capacity 1), need -> sink (the penalty), provider -> sink.
    f.add_arcs_with_capacity_and_unit_cost(
        inst["need"], n + inst["provider"], np.ones(len(inst["need"]), dtype=np.int64), inst["cost"]
    )
    needs = np.arange(n, dtype=np.int64)
    f.add_arcs_with_capacity_and_unit_cost(
        needs, np.full(n, sink, dtype=np.int64), np.ones(n, dtype=np.int64), inst["penalty"]
    )
    f.add_arcs_with_capacity_and_unit_cost(
        n + np.arange(m, dtype=np.int64), np.full(m, sink, dtype=np.int64), inst["capacity"], np.zeros(m, dtype=np.int64)
    )
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n] = 1
    supplies[sink] = -n
    f.set_nodes_supplies(np.arange(n + m + 1), supplies)
    t = time.perf_counter()
    status = f.solve()
    ms = (time.perf_counter() - t) * 1e3
    if status != f.OPTIMAL:
        raise SystemExit(f"OR-Tools: status {status}")
    return f.optimal_cost(), ms


def dense_matrix(inst):
    import numpy as np

    n, m = inst["n"], inst["m"]
    c = np.zeros((n, m), dtype=np.float64)
    c[inst["need"], inst["provider"]] = inst["cost"]
    return c


def lapjv(c):
    import lap

    t = time.perf_counter()
    cost, _, _ = lap.lapjv(c)
    return int(round(cost)), (time.perf_counter() - t) * 1e3


def scipy_lsa(c):
    from scipy.optimize import linear_sum_assignment

    t = time.perf_counter()
    r, k = linear_sum_assignment(c)
    cost = c[r, k].sum()
    return int(round(cost)), (time.perf_counter() - t) * 1e3


def median(runs, f):
    costs, times = set(), []
    for _ in range(runs):
        cost, ms = f()
        costs.add(cost)
        times.append(ms)
    if len(costs) != 1:
        raise SystemExit(f"costs differ between runs: {costs}")
    return costs.pop(), statistics.median(times), times


def memory(tmp):
    """Peak memory of the kernel on 1,000,000 needs x 20 edges."""
    path = os.path.join(tmp, "million.txt")
    generate(["city", "1000000", "50000", "20", "25", "5000000", "1", "1"], path)
    r = subprocess.run(
        ["/usr/bin/time", "-f", "%M", os.path.join(EXAMPLES, "assign"), path],
        capture_output=True,
        text=True,
        check=True,
    )
    peak_mb = int(r.stderr.strip().splitlines()[-1]) / 1024
    print(f"memory: 1,000,000 needs x 20 edges: {r.stdout.strip()}, peak {peak_mb:.0f} MB (target < 2048 MB)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs per solver (medians are printed)")
    ap.add_argument("--only", default=",".join(INSTANCES), help="instances, comma-separated")
    ap.add_argument("--memory", action="store_true", help="also measure peak memory at 1M needs")
    a = ap.parse_args()
    build()
    with tempfile.TemporaryDirectory() as tmp:
        for name in a.only.split(","):
            args, what, peers = INSTANCES[name]
            path = os.path.join(tmp, name + ".txt")
            generate(args, path)
            print(f"== {name}: {what}")
            results = {}
            # 1 and 2 threads alternate, run by run, so that a noisy neighbour on this
            # shared machine weighs on both sides of the thread ratio alike.
            runs = {1: [], 2: []}
            cost = set()
            for _ in range(a.runs):
                for threads in (1, 2):
                    # Three solves in one process, their median: warm, as the
                    # Python peers are timed (in-process, after building their input).
                    c, med, _ = ours(path, threads, 3)
                    cost.add(c)
                    runs[threads].append(med)
            if len(cost) != 1:
                raise SystemExit(f"{name}: carematch costs differ between runs: {cost}")
            for threads in (1, 2):
                results[f"carematch/{threads}t"] = (c, statistics.median(runs[threads]), runs[threads])
            inst = read(path)
            if "ortools" in peers:
                results["ortools-mcf"] = median(a.runs, lambda: ortools(inst))
            if "lapjv" in peers or "scipy" in peers:
                c = dense_matrix(inst)
                if "lapjv" in peers:
                    results["lap.lapjv"] = median(a.runs, lambda: lapjv(c))
                if "scipy" in peers:
                    results["scipy-lsa"] = median(a.runs, lambda: scipy_lsa(c))
            # The dense instance's penalty is prohibitive, so every need is assigned and
            # the kernel's cost is the matrix peers' assignment cost.
            costs = {k: v[0] for k, v in results.items()}
            if len(set(costs.values())) != 1:
                raise SystemExit(f"{name}: costs differ: {costs}")
            base = results["carematch/2t"][1]
            for k, (cost, med, times) in results.items():
                runs = ", ".join(f"{t:.0f}" for t in times)
                print(f"  {k:14} cost {cost:>14}  median {med:9.1f} ms  ({runs})  x{med / base:6.2f} of carematch/2t")
            one, two = results["carematch/1t"][1], results["carematch/2t"][1]
            print(f"  carematch 2 threads / 1 thread: {two / one:.2f}")
            for k in ("ortools-mcf", "lap.lapjv", "scipy-lsa"):
                if k in results:
                    print(f"  {k} / carematch (2t): {results[k][1] / two:.2f}x")
            sys.stdout.flush()
        if a.memory:
            memory(tmp)


if __name__ == "__main__":
    main()
