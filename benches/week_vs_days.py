#!/usr/bin/env python3
"""A care programme over a week against the same week solved as independent days.

For each seed: `carematch generate --needs N --days 7` writes the week; carematch
solves it whole (days chosen by the engine, weekly hours held, carer changes priced).
The day-by-day baseline is today's one-day engine run seven times: day d gets every
visit whose window falls on d (a movable visit is offered on each of its days until
it has been served enough times), each carer's shifts of that day, and the per-day
limits; the weekly limits are not known to it. Both plans are scored the same way:
served priority, travel, distinct carers per elder, and how many carers go past their
weekly hours. Medians over seeds are printed.

usage: benches/week_vs_days.py [--needs 3400] [--seeds 3] [--limit 60] [--weight W]

--needs 3400 writes about 2,000 elders and 10,000 visits; --weight overrides the
generator's price of a carer change (600) in the week's objective.
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "carematch"
DAY = 86_400


def run(args, stdin=None):
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, check=True).stdout


def score(problem, routes):
    """Served priority, travel, mean distinct carers per elder, carers over weekly hours."""
    need = {n["id"]: n for n in problem["needs"]}
    prio = {n["id"]: n.get("priority", 50) for n in problem["needs"]}
    carers, work = {}, {}
    priority = travel = 0
    for r in routes:
        travel += r["travel"]
        work[r["provider"]] = work.get(r["provider"], 0) + r["travel"] + r["service"]
        for s in r["stops"]:
            priority += prio[s["need"]]
            carers.setdefault(need[s["need"]]["elder"], set()).add(r["provider"])
    over = sum(
        1
        for p in problem["providers"]
        if p.get("max_work_total") is not None and work.get(p["id"], 0) > p["max_work_total"]
    )
    mean = statistics.mean(len(c) for c in carers.values()) if carers else 0.0
    return priority, travel, mean, over


def whole(problem, limit, tmp):
    problem = json.loads(json.dumps(problem))
    problem["options"]["time_limit_ms"] = limit * 1000
    f = tmp / "week.json"
    f.write_text(json.dumps(problem))
    plan = json.loads(run(["solve", str(f)]))
    subprocess.run([str(BIN), "check", str(f), "-"], input=json.dumps(plan).encode(), check=True, capture_output=True)
    return plan["routes"]


def day_by_day(problem, limit, tmp):
    remaining = {n["id"]: n.get("visits", 1) for n in problem["needs"]}
    routes = []
    for d in range(7):
        lo, hi = d * DAY, (d + 1) * DAY
        needs = []
        for n in problem["needs"]:
            ws = [w for w in n["windows"] if lo <= w[0] < hi]
            if remaining[n["id"]] > 0 and ws:
                m = {k: v for k, v in n.items() if k not in ("visits", "min_gap", "all_visits")}
                m["windows"] = ws
                needs.append(m)
        providers = []
        for p in problem["providers"]:
            shifts = [s for s in p["shifts"] if lo <= s[0] < hi]
            if shifts:
                q = {k: v for k, v in p.items() if k not in ("max_visits_total", "max_work_total")}
                q["shifts"] = shifts
                providers.append((q, p["shifts"].index(shifts[0])))
        elders = {n["elder"] for n in needs}
        working = {q["id"] for q, _ in providers}

        def of_today(e):
            e = dict(e)
            for k in ("avoids", "prefers"):
                if k in e:
                    e[k] = [p for p in e[k] if p in working]
            return e

        day = {
            **{k: v for k, v in problem.items() if k not in ("needs", "providers", "elders", "options")},
            "elders": [of_today(e) for e in problem["elders"] if e["id"] in elders],
            "needs": needs,
            "providers": [q for q, _ in providers],
            "options": {"time_limit_ms": limit * 1000 // 7, "seed": 1},
        }
        f = tmp / f"day{d}.json"
        f.write_text(json.dumps(day))
        plan = json.loads(run(["solve", str(f)]))
        for r in plan["routes"]:
            for s in r["stops"]:
                remaining[s["need"]] -= 1
            routes.append(r)
    return routes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--needs", type=int, default=3400)
    ap.add_argument("--weight", type=int, default=None, help="price of a carer change")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--limit", type=int, default=60, help="seconds for the week (the days share it)")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    rows = []
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for seed in range(1, a.seeds + 1):
            problem = json.loads(run(["generate", "--needs", str(a.needs), "--days", "7", "--seed", str(seed)]))
            if a.weight is not None:
                problem["options"]["weights"]["carer_changes"] = a.weight
            visits = sum(n.get("visits", 1) for n in problem["needs"])
            w = score(problem, whole(problem, a.limit, tmp))
            d = score(problem, day_by_day(problem, a.limit, tmp))
            rows.append((w, d))
            print(
                f"seed {seed}: {len(problem['elders'])} elders, {visits} visits | week: priority {w[0]} travel {w[1]} carers/elder {w[2]:.2f} over-hours {w[3]}"
                f" | days: priority {d[0]} travel {d[1]} carers/elder {d[2]:.2f} over-hours {d[3]}",
                flush=True,
            )
    med = lambda f: statistics.median(f(w, d) for w, d in rows)
    print(f"median priority week/days: {med(lambda w, d: w[0] / max(d[0], 1)):.3f}")
    print(f"median travel week/days:   {med(lambda w, d: w[1] / max(d[1], 1)):.3f}")
    print(f"median carers/elder cut:   {med(lambda w, d: 1 - w[2] / max(d[2], 1e-9)):.1%}")
    print(f"carers over weekly hours:  week {max(w[3] for w, _ in rows)}, days {max(d[3] for _, d in rows)}")


if __name__ == "__main__":
    sys.exit(main())
