#!/usr/bin/env bash
# How long Debian's headless chromium takes to open the plan page of a generated city
# of N needs (default 20,000), run its script and hand back the DOM: RUNS runs
# (default 5), each a fresh browser, the median printed. Needs /usr/bin/chromium.
# usage: benches/view_render.sh [N] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-20000}"; runs="${2:-5}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/carematch"
dir="$(mktemp -d)"; trap 'rm -rf "$dir"' EXIT
"$bin" generate --needs "$n" --seed 1 > "$dir/p.json"
"$bin" solve "$dir/p.json" -o "$dir/plan.json" 2>/dev/null
"$bin" view "$dir/p.json" "$dir/plan.json" -o "$dir/plan.html" 2>/dev/null
echo "page: $(du -h "$dir/plan.html" | cut -f1), $(grep -o '"need":' "$dir/plan.html" | wc -l) stops and unserved entries"
times=()
for i in $(seq "$runs"); do
  start=$(date +%s.%N)
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$dir/profile-$i" --dump-dom "file://$dir/plan.html" 2>/dev/null > "$dir/dom.html"
  end=$(date +%s.%N)
  grep -q 'data-ready="1"' "$dir/dom.html" || { echo "run $i: the page's script did not finish" >&2; exit 1; }
  times+=("$(echo "$end - $start" | bc)")
done
printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" '{a[NR]=$1} END {printf "open, script and DOM of the page, %d runs: median %.2f s (min %.2f, max %.2f)\n", n, a[int((n+1)/2)], a[1], a[n]}'
