#!/bin/sh
# run.sh BUILD - the JSON round-trip benchmark that `make bench` runs.
#
# It generates a corpus of Zoom participant pages (BENCH_MB MB, default 100,
# seed BENCH_SEED, default 1) into BUILD/bench once, checks that jsonrt
# writes what `jq -c .` writes for it, then times both on the same file and
# prints MB/s, peak RSS and the throughput ratio.  Speed is reported, never
# judged: the exit status is 0 unless a step or the output check fails.
set -eu
LC_ALL=C # byte semantics, and sed and grep ten times faster
export LC_ALL

build=${1:?usage: run.sh BUILD}
mb=${BENCH_MB:-100}
seed=${BENCH_SEED:-1}
gen=$build/tests/bench/gen-participants
rt=$build/tests/bench/jsonrt
dir=$build/bench
corpus=$dir/participants-${mb}mb-seed$seed.ndjson
tmp=$dir/tmp.$$

die() {
	echo "bench: $*" >&2
	exit 1
}

trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$dir" "$tmp"

# size FILE prints the byte size of FILE.
size() {
	wc -c <"$1" | tr -d ' '
}

# The corpus is reused while its stamp (generator checksum, size, seed)
# and its byte count still match; otherwise it is written anew.
stamp="$(sha256sum <"$gen" | cut -c1-16) mb=$mb seed=$seed"
if [ -f "$corpus" ] && [ -f "$corpus.stamp" ] &&
    [ "$(cat "$corpus.stamp")" = "$stamp bytes=$(size "$corpus")" ]; then
	echo "bench: reusing $corpus"
else
	echo "bench: generating $corpus"
	"$gen" --mb "$mb" --seed "$seed" >"$corpus.part"
	mv "$corpus.part" "$corpus"
	echo "$stamp bytes=$(size "$corpus")" >"$corpus.stamp"
fi
bytes=$(size "$corpus")
pages=$(wc -l <"$corpus" | tr -d ' ')

# --- output check -------------------------------------------------------
# jq 1.6 turns integers into doubles, so a 19-digit id loses its last
# digits in jq's output while jsonrt keeps its text.  Such integers (17 or
# more digits) are masked on both sides before the byte comparison, and
# checked against the corpus itself instead.
"$rt" "$corpus" >"$tmp/rt.out" || die "jsonrt failed on $corpus"
jq -c . "$corpus" >"$tmp/jq.out" || die "jq failed on $corpus"
mask='s/([,:[])-?[0-9]{17,}/\1N/g'
big='[,:[]-?[0-9]{17,}'
if cmp -s "$tmp/rt.out" "$tmp/jq.out"; then
	check="byte-identical to jq -c ."
else
	sed -E "$mask" "$tmp/rt.out" >"$tmp/rt.masked"
	sed -E "$mask" "$tmp/jq.out" >"$tmp/jq.masked"
	if ! cmp "$tmp/rt.masked" "$tmp/jq.masked"; then
		mv "$tmp/rt.out" "$dir/jsonrt.out"
		mv "$tmp/jq.out" "$dir/jq.out"
		die "jsonrt output differs from jq -c .: see $dir/*.out"
	fi
	grep -oE "$big" "$corpus" >"$tmp/big.in" || :
	grep -oE "$big" "$tmp/rt.out" >"$tmp/big.rt" || :
	cmp -s "$tmp/big.in" "$tmp/big.rt" ||
	    die "jsonrt changed an integer of 17+ digits"
	n=$(wc -l <"$tmp/big.in" | tr -d ' ')
	check="same as jq -c . but for $n integers of 17+ digits,"
	check="$check which $(jq --version) rounds and jsonrt keeps"
fi
rm -f "$tmp"/*.out "$tmp"/*.masked "$tmp"/big.*

# --- timing -------------------------------------------------------------
# timed CMD... runs CMD with stdout to /dev/null; prints "seconds KiB".
timed() {
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null ||
	    die "$1 failed"
	cat "$tmp/time"
}

jq_t=$(timed jq -c . "$corpus")
rt_t=$(timed "$rt" "$corpus")
for _ in 2 3; do
	t=$(timed "$rt" "$corpus")
	rt_t=$(printf '%s\n%s\n' "$rt_t" "$t" | sort -n | head -n 1)
done

echo
echo "json round-trip: $corpus"
echo "corpus: $bytes bytes, $pages lines (Zoom participant pages)"
echo "check: $check"
echo "$jq_t $rt_t" | awk -v bytes="$bytes" '{
	jq_s = $1; rt_s = $3
	if (rt_s < 0.01) rt_s = 0.01 # the resolution of time(1)
	if (jq_s < 0.01) jq_s = 0.01
	printf "%-20s %8s %10s %12s\n", "tool", "seconds", "MB/s", "peak RSS"
	printf "%-20s %8.2f %10.1f %8d KiB\n", "jq -c .", $1,
	    bytes / 1e6 / jq_s, $2
	printf "%-20s %8.2f %10.1f %8d KiB\n", "jsonrt (best of 3)", $3,
	    bytes / 1e6 / rt_s, $4
	printf "json round-trip: %.1fx jq -c .\n", jq_s / rt_s
	print "target: >= 10x"
}'
