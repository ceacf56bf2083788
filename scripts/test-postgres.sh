#!/usr/bin/env bash
# Start the local PostgreSQL cluster if it is down and (re)create a throw-away test database.
# Prints the database URL for TEST_DATABASE_URL; with --name, only the database's name, touching nothing.
# The name is careinspect_test_ and a hash of this checkout's path, so two checkouts on one machine never drop each
# other's database; CAREINSPECT_TEST_DB names another.
set -euo pipefail
checkout=$(cd -P "$(dirname "$0")/.." && pwd)
DB=${CAREINSPECT_TEST_DB:-careinspect_test_$(printf %s "$checkout" | sha256sum | cut -c1-10)}
[[ $DB =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "not a plain database name: $DB" >&2; exit 1; }
if [[ ${1:-} == --name ]]; then
  echo "$DB"
  exit 0
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  cluster=$(pg_lsclusters --no-header | awk '$3 == 5432 {print $1" "$2; exit}')
  [[ -n $cluster ]] || { echo "no PostgreSQL cluster on port 5432" >&2; exit 1; }
  pg_ctlcluster $cluster start >&2
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi
as_postgres() { if [[ $(id -u) -eq 0 ]]; then su postgres -c "$1"; else sh -c "$1"; fi; }
as_postgres "psql -q -v ON_ERROR_STOP=1 -c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'careinspect') THEN CREATE ROLE careinspect LOGIN PASSWORD 'careinspect' CREATEDB; END IF; END\\\$\\\$\"" >&2
as_postgres "dropdb --if-exists -f $DB && createdb -O careinspect $DB" >&2
echo "postgresql+psycopg://careinspect:careinspect@127.0.0.1:5432/$DB"
