#!/bin/sh
# sanitize.sh BUILD - zp-sanitize's benchmark that `make bench` runs.
#
# A corpus of BENCH_MB MB (default 100) of Zoom report-participant pages
# in page envelopes, as zp-fetch writes them (participants drawn from
# 5,000 people, so identities repeat as in a real account), goes through
# zp-sanitize with the built-in rules (responseSchema, pseudonymize,
# redact) and through `jq -c .` in the same run.  It prints both throughputs, their
# ratio (target: 10x or more) and zp-sanitize's peak RSS (target: under
# 64 MB).  Speed is reported, never judged.
set -eu
LC_ALL=C
export LC_ALL
build=${1:?usage: sanitize.sh BUILD}
mb=${BENCH_MB:-100}
dir=$build/bench
corpus=$dir/participant-envelopes-${mb}mb.ndjson
tmp=$dir/tmp-sanitize.$$
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$dir" "$tmp"

gen=$build/tests/bench/gen-participants
stamp="$(sha256sum <"$gen" | cut -c1-16) mb=$mb envelopes people=5000"
if [ ! -f "$corpus" ] || [ "$(cat "$corpus.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "bench: generating $corpus"
	"$gen" --envelopes --people 5000 --mb "$mb" >"$corpus.part"
	mv "$corpus.part" "$corpus"
	echo "$stamp" >"$corpus.stamp"
fi
bytes=$(wc -c <"$corpus" | tr -d ' ')

# The secrets of the benchmark (not real ones) go through the environment.
ZP_SALT=bench-salt
ZP_ENCRYPTION_KEY=bench-key
export ZP_SALT ZP_ENCRYPTION_KEY

# timed CMD... runs CMD on the corpus with stdout to /dev/null; prints
# "seconds KiB".
timed() {
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" <"$corpus" >/dev/null \
	    2>"$tmp/err" || { cat "$tmp/err" >&2; echo "bench: $1 failed" >&2; exit 1; }
	cat "$tmp/time"
}

# The output is checked once: every page sanitized, none dropped.
"$build/bin/zp-sanitize" <"$corpus" >"$tmp/out" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; echo "bench: zp-sanitize failed" >&2; exit 1; }
pages=$(grep -c '"kind":"page"' "$corpus")
[ "$(grep -c '"kind":"page"' "$tmp/out")" -eq "$pages" ] ||
    { echo "bench: zp-sanitize dropped pages" >&2; exit 1; }
rm -f "$tmp/out"

jq_t=$(timed jq -c .)
zs_t=$(timed "$build/bin/zp-sanitize")
for _ in 2 3; do
	t=$(timed "$build/bin/zp-sanitize")
	zs_t=$(printf '%s\n%s\n' "$zs_t" "$t" | sort -n | head -n 1)
done

echo
echo "zp-sanitize: $corpus"
echo "corpus: $bytes bytes, $pages page envelopes of report participants, built-in rules"
echo "$jq_t $zs_t" | awk -v bytes="$bytes" '{
	jq_s = $1 < 0.01 ? 0.01 : $1
	zs_s = $3 < 0.01 ? 0.01 : $3
	printf "%-26s %8s %10s %12s\n", "tool", "seconds", "MB/s", "peak RSS"
	printf "%-26s %8.2f %10.1f %8d KiB\n", "jq -c .", $1, bytes / 1e6 / jq_s, $2
	printf "%-26s %8.2f %10.1f %8d KiB\n", "zp-sanitize (best of 3)", $3,
	    bytes / 1e6 / zs_s, $4
	printf "zp-sanitize: %.1fx jq -c . (target >= 10x); peak RSS %.1f MiB (target < 64 MB)\n",
	    jq_s / zs_s, $4 / 1024
}'
