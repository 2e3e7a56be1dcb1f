#!/usr/bin/env python3
"""The store's price, measured on the real `carematch serve`, every store in the same run.

1. Dispatch latency into a stored session of a 20,000-need city (`generate --needs 20000
   --seed 7`): one session per store, then N urgent needs dispatched one after another
   over one kept-alive connection, each answered only once it is stored (SQLite:
   `synchronous=FULL`, on disk). Prints p50, p99 and the largest, per store, and the
   ratio of each to memory.
2. Memory with many stored sessions: `serve --sessions 16`, M sessions of a small city
   created one after another; the process's resident memory (VmRSS) after each step.
   Bounded by the cache, it stays flat whatever the number stored.

    python3 benches/store.py [--bin target/release/carematch] [--dispatches 300]
                             [--sessions 1000] [--postgres postgres://…]
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, args):
        self.port = free_port()
        self.proc = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{self.port}",
                                      "--max-time-limit-ms", "120000", *args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(400):
            try:
                self.conn().request("GET", "/healthz")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("serve did not start")

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def call(conn, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    payload = r.read()
    return r.status, dict(r.getheaders()), payload


def generated(binary, *args):
    out = subprocess.run([binary, "generate", *args], check=True, capture_output=True).stdout
    return json.loads(out)


def latencies(binary, store_args, problem, n):
    server = Server(binary, store_args)
    try:
        c = server.conn()
        status, headers, _ = call(c, "POST", "/v1/plans", problem)
        assert status == 200, status
        sid = headers["location"].rsplit("/", 1)[1]
        elders = [e["id"] for e in problem["elders"]]
        took = []
        for k in range(n):
            open_ = 9 * 3600 + (k * 911) % (8 * 3600)
            need = {"id": f"sos-{k}", "elder": elders[(k * 7919) % len(elders)],
                    "service": "emergency", "windows": [[open_, open_ + 1800]], "priority": 100}
            t = time.perf_counter()
            status, _, _ = call(c, "POST", "/v1/dispatch",
                                {"plan_id": sid, "need": need, "now": open_ - 600})
            took.append((time.perf_counter() - t) * 1e3)
            assert status == 200, status
        return took
    finally:
        server.close()


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def memory(binary, m):
    small = generated(binary, "--needs", "60", "--seed", "2")
    small["options"] = {"iterations": 200}
    data = tempfile.mkdtemp(prefix="cm-rss-")
    server = Server(binary, ["--sessions", "16", "--data", data])
    try:
        c = server.conn()
        rows = [(0, server.rss_mib())]
        for k in range(1, m + 1):
            status, _, _ = call(c, "POST", "/v1/plans", small)
            assert status == 200, status
            if k in (10, 50, 100, 250, 500, 750, 1000, m):
                rows.append((k, server.rss_mib()))
        return rows
    finally:
        server.close()


def arguments(doc):
    """A bench's argument parser: its docstring as help, `--bin` the release binary."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "carematch"))
    return ap


def main():
    ap = arguments(__doc__)
    ap.add_argument("--dispatches", type=int, default=300)
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--postgres", default=os.environ.get("CAREMATCH_TEST_POSTGRES"))
    a = ap.parse_args()
    city = generated(a.bin, "--needs", "20000", "--seed", "7")
    city["options"] = {"iterations": 2000, "time_limit_ms": 120000}
    stores = [("memory", ["--store", "memory"]),
              ("sqlite", ["--data", tempfile.mkdtemp(prefix="cm-store-")])]
    if a.postgres:
        stores.append(("postgres", ["--store", a.postgres]))
    results = {}
    for name, args in stores:
        took = latencies(a.bin, args, city, a.dispatches)
        results[name] = took
        print(f"dispatch into a 20,000-need session, {name:8}: p50 {statistics.median(took):6.2f} ms"
              f"  p99 {percentile(took, 0.99):6.2f} ms  max {max(took):7.2f} ms  ({len(took)} dispatches)",
              flush=True)
    base = results["memory"]
    for name, took in results.items():
        print(f"  {name:8} / memory: p50 x{statistics.median(took) / statistics.median(base):.2f}"
              f", p99 x{percentile(took, 0.99) / percentile(base, 0.99):.2f}")
    print("serve --sessions 16 (SQLite), resident memory after N sessions stored:")
    for k, rss in memory(a.bin, a.sessions):
        print(f"  {k:5} sessions: {rss:7.1f} MiB", flush=True)


if __name__ == "__main__":
    sys.exit(main())
