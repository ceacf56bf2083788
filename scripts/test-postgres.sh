#!/usr/bin/env bash
# Start the local PostgreSQL cluster if it is down and (re)create a throw-away test database.
# Prints the database URL for TEST_DATABASE_URL.
set -euo pipefail
DB=${CAREINSPECT_TEST_DB:-careinspect_test}
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
