#!/usr/bin/env bash
# Install what Papote needs to run: uv (from PyPI), the Python environment in .venv
# (from uv.lock), and the official commune data (npm, from package-lock.json).
# Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

# uv (from PyPI) installs the locked environment; bootstrap it in .tools/ if missing.
if command -v uv >/dev/null 2>&1; then
  UV=$(command -v uv)
else
  if [ ! -x .tools/bin/uv ]; then
    python3 -m venv .tools
    .tools/bin/pip install --quiet --disable-pip-version-check uv
  fi
  UV=$PWD/.tools/bin/uv
fi
export UV_PYTHON_DOWNLOADS=never
if [ "${1:-}" = "--dev" ]; then
  "$UV" sync --frozen --python python3 --quiet
  npm ci --no-audit --no-fund --loglevel=error
else
  "$UV" sync --frozen --python python3 --no-dev --quiet
  npm ci --omit=dev --no-audit --no-fund --loglevel=error
fi
