#!/usr/bin/env bash
# Casting throughput over HTTP: wrk posts one signed-by-the-server ballot
# per request, each with a fresh code, against a running `votum serve`.
#
#   cargo build --release --examples
#   bench/cast-load.sh DATABASE [CONNECTIONS] [DURATION]
#
# DATABASE is a demo database (SQLite path or postgres:// URL). The script
# prepares an open ballot with 200,000 credentials, starts the server on
# 127.0.0.1 only, runs wrk for a fixed time, stops the server and counts
# the ballots in the box. Needs wrk (Debian package).
set -euo pipefail
db=${1:?database}
connections=${2:-32}
duration=${3:-20s}
port=${PORT:-8767}
root=$(cd "$(dirname "$0")/.." && pwd)
# VOTUM_BIN: another build of the server to compare against.
bin=${VOTUM_BIN:-$root/target/release/votum}
work=$(mktemp -d)
export VOTUM_DATA_DIR=${VOTUM_DATA_DIR:-$work}
ballot=$("$root/target/release/examples/ballot_bench" prepare "$db" 200000 "$work/codes.txt" 2>/dev/null)
VOTUM_DATABASE_URL=$db VOTUM_PORT=$port VOTUM_LOG_LEVEL=off \
  "$bin" serve >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$base/login" >/dev/null && break; sleep 0.2; done
jar="$work/jar"
csrf=$(curl -s -c "$jar" "$base/vote/$ballot" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
pre=$(awk '$6 == "votum_pre" { print $7 }' "$jar")
CODES="$work/codes.txt" BALLOT=$ballot CSRF=$csrf PRE=$pre THREADS=2 \
  wrk -t2 -c"$connections" -d"$duration" --latency -s "$root/bench/cast.lua" "$base" | tee "$work/wrk.txt"
kill $server; wait $server 2>/dev/null || true
echo "ballot $ballot"
