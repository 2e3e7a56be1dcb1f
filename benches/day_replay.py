#!/usr/bin/env python3
"""A day replayed over HTTP: events in time order into a stored session of the real
`carematch serve` (SQLite), the demo day and a generated 2,000-need day.

Events (seeded): 10 % of the plan's visits missed (each at its start), the two carers
with the most visits left sick at 10:00, 20 cancellations and 15 emergencies at random
times (emergencies at random elders, window [t, t + 1 h], target 15 minutes). Each is
one batch `POST /v1/plans/{id}/events` at its time. After each:

- the plan (`GET`) passes `POST /v1/check` against the problem with the needs added;
- no visit that started by `now` changed, but for what the event named and the visits
  an absent carer had from her absence on;
- an emergency: met within 15 minutes? and could anyone? The oracle: every qualified
  carer (the emergency skill, level 2, not a volunteer, not absent, on shift) from the
  plan at that moment — finishing the visit she is in, else leaving from her last
  visit (or her start) at `now` — and the haversine travel of the wire format; the
  30-minute visit and her way back must fit her shift. (Her later visits, daily
  limits and the elder's avoids are not the oracle's concern: it can be optimistic.)

Prints, per day: event latency p50/p99 (goal p99 < 50 ms at 2,000 needs), visits
changed per event (median, p95), against a from-scratch re-solve at 8 sampled moments
(the past pinned, the same seed), emergencies met / possible, checks passed.

With `--improve K` every batch also re-optimises the rest of the day for K
iterations (`improve`); the end of the day's served needs and travel, and the visits
that changed carer, say what that bought.

    python3 benches/day_replay.py [--bin target/release/carematch] [--seed 1] [--improve 2000]
"""

import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from store import Server, arguments, call, generated  # noqa: E402

SPEEDS = {"walk": 4.5, "bike": 12.0, "ebike": 15.0, "car": 25.0}
TARGET = 900
EMERGENCY_S = 1800


def travel_time(problem, provider, a, b):
    t = problem.get("travel") or {}
    if t.get("metric", "haversine") != "haversine":
        raise SystemExit("the oracle knows haversine problems only")
    detour = t.get("detour", 1.3)
    speed = provider.get("speed_kmh") or SPEEDS.get(provider.get("mode"), 15.0)
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    d = 2 * 6371008.8 * math.asin(min(1.0, math.sqrt(h)))
    return math.ceil(d * detour / (speed / 3.6))


def oracle(problem, plan, absent, elder_at, t):
    """The earliest any qualified carer could reach `elder_at` told at `t`."""
    routes = {}
    for r in plan["routes"]:
        routes.setdefault(r["provider"], []).append(r)
    homes = {e["id"]: e["location"] for e in problem["elders"]}
    best = None
    for p in problem["providers"]:
        if ("emergency" not in p["skills"] or p.get("level", 0) < 2
                or p["kind"] == "volunteer" or p["id"] in absent):
            continue
        for k, (open_, close) in enumerate(p["shifts"]):
            if close < t:
                continue
            where, free = p["start"], max(open_, t)
            for r in (x for x in routes.get(p["id"], []) if x["shift"] == k):
                for s in r["stops"]:
                    if s["start"] <= t:
                        where, free = homes[s["elder"]], max(s["end"], t)
            eta = free + travel_time(problem, p, where, elder_at)
            # The visit (30 minutes) and the way back fit her shift (rule 2).
            back = eta + EMERGENCY_S + travel_time(problem, p, elder_at, p.get("end", p["start"]))
            if back <= close and (best is None or eta < best[0]):
                best = (eta, p["id"])
    return best


def places(plan):
    out = {}
    for r in plan["routes"]:
        for s in r["stops"]:
            key = (s["need"], s.get("visit"))
            carers, _ = out.get(key, ([], s["start"]))
            out[key] = (sorted(carers + [r["provider"]]), s["start"])
    return out


def timeline(problem, plan, rng):
    visits = [(s["start"], s["need"]) for r in plan["routes"] for s in r["stops"]
              if s.get("visit") is None]
    starts = [v[0] for v in visits]
    lo, hi = min(starts), max(starts)
    events = [(start, 1, {"kind": "visit_missed", "need": need, "reason": "not home"})
              for start, need in rng.sample(visits, len(visits) // 10)]
    events.append((36000, 0, {"kind": "sick"}))
    events += [(rng.randint(lo, hi), 2, {"kind": "cancel"}) for _ in range(20)]
    elders = [e["id"] for e in problem["elders"]]
    for k in range(15):
        t = rng.randint(lo, hi)
        events.append((t, 3, {"kind": "need_added", "need": {
            "id": f"sos-{k}", "elder": rng.choice(elders), "service": "emergency",
            "windows": [[t, t + 3600]], "priority": 100}}))
    return sorted(events, key=lambda e: (e[0], e[1]))


def resolve(server, problem, plan, now, gone):
    """Visits after `now` a from-scratch re-solve puts elsewhere than `plan` does."""
    p = json.loads(json.dumps(problem))
    p["needs"] = [n for n in p["needs"] if n["id"] not in gone]
    kept = {}
    for r in plan["routes"]:
        for s in r["stops"]:
            if s["start"] <= now:
                kept.setdefault(s["need"], []).append((r["provider"], s["start"]))
    for n in p["needs"]:
        if n["id"] in kept and len(kept[n["id"]]) == 1 and n.get("visits", 1) == 1:
            prov, start = kept[n["id"]][0]
            n["pinned"] = {"provider": prov, "start": start}
    p["options"] = {**p.get("options", {}), "iterations": 2000, "threads": 1}
    status, _, body = call(server.conn(), "POST", "/v1/plans", p)
    if status != 200:
        return None
    fresh, now_places = places(json.loads(body)), places(plan)
    return sum(1 for k, v in now_places.items() if v[1] > now and fresh.get(k) != v)


def replay(binary, name, problem, seed, improve=0):
    rng = random.Random(seed)
    problem = json.loads(json.dumps(problem))
    problem.setdefault("options", {})["iterations"] = 3000
    server = Server(binary, ["--data", tempfile.mkdtemp(prefix="cm-day-")])
    try:
        c = server.conn()
        status, headers, body = call(c, "POST", "/v1/plans", problem)
        assert status == 200, body[:300]
        sid = headers["location"].rsplit("/", 1)[1]
        plan = json.loads(body)
        homes = {e["id"]: e["location"] for e in problem["elders"]}
        took, changed, checks, failed, handed, handed_each = [], [], 0, [], 0, []
        met = possible = met_possible = 0
        absent, gone, scratch, missed_why = {}, set(), [], []
        events = timeline(problem, plan, rng)
        sample = set(rng.sample(range(len(events)), min(8, len(events))))
        for i, (t, _, e) in enumerate(events):
            now_places = places(plan)
            if e["kind"] == "sick":
                left = {}
                for r in plan["routes"]:
                    left[r["provider"]] = left.get(r["provider"], 0) + sum(s["start"] >= t for s in r["stops"])
                sick = sorted(left, key=lambda p: -left[p])[:2]
                batch = [{"kind": "carer_absent", "provider": p, "from": t} for p in sick]
                absent.update({p: t for p in sick})
            elif e["kind"] == "cancel":
                future = [k for k, v in now_places.items() if v[1] > t and k[1] is None]
                if not future:
                    continue
                need = rng.choice(sorted(future))[0]
                batch = [{"kind": "need_cancelled", "need": need}]
                gone.add(need)
            elif e["kind"] == "visit_missed":
                v = now_places.get((e["need"], None))
                if v is None or v[1] != t:
                    continue  # it moved or is not served any more
                batch = [e]
                gone.add(e["need"])
            else:
                batch = [e]
            if i in sample:
                scratch.append(resolve(server, problem, plan, t, gone))
            if e["kind"] == "need_added":
                best = oracle(problem, plan, absent, homes[e["need"]["elder"]], t)
            t0 = time.perf_counter()
            body = {"now": t, "events": batch}
            if improve:
                body["improve"] = improve
            status, _, body = call(c, "POST", f"/v1/plans/{sid}/events", body)
            took.append((time.perf_counter() - t0) * 1e3)
            assert status == 200, body[:400]
            out = json.loads(body)
            changed.append(len(out["changes"]))
            hands = sum(1 for ch in out["changes"] if ch.get("before") and ch.get("after")
                        and ch["before"]["providers"] != ch["after"]["providers"])
            handed += hands
            handed_each.append(hands)
            if e["kind"] == "need_added":
                problem["needs"].append(e["need"])
                sos = next((x for x in out["changes"] if x["need"] == e["need"]["id"]), None)
                got = sos and sos["after"] and sos["after"]["start"] <= t + TARGET
                could = best is not None and best[0] <= t + TARGET
                met += bool(got)
                possible += could
                met_possible += bool(got and could)
                if could and not got:
                    missed_why.append((t, best[0] - t, best[1], e["need"]["elder"], sos and sos.get("after"), sos and sos.get("reason"),
                                       sos and (sos.get("detail") or "")[:120]))
            _, _, body = call(c, "GET", f"/v1/plans/{sid}")
            new = json.loads(body)
            _, _, verdict = call(c, "POST", "/v1/check", {"problem": problem, "plan": new})
            verdict = json.loads(verdict)
            checks += 1
            if not verdict.get("feasible"):
                failed.append(("check", t, verdict.get("violations", [])[:2]))
            named = {b["need"] for b in batch if isinstance(b.get("need"), str)}
            after = places(new)
            for k, (carers, start) in now_places.items():
                if start > t or k[0] in named:
                    continue
                if any(c_ in absent and start >= absent[c_] for c_ in carers):
                    continue
                if after.get(k) != (carers, start):
                    failed.append(("past", t, k))
            plan = new
        scratch = [x for x in scratch if x is not None]
        q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
        print(f"{name}: {len(problem['needs'])} needs, {len(took)} event batches, improve {improve}")
        print(f"  end of day: {plan['summary']['assigned']} served, travel {plan['summary']['travel']} s;"
              f" visits that changed carer over the day: {handed}")
        print(f"  latency      p50 {statistics.median(took):6.1f} ms  p99 {q(took, 0.99):6.1f} ms  max {max(took):6.1f} ms")
        print(f"  changed visits per event: median {statistics.median(changed)}, p95 {q(changed, 0.95)};"
              f" of them to another carer: median {statistics.median(handed_each)}, p95 {q(handed_each, 0.95)}")
        if scratch:
            print(f"  a from-scratch re-solve at {len(scratch)} of those moments moves: median {statistics.median(scratch)},"
                  f" p95 {q(scratch, 0.95)} visits still to come")
        print(f"  emergencies: {met} of 15 met within 15 min; the oracle says {possible} could be;"
              f" met where possible: {met_possible} of {possible}")
        for m in missed_why:
            print(f"    missed though possible: at {m[0]}, oracle eta +{m[1]} s: {m[2:]}")
        print(f"  plans checked: {checks}, failures: {len(failed)} {failed[:3]}")
        return not failed
    finally:
        server.close()


def main():
    ap = arguments(__doc__)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--improve", type=int, default=0,
                    help="iterations of re-optimisation per batch (the batch's `improve`)")
    a = ap.parse_args()
    demo_dir = tempfile.mkdtemp(prefix="cm-demo-")
    subprocess.run([a.bin, "demo", "--out", demo_dir], check=True, capture_output=True)
    with open(os.path.join(demo_dir, "problem.json")) as f:
        demo = json.load(f)
    ok = replay(a.bin, "demo day", demo, a.seed, a.improve)
    city = generated(a.bin, "--needs", "2000", "--seed", "3")
    ok &= replay(a.bin, "generated day", city, a.seed, a.improve)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
