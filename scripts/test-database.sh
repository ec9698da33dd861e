#!/usr/bin/env bash
# Makes sure PostgreSQL runs on 127.0.0.1:5432 (starting the local cluster
# if it is installed but stopped), creates a fresh, empty database for the
# tests and prints its URL. Tests create their own databases next to it.
set -euo pipefail
admin="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

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

name="basketball_test_$(date +%s)_$$"
psql -q -v ON_ERROR_STOP=1 "$admin" -c "CREATE DATABASE $name" >&2
# Drop test databases that earlier runs left behind.
for old in $(psql -Atq "$admin" -c "SELECT datname FROM pg_database WHERE datname LIKE 'basketball\_test\_%' AND datname <> '$name'"); do
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $old WITH (FORCE)" >&2 || true
done
echo "postgres://postgres@127.0.0.1:5432/$name?sslmode=disable"
