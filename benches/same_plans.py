#!/usr/bin/env python3
"""Same inputs, same seeds, same threads: do two builds of carematch give the same plans?

A refactoring must not change a single byte of any plan. This script writes a fixed
corpus, each problem with a fixed seed, thread count and iteration budget and a time
limit far above what the iterations take (so the iterations, never the clock, end the
search), solves each with every binary given, and compares the plans byte for byte
(with `summary.solve_ms`, the only field that depends on the clock, set to 0). Each plan
also goes through `carematch check`. The corpus:

- the demo community's day and week (`carematch demo`, `demo --week`);
- generated cities of 2,000 and 20,000 needs (seed 7); a generated week (`--days 7`);
- the one-station generator at 1,000 needs (`--stations 1 --windows wide --layout
  mixed --seed 3`);
- venues and budgets (`--venues`: canteens, day-care seats, prices, vouchers), a day
  and a week;
- linked visits with soft windows (`--healthcare`: pairs together and in sequence);
- the 56 Solomon instances (`--solomon 10` for a quick run of ten);
- urgent dispatch and booking: each binary's `serve` answers `POST /v1/dispatch` and
  `POST /v1/recommend` (stateless form) for new needs against its own plans of the
  demo day, the city of 2,000, the venues day and the generated week.

    benches/same_plans.sh [REV]          # builds REV (default HEAD) and the work tree, compares
    python3 benches/same_plans.py --out DIR BIN [BIN ...]   # the same, for given binaries

Exit status 0 when every binary gives the same plan and the same answers everywhere.
"""

import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import solomon_peers  # noqa: E402  (the Solomon reader and its carematch conversion)

SOLOMON_10 = ["C101", "C201", "R101", "R105", "R202", "RC101", "RC105", "RC202", "R211", "C205"]
OPTIONS = {"threads": 2, "seed": 1, "time_limit_ms": 3_600_000}
# Problems whose plans also take urgent needs and bookings over HTTP.
LIVE = ["demo", "city2000", "venues2000", "week1400"]


def generated(binary, args):
    r = subprocess.run([binary, "generate", *args], check=True, capture_output=True)
    return json.loads(r.stdout)


def demo(binary, out, week):
    folder = os.path.join(out, "demo-week" if week else "demo")
    subprocess.run([binary, "demo", "--out", folder, *(["--week"] if week else [])],
                   check=False, capture_output=True)
    with open(os.path.join(folder, "problem.json")) as f:
        return json.load(f)


def solomon_names(which):
    if which == "10":
        return SOLOMON_10
    return sorted(f.removesuffix(".txt") for f in os.listdir(solomon_peers.DATASET)
                  if f.endswith(".txt"))


def problems(binary, out, solomon):
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

    put("demo", demo(binary, out, False), 20_000)
    put("demo-week", demo(binary, out, True), 20_000)
    for needs, iterations in [(2_000, 50_000), (20_000, 20_000)]:
        put(f"city{needs}", generated(binary, ["--needs", str(needs), "--seed", "7"]), iterations)
    put("week1400", generated(binary, ["--needs", "1400", "--days", "7", "--seed", "1"]), 20_000)
    put("station1000", generated(binary, ["--needs", "1000", "--stations", "1", "--windows", "wide",
                                          "--layout", "mixed", "--seed", "3"]), 20_000)
    put("venues2000", generated(binary, ["--needs", "2000", "--venues", "--seed", "5"]), 20_000)
    put("venues-week", generated(binary, ["--needs", "1000", "--days", "7", "--venues",
                                          "--seed", "2"]), 20_000)
    put("healthcare100", generated(binary, ["--needs", "100", "--healthcare", "--seed", "1"]),
        20_000)
    put("healthcare300", generated(binary, ["--needs", "300", "--healthcare", "--seed", "2"]),
        20_000)
    for name in solomon_names(solomon):
        path = os.path.join(solomon_peers.DATASET, name + ".txt")
        vehicles, capacity, rows = solomon_peers.parse(path)
        with open(os.path.join(solomon_peers.DATASET, "bks-travel.json")) as f:
            vehicles = json.load(f)[name]["vehicles"]
        p = solomon_peers.carematch_problem(vehicles, capacity, rows, solomon_peers.matrix(rows),
                                            0, 2, 1)
        put(name, p, 20_000)
    return made


def canonical(plan):
    plan["summary"]["solve_ms"] = 0
    # Reports read off the plan (v1.2's elder counts and trust figures) say nothing new
    # of it: a build that adds them still gives the same plan.
    for report in ("elders", "trust"):
        plan["summary"].pop(report, None)
    # An operator that never ran says nothing of the plan: a build that lists a new one
    # (tried 0 times here) still gives the same plan.
    search = plan["summary"].get("search") or {}
    if "operators" in search:
        search["operators"] = [o for o in search["operators"] if o["tried"] > 0]
    return json.dumps(plan, sort_keys=True).encode()


def plan_of(binary, problem):
    r = subprocess.run([binary, "solve", problem], check=True, capture_output=True)
    plan = json.loads(r.stdout)
    return canonical(plan), plan


class Server:
    """`BIN serve` on a free port of the loopback, for the stateless live calls."""

    def __init__(self, binary):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the service did not start")

    def post(self, path, body):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=600) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def live_calls(problem, plan):
    """Urgent needs and bookings for `plan` of `problem`: (path, body) pairs."""
    elders = problem["elders"]
    day = problem.get("options", {}).get("day_length") is not None
    calls = []
    for k in range(6):
        elder = elders[(k * 7919 + 11) % len(elders)]["id"]
        open_ = 9 * 3600 + (k * 4373) % (8 * 3600)
        sos = {"id": f"sos-{k}", "elder": elder, "service": "emergency",
               "windows": [[open_, open_ + 1800]], "priority": 100}
        with_sos = dict(problem, needs=problem["needs"] + [sos])
        calls.append(("/v1/dispatch", {"problem": with_sos, "plan": plan, "need": sos["id"],
                                       "now": open_ - 600}))
    for k in range(4):
        elder = elders[(k * 3571 + 5) % len(elders)]["id"]
        windows = [[9 * 3600, 11 * 3600], [14 * 3600, 16 * 3600]]
        if day:
            windows = [[w[0] + 86_400, w[1] + 86_400] for w in windows]
        book = {"id": f"book-{k}", "elder": elder, "service": "bathing", "windows": windows}
        calls.append(("/v1/recommend", {"problem": problem, "plan": plan, "need": book,
                                        "count": 5}))
    return calls


def live_digest(server, problem, plan):
    """One digest over every answer of the live calls, and how many served or offered."""
    h = hashlib.sha256()
    served = 0
    for path, body in live_calls(problem, plan):
        status, answer = server.post(path, body)
        if isinstance(answer, dict):
            if "plan" in answer and isinstance(answer["plan"], dict):
                answer["plan"] = json.loads(canonical(answer["plan"]))
            if "summary" in answer:
                answer["summary"]["solve_ms"] = 0
                for report in ("elders", "trust"):
                    answer["summary"].pop(report, None)
            served += int(bool(answer.get("served") or answer.get("options")))
        h.update(json.dumps([path, status, answer], sort_keys=True).encode())
    return h.hexdigest()[:16], served


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="working folder (problems and plans)")
    ap.add_argument("--solomon", choices=["all", "10"], default="all",
                    help="the Solomon instances: all 56 (default) or ten")
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    paths = problems(a.binaries[0], a.out, a.solomon)
    servers = [Server(b) for b in a.binaries]
    same = True
    try:
        for path in paths:
            name = os.path.basename(path).removesuffix(".json")
            digests, lives = [], []
            with open(path) as f:
                problem = json.load(f)
            for k, b in enumerate(a.binaries):
                t = time.time()
                text, plan = plan_of(b, path)
                secs = time.time() - t
                plan_file = os.path.join(a.out, f"{name}.{k}.plan.json")
                with open(plan_file, "wb") as f:
                    f.write(text)
                ok = subprocess.run([b, "check", path, plan_file], capture_output=True).returncode == 0
                s = plan["summary"]
                digests.append(hashlib.sha256(text).hexdigest()[:16])
                live = ""
                if name in LIVE:
                    d, n = live_digest(servers[k], problem, plan)
                    lives.append(d)
                    live = f" live {d} ({n}/10 served or offered)"
                print(f"{name:14} bin{k} {digests[-1]} served {s['assigned']:>6} "
                      f"travel {s['travel']:>10} {secs:6.1f} s {'checked' if ok else 'FAILS THE CHECKER'}"
                      f"{live}", flush=True)
                same &= ok
            if len(set(digests)) > 1 or len(set(lives)) > 1:
                print(f"{name:14} DIFFERENT", flush=True)
                same = False
    finally:
        for s in servers:
            s.close()
    print("same plans" if same else "plans differ")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
