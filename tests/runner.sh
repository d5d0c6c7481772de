#!/bin/sh
# Runs every test program named on the command line and prints one summary
# line at the end. A test program prints "PASS: name", "FAIL: name: why" or
# "SKIP: name: why" per case; one that exits non-zero without printing a FAIL
# line counts as one failure, so a crash can never pass unnoticed.
#
# Environment given to each test: EL (the energylens binary), top_srcdir,
# top_builddir.
passed=0 failed=0 skipped=0
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	case $t in
	*.sh) sh "$t" >"$log" 2>&1 ;;
	*) "$t" >"$log" 2>&1 ;;
	esac
	status=$?
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	s=$(grep -c '^SKIP: ' "$log")
	grep -av '^PASS: ' "$log"
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $t: exited with status $status"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		echo "FAIL: $t: ran no test case"
		f=1
	fi
	echo "# $t: pass $p, fail $f, skip $s" >&2
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
