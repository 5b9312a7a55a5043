#!/usr/bin/env bash
# Install and run Papote on the embedded default (SQLite, in-process broker)
# at http://127.0.0.1:8000. Data goes to ./var (PAPOTE_DATA_DIR to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PAPOTE_DATA_DIR="${PAPOTE_DATA_DIR:-$PWD/var}"
exec .venv/bin/papote serve --host "${PAPOTE_HOST:-127.0.0.1}" --port "${PAPOTE_PORT:-8000}"
