#!/bin/sh
# fetch.sh BUILD - zp-fetch's crawl benchmark that `make bench` runs.
#
# zp-sim serves a 2,000-member, 30-day organization under the Pro plan's
# rate limits (Light 30/s, Medium 20/s, Heavy 10/s); zp-fetch crawls it
# with the default streams at the whole of each limit (--rate-share 1).
# zp-sim knows the least wall time any client could have needed for the
# requests it served under those limits (the busiest category decides);
# the benchmark prints zp-fetch's time as a ratio to it (target: 1.10 or
# less), the 429s it met (target: none), its CPU time per request and its
# peak memory.  Speed is reported, never judged.  BENCH_FETCH_USERS and
# BENCH_FETCH_DAYS change the size (a smaller crawl for a quick look).
set -eu
build=${1:?usage: fetch.sh BUILD}
users=${BENCH_FETCH_USERS:-2000}
days=${BENCH_FETCH_DAYS:-30}
now=2026-11-22T00:00:00Z
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zp-bench-fetch.XXXXXX")
ZP_SIM_CLIENT_SECRET=bench-secret
export ZP_SIM_CLIENT_SECRET

cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$build/bin/zp-sim" --seed 42 --users "$users" --days "$days" --plan pro \
    --now $now --speed 0 --port-file "$tmp/port" 2> "$tmp/sim.err" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$tmp/port")
since=$(date -u -d "2026-11-22 - $((days - 1)) days" +%F)

ZP_ZOOM_ACCOUNT_ID=acme ZP_ZOOM_CLIENT_ID=zp-sim-client \
    ZP_ZOOM_CLIENT_SECRET=$ZP_SIM_CLIENT_SECRET \
    /usr/bin/time -f '%M %U %S' -o "$tmp/time" \
    "$build/bin/zp-fetch" --oauth-url "http://127.0.0.1:$port" --now $now \
    --since "$since" --plan pro --rate-share 1 --no-progress \
    > "$tmp/out.ndjson" 2> "$tmp/fetch.err" || {
	echo "zp-fetch failed:"; tail -n 5 "$tmp/fetch.err"; exit 1; }
curl -s "http://127.0.0.1:$port/_sim/stats" > "$tmp/stats"
kill -TERM "$pid"
wait "$pid" || :
pid=

summary=$(grep 'info: done:' "$tmp/fetch.err")
echo
echo "zp-fetch: crawl of $users members over $days days (default streams), Pro plan limits, --rate-share 1"
echo "$summary" | sed 's/^zp-fetch: info: done: /  /'
jq -r --arg s "$summary" --arg t "$(cat "$tmp/time")" '
    ($s | capture("(?<req>[0-9]+) requests.* (?<sec>[0-9.]+) s \\(") ) as $f |
    ($t | split(" ")) as $tm |
    "  by category: \(.by_category | to_entries | map("\(.key) \(.value)") | join(", "))",
    "  least wall time the limits allow: \(.min_wall_seconds) s; zp-fetch took \($f.sec) s",
    "zp-fetch crawl time: \(($f.sec | tonumber) / .min_wall_seconds * 1000 | round / 1000)x the least possible (target <= 1.10)",
    "zp-fetch 429s met: \(.rate_limited.qps + .rate_limited.daily) (target 0)",
    "zp-fetch CPU: \((($tm[1] | tonumber) + ($tm[2] | tonumber)) / ($f.req | tonumber) * 1e6 | round / 1000) ms per request; peak RSS \(($tm[0] | tonumber) / 1024 | round) MiB"
' "$tmp/stats"
