#!/bin/sh
# emit.sh BUILD - the whole pipeline's benchmark that `make bench` runs.
#
# A saved crawl of zp-sim (BENCH_EMIT_USERS members, default 2,000, over
# BENCH_EMIT_DAYS days, default 90: about 54,000 ended meeting instances)
# is made once and kept under BUILD/bench while its parameters, the
# simulator's sources and zp-fetch's version stay the same.  Then, best
# of BENCH_EMIT_RUNS (default 3) each, with a fresh state and output
# folder every time:
#   (a) zp-sanitize < crawl.ndjson | zp-match | zp-emit --to jsonl:OUT
#   (b) zp-fetch --replay DIR | zp-sanitize | zp-match | zp-emit ...
# It prints participation records written per second of the pipeline's
# wall time (target: 100,000/s or more), every stage's CPU time and peak
# RSS (target: under 128 MB each), and the pipeline's throughput as a
# ratio to `jq -c .` over the same file in the same run.  Speed is
# reported, never judged: the exit status is 0 unless a step fails.
set -eu
LC_ALL=C
export LC_ALL
build=${1:?usage: emit.sh BUILD}
users=${BENCH_EMIT_USERS:-2000}
days=${BENCH_EMIT_DAYS:-90}
runs=${BENCH_EMIT_RUNS:-3}
seed=42
now=2026-11-22T00:00:00Z
since=$(date -u -d "2026-11-22 - $days days" +%F)
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=$build/bin
dir=$build/bench
cache=$dir/crawl-u$users-d$days-seed$seed
tmp=$dir/tmp-emit.$$
mkdir -p "$dir" "$tmp"
tmp=$(cd "$tmp" && pwd)

die() {
	echo "bench: $*" >&2
	exit 1
}

cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp" "$cache.part"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the saved crawl (made once) ---------------------------------------

# The stamp: parameters, the simulator's sources, zp-fetch's version.
stamp="$(cat "$src"/sim/*.c "$src"/sim/*.h | sha256sum | cut -c1-16)"
stamp="$stamp $("$bin/zp-fetch" --version) users=$users days=$days"
stamp="$stamp seed=$seed now=$now since=$since"

# make_crawl: zp-sim (frozen clock, no rate limits, a free port) serves
# the organization; zp-fetch crawls the default streams into
# $cache.part/crawl.ndjson and saves every response in saved/; the
# roster (every member, from the simulator's truth) goes to roster.csv.
make_crawl() {
	rm -rf "$cache.part"
	mkdir -p "$cache.part"
	ZP_SIM_CLIENT_SECRET=bench-secret
	export ZP_SIM_CLIENT_SECRET
	"$bin/zp-sim" --seed $seed --users "$users" --days "$days" --now $now \
	    --speed 0 --no-rate-limits --port-file "$tmp/port" \
	    --dump-truth "$tmp/truth.ndjson" 2>"$tmp/sim.err" &
	pid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 2400 ]; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	[ -s "$tmp/port" ] ||
	    { cat "$tmp/sim.err" >&2; die "zp-sim did not start"; }
	ZP_ZOOM_ACCOUNT_ID=acme ZP_ZOOM_CLIENT_ID=zp-sim-client \
	    ZP_ZOOM_CLIENT_SECRET=$ZP_SIM_CLIENT_SECRET \
	    "$bin/zp-fetch" --oauth-url "http://127.0.0.1:$(cat "$tmp/port")" \
	    --now $now --since "$since" --plan unlimited --no-progress \
	    --save "$cache.part/saved" >"$cache.part/crawl.ndjson" \
	    2>"$tmp/fetch.err" ||
	    { tail -n 5 "$tmp/fetch.err" >&2; die "zp-fetch failed"; }
	kill -TERM "$pid"
	wait "$pid" || :
	pid=
	grep 'info: done:' "$tmp/fetch.err" |
	    sed 's/^zp-fetch: info: /bench: crawl /'
	# The roster as tests/e2e/emit-lib.sh's roster_from_truth makes it.
	jq -r 'select(.type == "user") |
	    ["P\(.index)", .email, .employee_unique_id,
	     "\(.first_name) \(.last_name)", .dept] | @csv' \
	    "$tmp/truth.ndjson" |
	    (echo person_id,email,employee_id,name,department; cat) \
	    >"$cache.part/roster.csv"
	jq -r --arg s "${since}T00:00:00Z" --arg n $now 'select(.type ==
	    "instance" and .start_time >= $s and .end_time <= $n) | .uuid' \
	    "$tmp/truth.ndjson" | wc -l | tr -d ' ' >"$cache.part/instances"
	rm -f "$tmp/truth.ndjson"
	jq -r 'select(.kind == "page" and .status == 200) |
	    .body.participants // [] | length' "$cache.part/crawl.ndjson" |
	    awk '{ n += $1 } END { print n + 0 }' >"$cache.part/participants"
	echo "$stamp" >"$cache.part/stamp"
	rm -rf "$cache"
	mv "$cache.part" "$cache"
}

if [ -f "$cache/stamp" ] && [ "$(cat "$cache/stamp")" = "$stamp" ]; then
	echo "bench: reusing $cache"
else
	echo "bench: crawling zp-sim ($users members, $days days) into $cache"
	make_crawl
fi
crawl=$cache/crawl.ndjson
bytes=$(wc -c <"$crawl" | tr -d ' ')
pages=$(grep -c '"kind":"page"' "$crawl")
instances=$(cat "$cache/instances")
participants=$(cat "$cache/participants")

# The secrets of the benchmark (not real ones) go through the
# environment; the roster is pseudonymized with the stream's salt.
ZP_SALT=bench-salt
ZP_ENCRYPTION_KEY=bench-key
export ZP_SALT ZP_ENCRYPTION_KEY
"$bin/zp-match" --canonical-roster --roster "$cache/roster.csv" \
    >"$tmp/roster.canon" 2>"$tmp/err" || { cat "$tmp/err" >&2; die "roster"; }
printf '%s\n' 'columnsToPseudonymize:' '  - email' '  - employee_id' \
    'columnsToRedact:' '  - name' 'pseudonymFormat: URL_SAFE_TOKEN' \
    >"$tmp/roster.yaml"
"$bin/zp-sanitize" --bulk "$tmp/roster.yaml" "$tmp/roster.canon" \
    >"$tmp/roster.s.csv" 2>"$tmp/err" || { cat "$tmp/err" >&2; die "roster"; }
people=$(($(wc -l <"$tmp/roster.s.csv") - 1))

# --- the timed runs ----------------------------------------------------

TFMT='%M %e %U %S'

# stage NAME CMD... runs CMD under /usr/bin/time (figures in
# $tmp/t.NAME: KiB seconds user sys), its log in $tmp/e.NAME and its
# exit status in $tmp/rc.NAME.
stage() {
	_n=$1
	shift
	_rc=0
	/usr/bin/time -f "$TFMT" -o "$tmp/t.$_n" "$@" 2>"$tmp/e.$_n" || _rc=$?
	echo $_rc >"$tmp/rc.$_n"
}

# now_s prints the time in seconds (nanosecond digits).
now_s() {
	date +%s.%N
}

# pipeline MODE: one run with a fresh state and output folder; MODE a
# reads crawl.ndjson, MODE b replays the saved folder.  Appends to
# $tmp/runs.MODE: wall parts, then KiB seconds user sys per stage.
# The state and output of earlier runs are removed only at the end:
# ext4 without a journal (as on the benchmark machine) will not reuse an
# inode for 60 s or more after its file is deleted, and creating a file
# then scans past every such inode, which would slow the later runs.
pipeline() {
	runno=$((runno + 1))
	S=$tmp/run$runno/S
	OUT=$tmp/run$runno/OUT
	mkdir -p "$tmp/run$runno"
	rm -f "$tmp"/rc.* "$tmp"/t.*
	sync
	t0=$(now_s)
	if [ "$1" = a ]; then
		stage sanitize "$bin/zp-sanitize" <"$crawl" |
		    stage match "$bin/zp-match" --roster "$tmp/roster.s.csv" |
		    stage emit "$bin/zp-emit" --state "$S" \
		    --to "jsonl:$OUT" >/dev/null
		stages="sanitize match emit"
	else
		stage replay "$bin/zp-fetch" --replay "$cache/saved" |
		    stage sanitize "$bin/zp-sanitize" |
		    stage match "$bin/zp-match" --roster "$tmp/roster.s.csv" |
		    stage emit "$bin/zp-emit" --state "$S" \
		    --to "jsonl:$OUT" >/dev/null
		stages="replay sanitize match emit"
	fi
	t1=$(now_s)
	for s in $stages; do
		[ "$(cat "$tmp/rc.$s")" = 0 ] ||
		    { tail -n 5 "$tmp/e.$s" >&2; die "$s failed ($1)"; }
	done
	n=$(cat "$OUT"/participations/*.jsonl | wc -l | tr -d ' ')
	[ "$n" -gt 0 ] || die "no participation written ($1)"
	line="$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }') $n"
	for s in $stages; do
		line="$line $(tail -n 1 "$tmp/t.$s")"
	done
	echo "$line" >>"$tmp/runs.$1"
}

/usr/bin/time -f '%e %M' -o "$tmp/t.jq" jq -c . "$crawl" >/dev/null ||
    die "jq -c . failed"
jq_t=$(tail -n 1 "$tmp/t.jq")
runno=0
i=0
while [ $i -lt "$runs" ]; do
	pipeline a
	pipeline b
	i=$((i + 1))
done
[ "$(cut -d ' ' -f 2 "$tmp/runs.a" "$tmp/runs.b" | sort -u | wc -l)" -eq 1 ] ||
    die "the runs wrote different numbers of participations"

# --- the report --------------------------------------------------------

for m in a b; do
	sort -n "$tmp/runs.$m" | head -n 1 >"$tmp/best.$m"
done
echo
echo "zp-emit pipeline: $crawl"
echo "crawl: $bytes bytes, $pages page envelopes, $instances ended meeting"
echo "  instances, $participants participants; roster of $people people"
echo "(a) zp-sanitize < crawl.ndjson | zp-match | zp-emit --to jsonl"
echo "(b) zp-fetch --replay DIR | zp-sanitize | zp-match | zp-emit --to jsonl"
echo "best of $runs, a fresh --state each; MB/s: crawl.ndjson bytes per second"
awk -v bytes="$bytes" -v jq="$jq_t" \
    -v walls_a="$(cut -d ' ' -f 1 "$tmp/runs.a" | tr '\n' ' ')" \
    -v walls_b="$(cut -d ' ' -f 1 "$tmp/runs.b" | tr '\n' ' ')" '
function per(x, s) {
	return x / (s < 0.01 ? 0.01 : s)
}
function row(name, s, parts, cpu, kib) {
	printf "%-30s %8.2f %7s %10s %7s %11s\n", name, s,
	    kib != "" && cpu != "" ? "-" : \
	    sprintf("%.1f", per(bytes / 1e6, s)),
	    parts == "" ? "-" : sprintf("%.0f", per(parts, s)),
	    cpu == "" ? "-" : sprintf("%.2f", cpu),
	    kib == "" ? "-" : sprintf("%.1f MiB", kib / 1024)
}
# stages(names): a row for the pipeline of this line, then one per
# stage, whose figures (KiB seconds user sys) begin at field 3; keeps
# the largest peak RSS.  A stage: its own wall time, no MB/s.
function stages(names,  n, v, i, f, cpu) {
	n = split(names, v, ",")
	for (i = 1; i <= n; i++) {
		f = 3 + 4 * (i - 1)
		cpu += $(f + 2) + $(f + 3)
	}
	row("(" substr(FILENAME, length(FILENAME)) ") " pipe, $1, $2, cpu, "")
	for (i = 1; i <= n; i++) {
		f = 3 + 4 * (i - 1)
		row("  " v[i], $(f + 1), "", $(f + 2) + $(f + 3), $f)
		if ($f > maxk) { maxk = $f; maxn = v[i] }
	}
}
FILENAME ~ /best\.a$/ {
	split(jq, j, " ")
	jq_s = j[1] < 0.01 ? 0.01 : j[1]
	printf "%-30s %8s %7s %10s %7s %11s\n", "run", "seconds", "MB/s",
	    "records/s", "cpu s", "peak RSS"
	row("jq -c .", j[1], "", "", j[2])
	a_s = $1; a_n = $2
	pipe = "sanitize|match|emit"
	stages("zp-sanitize,zp-match,zp-emit")
}
FILENAME ~ /best\.b$/ {
	b_s = $1
	pipe = "replay|sanitize|match|emit"
	stages("zp-fetch --replay,zp-sanitize,zp-match,zp-emit")
}
END {
	printf "wall seconds of each run: (a) %s; (b) %s\n", walls_a, walls_b
	printf "zp-emit pipeline: %d participation records in %.2f s: " \
	    "%.0f records/s (target >= 100000/s)\n", a_n, a_s, per(a_n, a_s)
	printf "zp-emit pipeline with zp-fetch --replay: %.2f s: " \
	    "%.0f records/s\n", b_s, per(a_n, b_s)
	printf "zp-emit pipeline: %.1f MB/s vs jq -c . %.1f MB/s: %.2fx\n",
	    per(bytes / 1e6, a_s), per(bytes / 1e6, jq_s), jq_s / \
	    (a_s < 0.01 ? 0.01 : a_s)
	printf "zp-emit pipeline peak RSS: largest %s, %.1f MiB " \
	    "(target < 128 MB each stage)\n", maxn, maxk / 1024
}' "$tmp/best.a" "$tmp/best.b"
