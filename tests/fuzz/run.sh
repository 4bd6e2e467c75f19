#!/bin/sh
# run.sh BUILD SECONDS - run every fuzz target built in BUILD/tests/fuzz/ for
# SECONDS each.  A target NAME (fuzz_NAME) keeps its corpus in
# BUILD/fuzz/corpus/NAME, seeded from tests/fuzz/corpus-NAME/ when that
# folder exists, and a crashing input in BUILD/fuzz/crash/.  Exits 1 if any
# target crashed or none was found, 64 on misuse.
set -u

usage() {
	echo "usage: run.sh BUILD SECONDS" >&2
	exit 64
}

[ $# -eq 2 ] || usage
build=$1
secs=$2
case $secs in
'' | *[!0-9]*) usage ;;
esac
here=$(dirname "$0")
status=0
found=0

for bin in "$build"/tests/fuzz/*; do
	case $bin in
	*.o | *.d) continue ;;
	esac
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		continue
	fi
	found=$((found + 1))
	target=$(basename "$bin")
	name=${target#fuzz_}
	corpus=$build/fuzz/corpus/$name
	crash=$build/fuzz/crash
	log=$build/fuzz/$name.log
	mkdir -p "$corpus" "$crash"
	if [ -d "$here/corpus-$name" ]; then
		cp "$here/corpus-$name"/* "$corpus"/ 2>/dev/null
	fi
	echo "fuzz: $target for ${secs}s, corpus $corpus" >&2
	if "$bin" -max_total_time="$secs" -timeout=10 \
	    -artifact_prefix="$crash/$name-" -print_final_stats=1 \
	    "$corpus" >"$log" 2>&1; then
		grep -E '^(Done|stat::number_of_executed_units)' "$log" |
		    sed "s/^/fuzz: $target: /" >&2
	else
		echo "fuzz: $target FAILED, log $log:" >&2
		tail -n 40 "$log" >&2
		status=1
	fi
done

if [ "$found" -eq 0 ]; then
	echo "fuzz: no fuzz targets in $build/tests/fuzz" >&2
	exit 1
fi
exit $status
