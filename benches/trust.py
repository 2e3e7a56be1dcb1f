#!/usr/bin/env python3
"""Care that people trust (issue 29), measured on generated data, 2 threads, seed 1,
same machine, same run; every plan checked by `carematch check`.

familiar — the generated week (`generate --needs N --seed S --days 7 --history 4`:
four weeks of past visits, each elder's visits handed among the four nearest
qualified carers, mostly the last one) solved twice with its programme's weights
(carer changes 600): "today", the problem without its `history` (what the engine did
before it read history), and "with history". For each, per elder, the distinct carers
counting history — the carers the plan sends plus those the elder knows from the
history — and the travel.

basic_first — the city short of carers of the issue (`generate --needs 2000 --seed 7`,
every third carer kept — elders' prefers and avoids of the others dropped — 50,000
iterations) solved without and with
`options.basic_first`: elders with needs, left with nothing, served twice or more, and
what basic service costs in priority served.

    python3 benches/trust.py [--bin target/release/carematch] [--only familiar|basic]
        [--needs 600] [--seed 7] [--iterations N]
"""

import argparse
import json
import statistics
import subprocess
import tempfile


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, check=True).stdout


def solve(binary, problem):
    o = problem.setdefault("options", {})
    o.update({"threads": 2, "seed": 1, "time_limit_ms": 3_600_000})
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(problem, f)
    plan = json.loads(run(binary, "solve", f.name))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as g:
        json.dump(plan, g)
    check = subprocess.run([binary, "check", f.name, g.name], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    return plan


def known(history):
    """Per elder, the carers a visit not missed and no complaint left standing made known."""
    complained = {(h["elder"], h["provider"]) for h in history
                  if h.get("complaint") and not h.get("lifted")}
    out = {}
    for h in history:
        pair = (h["elder"], h["provider"])
        if h.get("outcome", "done") != "missed" and pair not in complained:
            out.setdefault(h["elder"], set()).add(h["provider"])
    return out


def distinct_with_history(plan, knows):
    """Per elder served at home: |carers of the plan ∪ carers known|, mean and largest."""
    sent = {}
    for r in plan["routes"]:
        for s in r["stops"]:
            sent.setdefault(s["elder"], set()).add(r["provider"])
    counts = [len(c | knows.get(e, set())) for e, c in sent.items()]
    new = sum(len(c - knows.get(e, set())) for e, c in sent.items())
    return statistics.mean(counts), max(counts), new


def familiar(a):
    week = json.loads(run(a.bin, "generate", "--needs", str(a.needs), "--seed", str(a.seed),
                          "--days", "7", "--history", "4"))
    if a.iterations:
        week["options"]["iterations"] = a.iterations
    knows = known(week["history"])
    today = dict(week, history=[])
    p0, p1 = solve(a.bin, today), solve(a.bin, week)
    print(f"familiar: week of {len(week['needs'])} needs, {len(week['elders'])} elders, "
          f"{len(week['history'])} past visits over 4 weeks")
    for name, p in (("today (history unread)", p0), ("with history", p1)):
        mean, most, new = distinct_with_history(p, knows)
        s = p["summary"]
        print(f"  {name:24} served {s['assigned']} of {s['needs']}, travel {s['travel']}, "
              f"distinct carers per elder counting history {mean:.3f} (max {most}), "
              f"carers new to their elder {new}")
    m0, m1 = distinct_with_history(p0, knows)[0], distinct_with_history(p1, knows)[0]
    t0, t1 = p0["summary"]["travel"], p1["summary"]["travel"]
    print(f"  ratio with/today: distinct carers x{m1 / m0:.3f}, travel x{t1 / t0:.3f}")


def basic(a):
    city = json.loads(run(a.bin, "generate", "--needs", "2000", "--seed", "7"))
    city["providers"] = city["providers"][::3]
    kept = {c["id"] for c in city["providers"]}
    for e in city["elders"]:
        for key in ("prefers", "avoids"):
            if key in e:
                e[key] = [p for p in e[key] if p in kept]
    city.setdefault("options", {})["iterations"] = a.iterations or 50_000
    print(f"basic_first: city of {len(city['needs'])} needs, {len(city['elders'])} elders, "
          f"{len(city['providers'])} carers (every third kept)")
    plans = []
    for flag in (False, True):
        city["options"]["basic_first"] = flag
        p = solve(a.bin, json.loads(json.dumps(city)))
        s, e = p["summary"], p["summary"]["elders"]
        plans.append(p)
        print(f"  basic_first={str(flag).lower():5} elders with needs {e['with_needs']}, served "
              f"{e['served']}, left with nothing {e['left_with_nothing']}, served twice or more "
              f"{e['served_twice_or_more']}; needs served {s['assigned']}, priority served "
              f"{s['objective']['priority']} ({s['priority_served']:.3f}), travel {s['travel']}")
    e0, e1 = plans[0]["summary"]["elders"], plans[1]["summary"]["elders"]
    q0, q1 = plans[0]["summary"]["objective"]["priority"], plans[1]["summary"]["objective"]["priority"]
    print(f"  left with nothing x{e1['left_with_nothing'] / max(e0['left_with_nothing'], 1):.3f}; "
          f"priority served x{q1 / q0:.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="target/release/carematch")
    ap.add_argument("--only", choices=["familiar", "basic"])
    ap.add_argument("--needs", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--iterations", type=int)
    a = ap.parse_args()
    if a.only in (None, "familiar"):
        familiar(a)
    if a.only in (None, "basic"):
        basic(a)


if __name__ == "__main__":
    main()
