#!/bin/sh
# Runs every test program named on the command line and prints one summary
# line at the end. A test program prints "PASS: name", "FAIL: name: why" or
# "SKIP: name: why" per case; one that exits non-zero without printing a FAIL
# line counts as one failure, so a crash can never pass unnoticed.
#
# Environment given to each test: EL (the energylens binary), top_srcdir,
# top_builddir.
passed=0 failed=0 skipped=0

# The absolute paths in the lines read that lie outside top_srcdir and
# top_builddir, resolved (so that "$top_srcdir/../x" counts as outside);
# devices (/dev/full) are the system's, not a path of this machine's.
outside_paths() {
	src=$(cd "${top_srcdir:-.}" && pwd -P)
	build=$(cd "${top_builddir:-.}" && pwd -P)
	grep -ao "\(^\|[ '\"(]\)/[^ :'\"()]*" | sed "s/^[ '\"(]//" |
	while read -r p; do
		r=$(realpath -m -- "$p" 2>/dev/null) || r=$p
		case $r in
		"$src" | "$src"/* | "$build" | "$build"/* | /dev/*) ;;
		*) printf '%s ' "$p" ;;
		esac
	done
}
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
	# A SKIP says what is missing in the project's words, never by a
	# path outside the source and build trees (a machine's own layout).
	outside=$(grep -a '^SKIP: ' "$log" | outside_paths)
	if [ -n "$outside" ]; then
		echo "FAIL: $t: a SKIP names a path outside the project: $outside"
		failed=$((failed + 1))
	fi
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
