#!/usr/bin/env bash
# Sets up whatever is missing and serves Carry on http://127.0.0.1:3000 with demo accounts.
source "$(dirname "$0")/lib.sh"

ensure_rust_tools
ensure_node_tools
if [ -z "${DATABASE_URL:-}" ]; then
  ensure_postgres
  ensure_database carry
  export DATABASE_URL="$PG_BASE/carry"
fi
export CARRY_DEMO_DATA=1 CARRY_DEV=1
# Queries are checked against the committed .sqlx data, so the build needs no database.
export SQLX_OFFLINE=true

say "Building and serving Carry on http://127.0.0.1:3000 (first build takes several minutes)"
cat <<'MSG'
Demo accounts (password login):
  admin@carry.test     carry-admin-demo      (admin)
  sender@carry.test    carry-sender-demo
  traveler@carry.test  carry-traveler-demo
They have two bookings between them: see /bookings on either account.
Emails that would be sent: http://127.0.0.1:3000/dev/outbox
MSG
exec cargo leptos serve
