#!/usr/bin/env bash
# Builds carematch at REV (default HEAD) and in the work tree, and checks that both give
# byte-identical plans, urgent dispatches and bookings on a fixed corpus
# (benches/same_plans.py says which). Use it around any refactoring:
# `benches/same_plans.sh main`, or `benches/same_plans.sh main --solomon 10` for a quick run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rev="${1:-HEAD}"
shift || true
out="$root/benches/out/same-plans"
base="$out/base-src"
rm -rf "$out"
mkdir -p "$out"
git -C "$root" worktree add --detach --force "$base" "$rev" >/dev/null
trap 'git -C "$root" worktree remove --force "$base" >/dev/null 2>&1 || true' EXIT
# The base keeps its own target folder under benches/out (dependencies built once).
CARGO_TARGET_DIR="$root/benches/out/base-target" cargo build --release --quiet --bin carematch \
  --manifest-path "$base/Cargo.toml"
cargo build --release --quiet --bin carematch --manifest-path "$root/Cargo.toml"
python3 "$root/benches/same_plans.py" --out "$out" "$@" \
  "$root/benches/out/base-target/release/carematch" "$root/target/release/carematch"
