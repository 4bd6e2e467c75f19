#!/bin/sh
# match.sh BUILD - zp-match's benchmark that `make bench` runs.
#
# The participant envelopes of sanitize.sh's corpus (BENCH_MB MB,
# participants drawn from 5,000 people) go through zp-match with a roster
# of those people (their e-mails, as the generator spells them).  It
# prints envelopes and identities per second, the match rate, and
# zp-match's peak RSS.  Speed is reported, never judged.
set -eu
LC_ALL=C
export LC_ALL
build=${1:?usage: match.sh BUILD}
mb=${BENCH_MB:-100}
dir=$build/bench
corpus=$dir/participant-envelopes-${mb}mb.ndjson
tmp=$dir/tmp-match.$$
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$dir" "$tmp"
gen=$build/tests/bench/gen-participants
if [ ! -f "$corpus" ]; then
	echo "bench: generating $corpus"
	"$gen" --envelopes --people 5000 --mb "$mb" >"$corpus.part"
	mv "$corpus.part" "$corpus"
fi
# The roster: every distinct e-mail of the corpus is a person.
jq -r '.body.participants[].user_email | select(. != "")' "$corpus" |
    sort -u | awk 'BEGIN { print "person_id,email" } { print "P" NR "," $0 }' \
    >"$tmp/roster.csv"
people=$(($(wc -l <"$tmp/roster.csv") - 1))
envelopes=$(wc -l <"$corpus" | tr -d ' ')
best=
for _ in 1 2 3; do
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$build/bin/zp-match" \
	    --roster "$tmp/roster.csv" <"$corpus" >/dev/null 2>"$tmp/err" ||
	    { cat "$tmp/err" >&2; echo "bench: zp-match failed" >&2; exit 1; }
	t=$(cat "$tmp/time")
	best=$(printf '%s\n%s\n' "$best" "$t" | sed '/^$/d' | sort -n | head -n 1)
done
rate=$(sed -n 's/.*matched \([0-9]*\) of \([0-9]*\) identities.*/\1 \2/p' "$tmp/err")
echo
echo "zp-match: $corpus ($envelopes envelopes), roster of $people people"
echo "$best $rate" | awk -v env="$envelopes" -v bytes="$(wc -c <"$corpus")" '{
	s = $1 < 0.01 ? 0.01 : $1
	printf "zp-match (best of 3): %.2f s, %.0f envelopes/s, %.0f identities/s, %.1f MB/s, peak RSS %.1f MiB\n",
	    $1, env / s, $4 / s, bytes / 1e6 / s, $2 / 1024
	printf "zp-match: matched %d of %d identities (%.1f%%)\n", $3, $4, 100 * $3 / $4
}'
