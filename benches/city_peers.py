#!/usr/bin/env python3
"""Day plans against VROOM on generated city problems, in the same run.

For each size, generates a city (`carematch generate --needs N --seed S`), drops its
two-carer needs (VROOM has no synchronised visits), and converts it with
`examples/to_vroom.rs` (the same integer travel times, one matrix per provider speed;
rule 2 as VROOM skills; VROOM's per-shift limits are looser than carematch's per-day
ones). VROOM (pyvroom, exploration level 5, 2 threads) solves first; carematch then
gets VROOM's wall time as its `time_limit_ms` (at least --min-ms), with no iteration
limit. carematch's plan is
checked with `carematch check`. Prints served needs, served priority, travel and wall
time per engine, and the verdict of the issue's target (at least VROOM's served
priority, at most its travel, in no more time).

    benches/peers.sh city [--needs 2000] [--seed 7] [--threads 2] [--min-ms 2000]
                          [--level 5] [--same-limits]

With --same-limits both engines solve exactly the same problem (see
one_shift_per_provider); without it VROOM gets per-shift limits where carematch has
per-day ones (in VROOM's favour).
"""

import argparse
import json
import os
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def one_shift_per_provider(problem):
    """Rewrites `problem` so that VROOM's per-vehicle limits mean what carematch's
    per-day ones do: each shift becomes its own provider (same start, end, skills),
    `max_visits` is split over the shifts in proportion to their length (rounded
    down, at least 1 when the day had any), and `max_work` is dropped (VROOM's
    `max_travel_time` counts travel only; carematch's `max_work` counts travel and
    service). Elders' `prefers` / `avoids` name every part of a split provider."""
    parts = {}
    providers = []
    for p in problem["providers"]:
        shifts = p["shifts"]
        total = sum(b - a for a, b in shifts) or 1
        ids = []
        for k, (a, b) in enumerate(shifts):
            q = dict(p)
            q["id"] = p["id"] if len(shifts) == 1 else f"{p['id']}-{k}"
            q["shifts"] = [[a, b]]
            q.pop("max_work", None)
            if "max_visits" in p:
                v = p["max_visits"]
                q["max_visits"] = max(1 if v > 0 else 0, v * (b - a) // total)
            providers.append(q)
            ids.append(q["id"])
        parts[p["id"]] = ids
    problem["providers"] = providers
    for e in problem["elders"]:
        for key in ("prefers", "avoids"):
            if key in e:
                e[key] = [q for x in e[key] for q in parts.get(x, [x])]
    for n in problem["needs"]:
        n.pop("pinned", None)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--needs", default="2000", help="sizes, comma-separated")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--level", type=int, default=5, help="VROOM exploration level")
    ap.add_argument("--min-ms", type=int, default=2000, help="smallest carematch time limit")
    ap.add_argument("--vroom-timeout", type=float, default=None,
                    help="VROOM's time limit, seconds (pyvroom `timeout`); default: none")
    ap.add_argument("--same-limits", action="store_true",
                    help="make both engines solve the same problem: one provider per shift, "
                         "max_visits split over the shifts, no max_work (VROOM has no travel+service limit)")
    a = ap.parse_args()
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--bin", "carematch", "--example", "to_vroom"],
        cwd=ROOT,
        check=True,
    )
    import vroom

    with tempfile.TemporaryDirectory() as tmp:
        for n in a.needs.split(","):
            problem = json.loads(run([os.path.join(BIN, "carematch"), "generate", "--needs", n, "--seed", str(a.seed)]).stdout)
            dropped = [x for x in problem["needs"] if x.get("caregivers", 1) == 2]
            problem["needs"] = [x for x in problem["needs"] if x.get("caregivers", 1) == 1]
            if a.same_limits:
                one_shift_per_provider(problem)
            pfile = os.path.join(tmp, f"city{n}.json")
            with open(pfile, "w") as f:
                json.dump(problem, f)
            vfile = os.path.join(tmp, f"city{n}.vroom.json")
            # Big cities: matrices as raw u32 files (JSON would take GBs).
            binary = len(problem["needs"]) > 5000
            mdir = os.path.join(tmp, f"m{n}")
            os.makedirs(mdir, exist_ok=True)
            with open(vfile, "wb") as f:
                f.write(run([os.path.join(BIN, "examples", "to_vroom"), pfile] + (["--matrices", mdir] if binary else [])).stdout)
            print(f"== city of {len(problem['needs'])} needs (seed {a.seed}; {len(dropped)} two-carer needs dropped), "
                  f"{len(problem['providers'])} providers")

            inp = vroom.Input.from_json(vfile)
            if binary:
                import numpy as np
                with open(os.path.join(mdir, "matrices.json")) as f:
                    listing = json.load(f)
                size = listing["size"]
                for profile, path in listing["profiles"].items():
                    m = np.fromfile(path, dtype=np.uint32).reshape(size, size)
                    inp.set_durations_matrix(profile=profile, matrix_input=m)
                    del m
            kw = {}
            if a.vroom_timeout:
                from datetime import timedelta
                kw["timeout"] = timedelta(seconds=a.vroom_timeout)
            t = time.perf_counter()
            sol = inp.solve(exploration_level=a.level, nb_threads=a.threads, **kw)
            v_wall = time.perf_counter() - t
            print(f"  vroom solved in {v_wall:.1f} s", flush=True)
            with open(vfile) as f:
                jobs = {j["id"]: j for j in json.load(f)["jobs"]}
            out = sol.to_dict()  # VROOM's own JSON output
            unassigned = {int(u["id"]) for u in out["unassigned"]}
            v_served = len(jobs) - len(unassigned)
            v_priority = sum(j["priority"] for i, j in jobs.items() if i not in unassigned)
            v_travel = int(out["summary"]["duration"])

            ms = max(a.min_ms, int(v_wall * 1000))
            # The same time as VROOM took: the time limit, not the iterations, ends the search.
            problem.setdefault("options", {}).update({"time_limit_ms": ms, "threads": a.threads,
                                                      "iterations": 1_000_000_000})
            with open(pfile, "w") as f:
                json.dump(problem, f)
            plan_file = os.path.join(tmp, f"city{n}.plan.json")
            t = time.perf_counter()
            run([os.path.join(BIN, "carematch"), "solve", pfile, "-o", plan_file])
            c_wall = time.perf_counter() - t
            chk = subprocess.run([os.path.join(BIN, "carematch"), "check", pfile, plan_file], capture_output=True, text=True)
            if chk.returncode != 0:
                raise SystemExit(f"carematch plan fails the checker:\n{chk.stdout}")
            with open(plan_file) as f:
                s = json.load(f)["summary"]
            print(f"  {'engine':10} {'served':>7} {'priority':>9} {'travel s':>10} {'wall s':>7}")
            print(f"  {'vroom':10} {v_served:>7} {v_priority:>9} {v_travel:>10} {v_wall:>7.1f}")
            print(f"  {'carematch':10} {s['assigned']:>7} {s['objective']['priority']:>9} {s['travel']:>10} {c_wall:>7.1f}")
            ok = (s["objective"]["priority"] >= v_priority, s["travel"] <= v_travel, c_wall <= max(v_wall, a.min_ms / 1000) * 1.1)
            print(f"  priority >= VROOM: {ok[0]}; travel <= VROOM: {ok[1]}; time <= VROOM: {ok[2]}")


if __name__ == "__main__":
    main()
