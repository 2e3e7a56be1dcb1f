#!/usr/bin/env python3
"""Carers' working day on the generated city (`generate --needs 2000 --seed 7`, 2 threads,
seed 1, the search stopped by its default iterations), one run per setting, same
machine, same run:

- default weights: work per kind of carer (min, mean, max, standard deviation);
- fair shares: `weights.balance` 1 with travel weighed 30 (a second of imbalance worth
  1/30 of a second of travel, summed over every carer);
- contracted hours: every staff and organisation carer `regular_work` 6 h
  (`generate --regular-work 21600`), without and with `weights.overtime` 1.

Prints served needs, travel and its ratio to the default, overtime, and the standard
deviation of work per kind with its ratio.

    python3 benches/workload.py [--bin target/release/carematch] [--needs 2000] [--seed 7]
"""

import argparse
import json
import subprocess
import tempfile


def solve(binary, problem, weights):
    p = json.loads(json.dumps(problem))
    o = p.setdefault("options", {})
    o.update({"threads": 2, "seed": 1, "time_limit_ms": 600_000})
    o["weights"] = weights
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(p, f)
    out = subprocess.run([binary, "solve", f.name], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["summary"]


def show(name, s, base):
    w = s["workload"]
    std = {k["kind"]: k["std"] for k in w["by_kind"]}
    b = {k["kind"]: k["std"] for k in base["workload"]["by_kind"]}
    kinds = ", ".join(f"{k} {std[k]:.0f} (x{std[k] / b[k]:.2f})" for k in std if b.get(k))
    over = "" if w.get("overtime") is None else f", overtime {w['overtime']} s"
    print(f"{name:32} served {s['assigned']}, travel {s['travel']} (x{s['travel'] / base['travel']:.3f}){over};"
          f" std of work: {kinds}; {s['solve_ms'] / 1000:.1f} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="target/release/carematch")
    ap.add_argument("--needs", default="2000")
    ap.add_argument("--seed", default="7")
    a = ap.parse_args()
    gen = lambda *extra: json.loads(subprocess.run(
        [a.bin, "generate", "--needs", a.needs, "--seed", a.seed, *extra],
        capture_output=True, text=True, check=True).stdout)
    city = gen()
    base = solve(a.bin, city, {})
    show("default", base, base)
    show("balance 1, travel 30", solve(a.bin, city, {"balance": 1, "travel": 30}), base)
    contracted = gen("--regular-work", "21600")
    plain = solve(a.bin, contracted, {})
    show("regular_work 6 h", plain, base)
    show("regular_work 6 h, overtime 1", solve(a.bin, contracted, {"overtime": 1}), base)


if __name__ == "__main__":
    main()
