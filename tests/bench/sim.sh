#!/bin/sh
# sim.sh BUILD - zp-sim's throughput benchmark that `make bench` runs.
#
# It starts zp-sim with rate limits off on a free port of 127.0.0.1, then
# simload sends small requests over kept-alive connections (GET
# /v2/users/me, a few hundred bytes of JSON each).  It prints requests per
# second against the target of 5,000 and zp-sim's peak memory.  Speed is
# reported, never judged.
set -eu
build=${1:?usage: sim.sh BUILD}
sim=$build/bin/zp-sim
load=$build/tests/bench/simload
requests=${BENCH_SIM_REQUESTS:-40000}
threads=${BENCH_SIM_THREADS:-4}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zp-bench-sim.XXXXXX")
ZP_SIM_CLIENT_SECRET=bench-secret
export ZP_SIM_CLIENT_SECRET

cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$sim" --seed 7 --users 200 --days 30 --no-rate-limits \
    --port-file "$tmp/port" 2> "$tmp/sim.err" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$tmp/port")
SIMLOAD_TOKEN=$(printf 'user = "zp-sim-client:%s"\n' "$ZP_SIM_CLIENT_SECRET" |
    curl -s -K - -X POST \
    "http://127.0.0.1:$port/oauth/token?grant_type=account_credentials&account_id=acme" |
    jq -r .access_token)
export SIMLOAD_TOKEN

"$load" --port "$port" --requests 2000 --threads "$threads" > /dev/null
result=$("$load" --port "$port" --requests "$requests" --threads "$threads")
rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
kill -TERM "$pid"
wait "$pid" || :
pid=

echo
echo "zp-sim: $requests x GET /v2/users/me, $threads kept-alive connections, rate limits off"
echo "$result" | awk -v rss="$rss" '{
	printf "%-20s %8s %10s %12s\n", "server", "seconds", "req/s", "peak RSS"
	printf "%-20s %8.2f %10.0f %8d KiB\n", "zp-sim", $8, $10, rss
	printf "zp-sim throughput: %.1fx the 5,000 req/s target (%d failed)\n",
	    $10 / 5000, $6
}'
