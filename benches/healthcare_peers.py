#!/usr/bin/env python3
"""Linked visits and soft windows: carematch against an exact optimum, and at scale.

Home health care problems (`carematch generate --healthcare --needs P`, see
crates/synth/src/healthcare.rs): patients with one or two services, about a quarter
linked (a nurse and an aide together, or personal care then medication 30 to 60
minutes later), soft windows, objective `travel + lateness + max_lateness` (weights
1, 1, 1) once every need is served. No general VRP engine (VROOM, PyVRP) can express
linked visits, so the reference is exact:

- `--exact` (default sizes 6,8,10,12,15 patients, several seeds): the same problem as
  a CP-SAT model (OR-Tools, from PyPI): a circuit per carer over the visits it may
  make, start times with travel, service and waiting, soft windows, the links' equal
  starts / gaps / distinct carers, every need served. Solved to proven optimality
  (within --mip-seconds); carematch gets --seconds (10) and its plan is checked with
  `carematch check`. Prints both objectives and whether carematch equals the optimum.
  Per size: instances proven, how many carematch equals, its mean and worst gap to
  the optimum and its mean wall time.
- `--scale` (default 50,100,200,300 patients): carematch at each of `--limits`
  (default 30,300 s); prints objective, travel, lateness, max lateness, served needs
  and wall time, whether the solve ended within 10 % of its time limit, and per size
  the mean objective at each limit and whether the longer run improved on the shorter.

`--linked SHARE` and `--overlap SHARE` shape the instances (`generate --healthcare
--linked --overlap`: the share of patients with two linked services, the share of
carers who can do the other group's work).

    benches/peers.sh healthcare [--exact] [--scale] [--patients 6,8,10] [--seeds 1,2,3]
                                [--seconds 10] [--mip-seconds 120] [--limits 30,300]
                                [--linked 0.33] [--overlap 0.25]
"""

import argparse
import hashlib
import json
import math
import os
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# CAREMATCH_BIN: another build to run (e.g. one in its own target directory), not rebuilt.
BIN = os.environ.get("CAREMATCH_BIN") or os.path.join(ROOT, "target", "release", "carematch")


SHAPE = []


def generate(patients, seed):
    r = subprocess.run([BIN, "generate", "--healthcare", "--needs", str(patients), "--seed", str(seed),
                        *SHAPE], check=True, capture_output=True)
    return json.loads(r.stdout)


def travel(problem, a, b):
    """carematch's euclidean travel time: ceil(hypot / speed)."""
    speed = problem["travel"]["speed"]
    d = math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2)
    t = d / speed
    i = int(t)
    return i + 1 if i < t else i


ITERATIONS = [None]


def solve_carematch(problem, seconds, tmp, name, threads=2):
    p = dict(problem)
    p["options"] = dict(p.get("options", {}), time_limit_ms=int(seconds * 1000), threads=threads)
    if ITERATIONS[0] is not None:
        p["options"]["iterations"] = ITERATIONS[0]
    pfile = os.path.join(tmp, name + ".json")
    plan_file = os.path.join(tmp, name + ".plan.json")
    with open(pfile, "w") as f:
        json.dump(p, f)
    t = time.perf_counter()
    subprocess.run([BIN, "solve", pfile, "-o", plan_file], check=True, capture_output=True)
    wall = time.perf_counter() - t
    chk = subprocess.run([BIN, "check", pfile, plan_file], capture_output=True, text=True)
    if chk.returncode != 0:
        raise SystemExit(f"{name}: carematch plan fails the checker:\n{chk.stderr}")
    with open(plan_file) as f:
        s = json.load(f)["summary"]
    return s, wall


def solve_cpsat(problem, seconds):
    """The exact optimum of `problem` (every need served), or None when not proven."""
    from ortools.sat.python import cp_model

    elders = {e["id"]: e["location"] for e in problem["elders"]}
    needs = problem["needs"]
    provs = problem["providers"]
    w = problem["options"]["weights"]
    idx = {n["id"]: i for i, n in enumerate(needs)}
    loc = [elders[n["elder"]] for n in needs]
    qualified = [[n["service"] in p["skills"] for p in provs] for n in needs]
    m = cp_model.CpModel()
    horizon = max(p["shifts"][0][1] for p in provs)
    start = []
    late = []
    for n in needs:
        (o, c), = n["windows"]
        start.append(m.NewIntVar(o, c + n.get("late_by", 0), f"s{n['id']}"))
        lt = m.NewIntVar(0, n.get("late_by", 0), f"l{n['id']}")
        m.Add(lt >= start[-1] - c)
        late.append(lt)
    maxlate = m.NewIntVar(0, horizon, "maxlate")
    for lt in late:
        m.Add(maxlate >= lt)
    serve = [[None] * len(provs) for _ in needs]
    arcs_cost = []
    for k, p in enumerate(provs):
        depot = p["start"]
        (so, sc), = p["shifts"]
        arcs = []
        nodes = [i for i in range(len(needs)) if qualified[i][k]]
        used = m.NewBoolVar(f"used{k}")
        arcs.append((0, 0, used.Not()))
        for i in nodes:
            v = m.NewBoolVar(f"v{i}_{k}")
            serve[i][k] = v
            arcs.append((i + 1, i + 1, v.Not()))
            t0 = travel(problem, depot, loc[i])
            a = m.NewBoolVar("")
            arcs.append((0, i + 1, a))
            m.Add(start[i] >= so + t0).OnlyEnforceIf(a)
            arcs_cost.append(t0 * a)
            b = m.NewBoolVar("")
            arcs.append((i + 1, 0, b))
            t1 = travel(problem, loc[i], depot)
            m.Add(start[i] + needs[i]["duration"] + t1 <= sc).OnlyEnforceIf(b)
            arcs_cost.append(t1 * b)
            for j in nodes:
                if i == j:
                    continue
                x = m.NewBoolVar("")
                tij = travel(problem, loc[i], loc[j])
                arcs.append((i + 1, j + 1, x))
                m.Add(start[j] >= start[i] + needs[i]["duration"] + tij).OnlyEnforceIf(x)
                arcs_cost.append(tij * x)
        m.AddCircuit(arcs)
    for i in range(len(needs)):
        m.AddExactlyOne([v for v in serve[i] if v is not None])
    for link in problem.get("links", []):
        a, b = idx[link["needs"][0]], idx[link["needs"][1]]
        if link["type"] == "together":
            for x in link["needs"][1:]:
                m.Add(start[idx[x]] == start[a])
            for k in range(len(provs)):
                vs = [serve[idx[x]][k] for x in link["needs"] if serve[idx[x]][k] is not None]
                if len(vs) > 1:
                    m.AddAtMostOne(vs)
        else:
            m.Add(start[b] - start[a] >= link.get("min_gap", 0))
            if "max_gap" in link:
                m.Add(start[b] - start[a] <= link["max_gap"])
    m.Minimize(w["travel"] * sum(arcs_cost) + w["lateness"] * sum(late) + w["max_lateness"] * maxlate)
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = seconds
    s.parameters.num_workers = 2
    t = time.perf_counter()
    status = s.Solve(m)
    wall = time.perf_counter() - t
    if status == cp_model.OPTIMAL:
        return int(round(s.ObjectiveValue())), wall
    return None, wall


CACHE = os.path.join(ROOT, "target", "healthcare-optima.json")


def cached_optimum(problem, seconds):
    """`solve_cpsat`, remembered per problem (by content) in target/: a proven optimum
    does not change, so a rerun of the series only solves what it has not proven."""
    key = hashlib.sha256(json.dumps(problem, sort_keys=True).encode()).hexdigest()
    try:
        with open(CACHE) as f:
            cache = json.load(f)
    except (OSError, ValueError):
        cache = {}
    if key in cache:
        return cache[key], 0.0
    opt, wall = solve_cpsat(problem, seconds)
    if opt is not None:
        cache[key] = opt
        with open(CACHE, "w") as f:
            json.dump(cache, f)
    return opt, wall


def exact(a):
    rows = []
    print(f"{'patients':>8} {'seed':>4} {'needs':>5} {'optimum':>9} {'mip s':>6} {'carematch':>9} {'s':>5}  equal")
    with tempfile.TemporaryDirectory() as tmp:
        for p in [int(x) for x in a.patients.split(",")]:
            for seed in [int(x) for x in a.seeds.split(",")]:
                problem = generate(p, seed)
                opt, mip_wall = cached_optimum(problem, a.mip_seconds)
                s, wall = solve_carematch(problem, a.seconds, tmp, f"h{p}-{seed}")
                ours_proven = s.get("search", {}).get("optimal", False)
                served = s["assigned"] == s["needs"]
                cost = s["objective"]["cost"]
                equal = served and opt is not None and cost == opt
                if opt is not None and served and cost < opt:
                    raise SystemExit(f"carematch beats a proven optimum ({cost} < {opt}): a bug")
                if ours_proven and opt is not None and cost != opt:
                    raise SystemExit(f"carematch claims {cost} optimal, CP-SAT proves {opt}: a bug")
                gap = 100.0 * (cost - opt) / opt if (opt and served) else None
                rows.append((p, opt is not None, equal, gap, wall, ours_proven))
                print(f"{p:>8} {seed:>4} {s['needs']:>5} {str(opt):>9} {mip_wall:>6.1f} {cost:>9} {wall:>5.1f}  "
                      f"{'yes' if equal else ('n/a (not proven)' if opt is None else f'no (+{gap:.2f} %)' if gap is not None else 'no (not all served)')}"
                      f"{' (proven by carematch too)' if ours_proven else ''}",
                      flush=True)
    proven = [r for r in rows if r[1]]
    if proven:
        share = sum(r[2] for r in proven) / len(proven)
        print(f"\ncarematch equals the proven optimum on {sum(r[2] for r in proven)}/{len(proven)} "
              f"instances ({100 * share:.0f} %); {len(rows) - len(proven)} not proven within {a.mip_seconds} s")
        print(f"{'patients':>8} {'proven':>6} {'equal':>5} {'mean gap %':>10} {'worst %':>8} {'mean s':>6} "
              f"{'max s':>6} {'ours proven':>11}")
        for p in sorted({r[0] for r in proven}):
            rs = [r for r in proven if r[0] == p]
            gaps = [r[3] for r in rs if r[3] is not None]
            print(f"{p:>8} {len(rs):>6} {sum(r[2] for r in rs):>5} "
                  f"{statistics.mean(gaps) if gaps else float('nan'):>10.2f} {max(gaps) if gaps else float('nan'):>8.2f} "
                  f"{statistics.mean(r[4] for r in rs):>6.2f} {max(r[4] for r in rs):>6.2f} "
                  f"{sum(r[5] for r in rs):>11}")


def scale(a):
    limits = [float(x) for x in a.limits.split(",")]
    print(f"{'patients':>8} {'seed':>4} {'limit s':>7} {'objective':>10} {'travel':>9} {'lateness':>9} "
          f"{'max late':>8} {'served':>9} {'wall s':>6}  within 10 %")
    by = {}
    with tempfile.TemporaryDirectory() as tmp:
        for p in [int(x) for x in a.patients.split(",")]:
            for seed in [int(x) for x in a.seeds.split(",")]:
                problem = generate(p, seed)
                for limit in limits:
                    s, wall = solve_carematch(problem, limit, tmp, f"h{p}-{seed}-{limit:g}")
                    by.setdefault((p, seed), []).append(s["objective"]["cost"])
                    print(f"{p:>8} {seed:>4} {limit:>7g} {s['objective']['cost']:>10} {s['travel']:>9} "
                          f"{s['lateness']:>9} {s['max_lateness']:>8} {s['assigned']:>4}/{s['needs']:<4} "
                          f"{wall:>6.1f}  {'yes' if wall <= 1.1 * limit else 'NO'}", flush=True)
    print(f"\n{'patients':>8} " + " ".join(f"{'mean at ' + format(l, 'g') + ' s':>14}" for l in limits)
          + "  longer run better (seeds)")
    for p in sorted({k[0] for k in by}):
        runs = [v for k, v in by.items() if k[0] == p]
        means = [statistics.mean(r[i] for r in runs) for i in range(len(limits))]
        better = sum(r[-1] < r[0] for r in runs)
        print(f"{p:>8} " + " ".join(f"{m:>14.1f}" for m in means) + f"  {better}/{len(runs)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("--scale", action="store_true")
    ap.add_argument("--patients", default=None)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--seconds", type=float, default=10.0, help="carematch's time limit (exact mode)")
    ap.add_argument("--mip-seconds", type=float, default=120.0)
    ap.add_argument("--limits", default="30,300", help="carematch's time limits (scale mode)")
    ap.add_argument("--linked", type=float, help="share of patients with two linked services")
    ap.add_argument("--overlap", type=float, help="share of carers who can do the other group's work")
    ap.add_argument("--iterations", type=int, default=None,
                    help="options.iterations for carematch (default: none, the engine's rounds; "
                         "1000000000: one cooling over the whole time limit, as before v1.2's rounds)")
    a = ap.parse_args()
    ITERATIONS[0] = a.iterations
    if a.linked is not None:
        SHAPE.extend(["--linked", str(a.linked)])
    if a.overlap is not None:
        SHAPE.extend(["--overlap", str(a.overlap)])
    if not os.environ.get("CAREMATCH_BIN"):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "carematch"], cwd=ROOT, check=True)
    if not a.scale or a.exact:
        if a.patients is None:
            a.patients = "6,8,10,12,15"
        exact(a)
        a.patients = None
    if a.scale:
        if a.patients is None:
            a.patients = "50,100,200,300"
        scale(a)


if __name__ == "__main__":
    main()
