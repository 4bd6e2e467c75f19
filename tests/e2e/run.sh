#!/bin/sh
# run.sh BUILD [CASE...] - run end-to-end cases.  Each case is a folder
# under tests/e2e/ holding:
#   cmd      a POSIX sh script, run in a fresh temporary folder with the
#            built tools on PATH (and $SRC, $BUILD, $CASE set)
#   stdin    optional: its standard input (else /dev/null)
#   stdout   optional: its expected standard output (diff -u)
#   stderr   optional: its expected standard error (diff -u)
#   exit     optional: its expected exit status (else 0)
# Any sanitizer report from any process of a case fails it.
set -u
BUILD=$(cd "$1" && pwd)
shift
SRC=$(cd "$(dirname "$0")/../.." && pwd)
export SRC BUILD
PATH="$BUILD/tests/tools:$BUILD/bin:$PATH"
export PATH
passed=0
failed=0

if [ $# -gt 0 ]; then
	cases=$*
else
	cases=$(cd "$SRC/tests/e2e" && ls -d */ | tr -d /)
fi

# run_case NAME - run one case and print ok or FAIL with the differences.
run_case() {
	CASE="$SRC/tests/e2e/$1"
	export CASE
	work=$(mktemp -d "${TMPDIR:-/tmp}/zp-e2e.XXXXXX")
	in=/dev/null
	[ -f "$CASE/stdin" ] && in="$CASE/stdin"
	want=0
	[ -f "$CASE/exit" ] && want=$(cat "$CASE/exit")
	(cd "$work" &&
	    ASAN_OPTIONS="log_path=$work/.asan:detect_leaks=1" \
	    UBSAN_OPTIONS="log_path=$work/.ubsan:print_stacktrace=1" \
	    timeout 900 sh "$CASE/cmd" < "$in" > "$work/.stdout" \
	    2> "$work/.stderr")
	got=$?
	bad=""
	[ "$got" = "$want" ] || bad="exit status $got, expected $want"
	for f in stdout stderr; do
		[ -f "$CASE/$f" ] || continue
		if ! diff -u "$CASE/$f" "$work/.$f" > "$work/.diff" 2>&1; then
			bad="$bad${bad:+; }$f differs"
			cat "$work/.diff"
		fi
	done
	for f in "$work"/.asan* "$work"/.ubsan*; do
		[ -e "$f" ] || continue
		bad="$bad${bad:+; }sanitizer report"
		cat "$f"
	done
	if [ -z "$bad" ]; then
		echo "ok   e2e/$1"
		passed=$((passed + 1))
	else
		echo "FAIL e2e/$1: $bad"
		echo "---- stderr of e2e/$1:"
		tail -n 20 "$work/.stderr"
		failed=$((failed + 1))
	fi
	rm -rf "$work"
}

for c in $cases; do
	[ -f "$SRC/tests/e2e/$c/cmd" ] && run_case "$c"
done
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
