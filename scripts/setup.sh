#!/usr/bin/env bash
# Install what Papote needs to run: uv (from PyPI), the Python environment in .venv
# (from uv.lock), and the official commune data (npm, from package-lock.json).
# Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1 && [ ! -x "$HOME/.local/bin/uv" ]; then
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
fi
UV=$(command -v uv || echo "$HOME/.local/bin/uv")
export UV_PYTHON_DOWNLOADS=never
if [ "${1:-}" = "--dev" ]; then
  "$UV" sync --frozen --python python3 --quiet
  npm ci --no-audit --no-fund --loglevel=error
else
  "$UV" sync --frozen --python python3 --no-dev --quiet
  npm ci --omit=dev --no-audit --no-fund --loglevel=error
fi
