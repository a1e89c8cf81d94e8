#!/usr/bin/env bash
# Survey answers over HTTP: wrk posts one complete answer per request, each
# with the next unused one-time code of a letter, against a running
# `votum serve`.
#
#   cargo build --release --bin votum --example survey_bench
#   bench/survey-load.sh DATABASE [MEMBERS] [CONNECTIONS] [DURATION]
#
# DATABASE is a demo database (SQLite path or postgres:// URL) with at least
# MEMBERS (default 40,000) members. The script prepares an open anonymous
# survey of the top group in which MEMBERS members got a letter, starts the
# server on 127.0.0.1 only, runs wrk for a fixed time, stops the server and
# prints the survey id. Count the stored answers afterwards with
#   sqlite3 DATABASE "SELECT channel, count(*) FROM survey_responses WHERE survey_id = 'ID' GROUP BY 1"
# Needs wrk (Debian package).
set -euo pipefail
db=${1:?database}
members=${2:-40000}
connections=${3:-32}
duration=${4:-20s}
port=${PORT:-8768}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
export VOTUM_DATA_DIR=${VOTUM_DATA_DIR:-$work}
survey=$("$root/target/release/examples/survey_bench" prepare "$db" "$members" "$work/codes.txt")
VOTUM_DATABASE_URL=$db VOTUM_PORT=$port VOTUM_LOG_LEVEL=off \
  "$root/target/release/votum" serve >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$base/login" >/dev/null && break; sleep 0.2; done
jar="$work/jar"
first=$(head -1 "$work/codes.txt")
csrf=$(curl -s -c "$jar" "$base/s/$survey?code=$first" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
pre=$(awk '$6 == "votum_pre" { print $7 }' "$jar")
CODES="$work/codes.txt" SURVEY=$survey CSRF=$csrf PRE=$pre THREADS=2 \
  wrk -t2 -c"$connections" -d"$duration" --latency -s "$root/bench/survey.lua" "$base" | tee "$work/wrk.txt"
kill $server; wait $server 2>/dev/null || true
echo "survey $survey"
