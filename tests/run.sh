#!/bin/sh
# run.sh BUILD - run the unit tests, then every end-to-end case, against
# the binaries in BUILD; print one closing line "N passed, N failed".
# A sanitizer report from any process fails the test it happened in.
set -u
BUILD=$1
SRC=$(cd "$(dirname "$0")/.." && pwd)
export SRC
BUILD=$(cd "$BUILD" && pwd)
export BUILD

logs=$(mktemp -d "${TMPDIR:-/tmp}/zp-unit.XXXXXX")
trap 'rm -rf "$logs"' EXIT INT TERM

ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1" \
UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1" \
    "$BUILD/tests/unit/run-unit" > "$logs/unit.out" 2>&1
unit_rc=$?
cat "$logs/unit.out"
up=$(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' \
    "$logs/unit.out")
uf=$(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' \
    "$logs/unit.out")
if [ -z "$up" ]; then
	echo "FAIL unit runner died (exit $unit_rc)"
	up=0 uf=1
fi
for f in "$logs"/asan* "$logs"/ubsan*; do
	[ -e "$f" ] || continue
	echo "FAIL sanitizer report in unit tests:"
	cat "$f"
	uf=$((uf + 1))
done

sh "$SRC/tests/e2e/run.sh" "$BUILD" > "$logs/e2e.out" 2>&1
cat "$logs/e2e.out"
ep=$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' \
    "$logs/e2e.out")
ef=$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' \
    "$logs/e2e.out")
[ -n "$ep" ] || { echo "FAIL e2e runner died"; ep=0 ef=1; }

passed=$((up + ep))
failed=$((uf + ef))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
