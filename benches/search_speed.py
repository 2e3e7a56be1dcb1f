#!/usr/bin/env python3
"""Search speed of one or more builds, in instructions per iteration (valgrind
callgrind: stable whatever else the machine does).

For each problem, each binary solves it twice on one thread, at ITER and at 2 x ITER
search iterations; the difference of the two instruction counts divided by ITER is the
cost of one iteration of the search (the candidates, the constructions and the plan's
assembly cancel out). Problems: the one-station generator at 1,000 needs (`--stations 1
--windows wide --layout mixed --seed 3`) and six Solomon instances (one per family),
or the files given with --problem.

    python3 benches/search_speed.py BIN [BIN ...] [--iterations 2000] [--problem P.json ...]

Prints a row per problem and binary, and the ratio of each binary to the first.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import solomon_peers  # noqa: E402

SOLOMON = ["C101", "C201", "R101", "R201", "RC101", "RC201"]


def instructions(binary, problem, iterations):
    with open(problem) as f:
        p = json.load(f)
    p.setdefault("options", {}).update(threads=1, seed=1, time_limit_ms=3_600_000,
                                       iterations=iterations)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(p, f)
        path = f.name
    try:
        r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                            binary, "solve", path], capture_output=True, text=True, check=True)
    finally:
        os.unlink(path)
    return int(re.search(r"Collected : (\d+)", r.stderr).group(1))


def problems(binary, out):
    paths = []
    station = os.path.join(out, "station1000.json")
    r = subprocess.run([binary, "generate", "--needs", "1000", "--stations", "1", "--windows",
                        "wide", "--layout", "mixed", "--seed", "3"], capture_output=True, check=True)
    with open(station, "wb") as f:
        f.write(r.stdout)
    paths.append(station)
    for name in SOLOMON:
        vehicles, capacity, rows = solomon_peers.parse(os.path.join(solomon_peers.DATASET, name + ".txt"))
        with open(os.path.join(solomon_peers.DATASET, "bks-travel.json")) as f:
            vehicles = json.load(f)[name]["vehicles"]
        p = solomon_peers.carematch_problem(vehicles, capacity, rows, solomon_peers.matrix(rows), 0, 1, 1)
        path = os.path.join(out, name + ".json")
        with open(path, "w") as f:
            json.dump(p, f)
        paths.append(path)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--iterations", type=int, default=2000)
    ap.add_argument("--problem", action="append", default=[])
    a = ap.parse_args()
    out = tempfile.mkdtemp(prefix="search-speed-")
    paths = a.problem or problems(a.binaries[0], out)
    for path in paths:
        name = os.path.basename(path).removesuffix(".json")
        per = []
        for b in a.binaries:
            lo = instructions(b, path, a.iterations)
            hi = instructions(b, path, 2 * a.iterations)
            per.append((hi - lo) / a.iterations)
        ratios = " ".join(f"{x / per[0]:.3f}" for x in per)
        print(f"{name:12} " + " ".join(f"{x:12.0f}" for x in per) + f"   ratio to the first: {ratios}",
              flush=True)


if __name__ == "__main__":
    main()
