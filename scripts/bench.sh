#!/usr/bin/env bash
# The benchmark (not a test): on the large data set (1,000,000 trips, 1,000,000 parcels), load
# the server-rendered trip-search page and, in the same run, a minimal axum handler running the
# same SQL, with wrk at 32 connections; then time match ranking for 1,000 random parcels, escrow
# throughput, the route alerts a new trip matches among 100,000, and chat delivery with 500
# members across two instances.
# Usage: scripts/bench.sh [seconds per load run, default 20]
source "$(dirname "$0")/lib.sh"

DURATION="${1:-20}"
ensure_rust_tools
ensure_node_tools
ensure_postgres
command -v wrk >/dev/null || { say "Installing wrk from Debian"; apt_install wrk; }
DB=carry_bench
ensure_database "$DB"
export DATABASE_URL="$PG_BASE/$DB" SQLX_OFFLINE=true

say "Building the release site (as deployed: split WASM, hashed names, precompressed)"
cargo leptos build --release --split
node scripts/precompress.mjs

say "The large data set (skipped when it is there; a few minutes the first time)"
target/release/server demo --large

PORT="${BENCH_PORT:-3300}"
BASE="http://127.0.0.1:$PORT"
mkdir -p target/bench
# As deployed: the other Leptos settings (hashed file names among them) come from Leptos.toml.
env \
  LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_ENV=PROD PUBLIC_URL="$BASE" CARRY_BENCH_ROUTES=1 \
  DATABASE_MAX_CONNECTIONS=32 RUST_LOG=warn target/release/server > target/bench/server.log 2>&1 &
SERVER_PID=$!
# A second instance on the same database, for chat across instances.
PORT_B=$((PORT + 1))
BASE_B="http://127.0.0.1:$PORT_B"
env \
  LEPTOS_SITE_ADDR="127.0.0.1:$PORT_B" LEPTOS_ENV=PROD PUBLIC_URL="$BASE_B" \
  DATABASE_MAX_CONNECTIONS=32 RUST_LOG=warn target/release/server > target/bench/server-b.log 2>&1 &
SERVER_B_PID=$!
trap 'kill $SERVER_PID $SERVER_B_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do http_ok "$BASE/api/ready" && break; sleep 1; done
http_ok "$BASE/api/ready" || { cat target/bench/server.log; die "the server did not start"; }
for _ in $(seq 1 60); do http_ok "$BASE_B/api/ready" && break; sleep 1; done
http_ok "$BASE_B/api/ready" || { cat target/bench/server-b.log; die "the second server did not start"; }

# The busiest route in the generated data: the two biggest cities.
read -r FROM TO < <(psql "$DATABASE_URL" -Atqc \
  "SELECT replace(label, ' ', '+'), (SELECT replace(label, ' ', '+') FROM places WHERE kind = 'city'
     ORDER BY population DESC OFFSET 1 LIMIT 1)
   FROM places WHERE kind = 'city' ORDER BY population DESC LIMIT 1" | tr '|' ' ')
QUERY="from=${FROM//,/%2C}&to=${TO//,/%2C}"
PAGE="$BASE/search/trips?$QUERY"
PLAIN="$BASE/bench/trips-plain?$QUERY"
FLOOR="$BASE/bench/trips-by-id"
rows="$(node -e 'fetch(process.argv[1]).then(r => r.text()).then(t => console.log((t.match(/data-testid="trip-card"/g) || []).length))' "$PAGE")"
say "Route: ${FROM//+/ } → ${TO//+/ } ($rows results on the page)"

to_ms() { # wrk prints 850.00us, 1.23ms or 1.02s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}
load() { # url [wrk options] → "p50 p99 rps"
  local url="$1"; shift
  wrk -t2 -c32 -d3s "$@" "$url" >/dev/null 2>&1 # warm-up
  local out; out="$(wrk -t2 -c32 -d"${DURATION}s" --latency "$@" "$url")"
  echo "$out" >> target/bench/wrk.txt
  local p50 p99 rps
  p50="$(echo "$out" | awk '/^ +50%/ { print $2 }')"
  p99="$(echo "$out" | awk '/^ +99%/ { print $2 }')"
  rps="$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')"
  echo "$(to_ms "$p50") $(to_ms "$p99") $rps"
}
: > target/bench/wrk.txt
# Throughput on this machine drifts by tens of percent from one run to the next, so the page and
# its plain reference are loaded in turns, ROUNDS times; the rows show the round with the median
# ratio, and the ratio is that median.
ROUNDS="${ROUNDS:-3}"
say "Load: 32 connections, ${DURATION}s each; the page and the plain handler in turns, $ROUNDS rounds"
rounds=()
for _ in $(seq 1 "$ROUNDS"); do
  read -r p50 p99 rps < <(load "$PAGE")
  read -r q50 q99 qrps < <(load "$PLAIN")
  ratio="$(awk -v a="$rps" -v b="$qrps" 'BEGIN { printf "%.4f", a / b }')"
  echo "  round: page $rps req/s, plain $qrps req/s, ratio $ratio"
  rounds+=("$ratio $p50 $p99 $rps $q50 $q99 $qrps")
done
read -r _ P50 P99 RPS Q50 Q99 QRPS < <(printf '%s\n' "${rounds[@]}" | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")
read -r F50 F99 FRPS < <(load "$FLOOR")
# As a browser asks for it: compressed as it is made (see DYNAMIC_COMPRESSION).
read -r B50 B99 BRPS < <(load "$PAGE" -H "Accept-Encoding: gzip, deflate, br")
printf '\n%-38s %10s %10s %10s\n' "" "p50 ms" "p99 ms" "req/s"
printf '%-38s %10s %10s %10s\n' "trip-search page (Leptos SSR)" "$P50" "$P99" "$RPS"
printf '%-38s %10s %10s %10s\n' "same SQL, plain axum + HTML table" "$Q50" "$Q99" "$QRPS"
printf '%-38s %10s %10s %10s\n' "floor: 20 trips by primary key" "$F50" "$F99" "$FRPS"
printf '%-38s %10s %10s %10s\n' "trip-search page, brotli (a browser)" "$B50" "$B99" "$BRPS"
awk -v a="$RPS" -v b="$QRPS" 'BEGIN { printf "ratio (page / plain, req/s): %.2f (target >= 0.85)\n", a / b }'
awk -v a="$RPS" -v b="$FRPS" 'BEGIN { printf "ratio (page / floor, req/s): %.2f (how far the search is from the least work)\n", a / b }'

say "Match ranking"
target/release/server bench-match --n 1000

say "Escrow hold + release (durable commits) against bare SQL"
target/release/server bench-escrow --n "${ESCROW_N:-2000}"

say "Route alerts: publishing a trip among 100,000 saved alerts"
target/release/server bench-alerts --alerts 100000 --n 500

say "Chat delivery: 500 members across two instances, 60 s"
target/release/server bench-chat --a "$BASE" --b "$BASE_B" --clients "${CHAT_CLIENTS:-500}" --seconds "${CHAT_SECONDS:-60}"
