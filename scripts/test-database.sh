#!/usr/bin/env bash
# Makes sure PostgreSQL runs on 127.0.0.1:5432 (starting the local cluster
# if it is installed but stopped), creates a fresh, empty database with a
# name of its own for this run and prints its URL. Tests create their own
# databases next to it. `scripts/test-database.sh --drop URL` drops the
# database of that URL again (and only that one); .ci/run and
# scripts/test.sh call it when their run ends, so two runs on one server
# never touch each other's databases.
set -euo pipefail
admin="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

if [ "${1:-}" = "--drop" ]; then
  name=$(basename "${2:?usage: test-database.sh --drop URL}")
  name=${name%%\?*}
  case "$name" in
    basketball_test_*) psql -q "$admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >&2 ;;
    *) echo "test-database.sh: refusing to drop $name (not a test database)" >&2; exit 2 ;;
  esac
  exit 0
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >&2 || true
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && break
    sleep 1
  done
fi
pg_isready -q -h 127.0.0.1 -p 5432

name="basketball_test_$(date +%s)_$$_${RANDOM}"
psql -q -v ON_ERROR_STOP=1 "$admin" -c "CREATE DATABASE $name" >&2
echo "postgres://postgres@127.0.0.1:5432/$name?sslmode=disable"
