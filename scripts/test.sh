#!/usr/bin/env bash
# Runs the whole test suite, installing what the tests need first:
# stripe-mock (Go module proxy), Chromium (Debian) and a fresh PostgreSQL
# test database when TEST_DATABASE_URL is not already set.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-stripe-mock.sh
scripts/install-chromium.sh

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if url=$(scripts/test-database.sh 2>/dev/null); then
    export TEST_DATABASE_URL="$url"
    trap 'scripts/test-database.sh --drop "$TEST_DATABASE_URL" || true' EXIT
    echo "PostgreSQL tests use $TEST_DATABASE_URL (dropped when the run ends)"
  else
    echo "note: no PostgreSQL reachable on 127.0.0.1:5432; running the SQLite tests only" >&2
  fi
fi

scripts/lint.sh
go test -race -count=1 -timeout 20m ./... "$@"
