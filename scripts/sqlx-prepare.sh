#!/usr/bin/env bash
# Regenerates .sqlx/ (the query data that lets `query!` build without a database). Run it after
# changing a query or a migration, and commit the result.
source "$(dirname "$0")/lib.sh"
ensure_postgres
DB=carry_sqlx_prepare
psql "$PG_BASE/postgres" -qc "drop database if exists $DB with (force)" >/dev/null
ensure_database "$DB"
for f in migrations/*.sql; do psql "$PG_BASE/$DB" -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null; done
rm -rf .sqlx && mkdir .sqlx
touch app/src/lib.rs server/src/lib.rs
env -u SQLX_OFFLINE DATABASE_URL="$PG_BASE/$DB" SQLX_OFFLINE_DIR="$ROOT/.sqlx" cargo check -q -p server --all-targets
psql "$PG_BASE/postgres" -qc "drop database $DB with (force)" >/dev/null
echo "wrote $(ls .sqlx | wc -l) query files to .sqlx/"
