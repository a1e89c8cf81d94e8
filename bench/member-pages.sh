#!/usr/bin/env bash
# Load test of the member list, search and group pages against a running
# demo server: median and p99 latency per page, as a chair and as an admin.
#
#   target/release/votum demo --members 400000 --no-serve --database /tmp/big.sqlite
#   bench/member-pages.sh /tmp/big.sqlite CHAIR_LOGIN
#
# Needs wrk (Debian package). Sends traffic to 127.0.0.1 only, for a fixed
# duration per page, and stops the server it started.
set -euo pipefail
db=${1:?database file}
chair=${2:?chair login printed by votum demo}
port=${PORT:-8765}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
base="http://127.0.0.1:$port"
work=$(mktemp -d)
VOTUM_DATABASE_URL=$db VOTUM_PORT=$port VOTUM_LOG_LEVEL=off VOTUM_DATA_DIR=$work \
  "$root/target/release/votum" serve >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "$base/login" >/dev/null && break; sleep 0.2; done

session() { # login -> session cookie value
  local jar="$work/jar.$1" csrf
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" \
    --data-urlencode "login=$1" --data-urlencode "password=votum-demo" "$base/login"
  awk '$6 == "votum_session" { print $7 }' "$jar"
}
admin=$(session admin)
chair=$(session "$chair")
state=$(curl -s -H "Cookie: votum_session=$admin" "$base/groups" | sed -n 's/.*href="\/groups\/\(lv-bayern\)".*/\1/p' | head -1)
top=$(curl -s -H "Cookie: votum_session=$admin" "$base/groups" | sed -n 's/.*<p><a href="\/groups\/\([^"]*\)".*/\1/p' | head -1)

run() { # label cookie path
  local out
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency -H "Cookie: votum_session=$2" "$base$3")
  local p50 p99 rps non2xx
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  non2xx=$(awk '/Non-2xx/ { print $5 }' <<<"$out")
  printf '| %-34s | %-40s | %8s | %8s | %8s | %s\n' "$1" "$3" "$p50" "$p99" "$rps" "${non2xx:+non-2xx: $non2xx}"
}
echo "| who / page                         | path                                     |   median |      p99 |    req/s |"
run "chair: own chapter list"       "$chair" "/members"
run "chair: search"                  "$chair" "/members?q=m"
run "admin: list of all, page 1"     "$admin" "/members"
run "admin: list of all, page 4000"  "$admin" "/members?page=4000"
run "admin: search last name"        "$admin" "/members?q=mueller"
run "admin: search first+last"       "$admin" "/members?q=anna%20schmidt"
run "admin: search number"           "$admin" "/members?q=1200000"
run "admin: state list"              "$admin" "/members?group=$(curl -s -H "Cookie: votum_session=$admin" "$base/groups/$state" | sed -n 's/.*members?group=\([0-9]*\).*/\1/p' | head -1)"
run "admin: federal group page"      "$admin" "/groups/$top"
run "admin: state group page"        "$admin" "/groups/$state"
