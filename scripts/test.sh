#!/usr/bin/env bash
# Install what the tests need (PostgreSQL, Redis, nginx and Chromium from Debian packages
# when missing; the Python and npm dependencies), start PostgreSQL and Redis on free
# loopback ports in a temporary folder, run the whole suite, and stop them again.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/api -x).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
# `papote bench chat two-nodes` (its smoke test) puts nginx in front of two nodes
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
scripts/setup.sh --dev

PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
WORK=$(mktemp -d /tmp/papote-services.XXXXXX)
chmod 755 "$WORK"
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
PGPORT=$(free_port); REDISPORT=$(free_port)
AS_PG=()
[ "$(id -u)" -eq 0 ] && AS_PG=(runuser -u postgres --)

cleanup() {
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$REDISPORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/pg" "$WORK/sock"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg" "$WORK/sock"
"${AS_PG[@]}" "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 >/dev/null
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/sock -c fsync=on -c max_connections=300" start >/dev/null
redis-server --bind 127.0.0.1 --port "$REDISPORT" --save '' --appendonly no --daemonize yes \
  --logfile "$WORK/redis.log" --dir "$WORK" >/dev/null

export PAPOTE_TEST_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:$PGPORT/postgres"
export PAPOTE_TEST_REDIS_URL="redis://127.0.0.1:$REDISPORT/0"
echo "PostgreSQL on $PGPORT, Redis on $REDISPORT"

cd "$ROOT"
# Static checks first: lint, import layers, types (strict on safety, actions, realtime).
.venv/bin/ruff check --quiet .
.venv/bin/lint-imports --no-cache | tail -4
.venv/bin/mypy src/papote
echo "lint, layers, types: ok"
if [ $# -gt 0 ]; then
  .venv/bin/pytest -q -p no:cacheprovider "$@"
else
  # Playwright's sync API keeps an event loop running in the main thread:
  # the browser tests run in their own pytest process, after the rest.
  status=0
  .venv/bin/pytest -q -p no:cacheprovider -m "not e2e" || status=$?
  .venv/bin/pytest -q -p no:cacheprovider -m e2e tests/e2e || status=$?
  exit $status
fi
