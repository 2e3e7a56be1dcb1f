#!/usr/bin/env bash
# Makes benches/.venv with the peers from PyPI (pinned in benches/requirements.txt) and
# runs a peer benchmark: `benches/peers.sh assign [--runs N] [--only ...] [--memory]`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
which="${1:-assign}"
shift || true
exec "$venv/bin/python" "$here/${which}_peers.py" "$@"
