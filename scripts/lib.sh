# Shared by scripts/run.sh and scripts/test.sh: install what is missing, skip what is there.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_LEPTOS_VERSION=0.3.10 # 0.3.11+ needs a newer rustc than 1.95
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\n\033[1;36m==> %s\033[0m\n' "$*"; }
die() { printf '\033[1;31merror: %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# The wasm-bindgen version Cargo.lock pins (the CLI must match it exactly).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_rust_tools() {
  command -v cargo >/dev/null || die "Rust is required (https://rustup.rs)"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (once; about 13 minutes on 2 cores)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  local want; want="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
    say "Installing wasm-bindgen-cli $want (once; about 3 minutes)"
    # Not --locked: a version in its lock file is no longer on crates.io.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_node_tools() {
  command -v npm >/dev/null || die "Node.js and npm are required"
  if [ ! -x node_modules/.bin/tailwindcss ] || [ ! -x node_modules/.bin/wasm-opt ] \
     || [ ! -x node_modules/.bin/playwright ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing Tailwind CSS, wasm-opt and Playwright from npm"
    # Not `npm ci`: it insists on lock entries for every platform's optional packages (macOS,
    # Windows builds of Tailwind's oxide), which a registry mirror may not carry.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund
  fi
}

# schemathesis (from PyPI) checks the public API against its OpenAPI document; it lives in a
# virtual environment of its own (.data/venv), so nothing is installed into the system's Python.
SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS="$ROOT/.data/venv/bin/schemathesis"
ensure_schemathesis() {
  if "$SCHEMATHESIS" --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$"; then
    return
  fi
  say "Installing schemathesis $SCHEMATHESIS_VERSION from PyPI (once)"
  if ! command -v python3 >/dev/null; then apt_install python3 python3-venv; fi
  mkdir -p "$ROOT/.data"
  python3 -m venv "$ROOT/.data/venv" 2>/dev/null \
    || { apt_install python3-venv && python3 -m venv "$ROOT/.data/venv"; }
  "$ROOT/.data/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}

ensure_chromium() {
  CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$CHROMIUM_PATH" ]; then
    say "Installing Chromium from Debian"
    apt_install chromium
  fi
  export CHROMIUM_PATH
}

# Sets PG_BASE (a server URL without database). Uses DATABASE_URL's server when set; otherwise
# a PostgreSQL on 127.0.0.1:5432 that lets the postgres role in; otherwise starts our own
# cluster under .data/pg (installing Debian's postgresql when missing).
PG_PORT_OWN=55432
ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then
    PG_BASE="${DATABASE_URL%/*}"
    return
  fi
  if ! command -v psql >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "Installing PostgreSQL from Debian"
    apt_install postgresql postgresql-contrib
  fi
  local system="${PG_SYSTEM_URL:-postgres://postgres@127.0.0.1:5432}"
  if psql "$system/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
    PG_BASE="$system"
    return
  fi
  local bin data
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  data="$ROOT/.data/pg"
  local run=()
  # initdb refuses to run as root: the cluster belongs to the postgres user then.
  if [ "$(id -u)" -eq 0 ]; then run=(runuser -u postgres --); fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "Creating a PostgreSQL cluster in .data/pg"
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
    "${run[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! "${run[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "Starting PostgreSQL on 127.0.0.1:$PG_PORT_OWN"
    "${run[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $PG_PORT_OWN -k $data -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  PG_BASE="postgres://postgres@127.0.0.1:$PG_PORT_OWN"
}

ensure_database() { # name
  local exists
  exists="$(psql "$PG_BASE/postgres" -Atqc "select 1 from pg_database where datname = '$1'")"
  [ "$exists" = 1 ] || psql "$PG_BASE/postgres" -qc "create database \"$1\"" >/dev/null
}

# True when GET url answers 2xx (node is always here; curl may not be).
http_ok() {
  node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
}
