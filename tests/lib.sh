# Helpers for shell tests; sourced. Each case prints PASS/FAIL/SKIP lines that
# tests/runner.sh counts.
: "${EL:?EL must name the energylens binary}"
: "${top_srcdir:?top_srcdir must be set}"

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
skip() { echo "SKIP: $1: $2"; }

tmpdir=$(mktemp -d) || exit 1
trap 'rm -rf "$tmpdir"' EXIT

# golden NAME STATUS EXPECTED_STDOUT [EXPECTED_STDERR] -- COMMAND...
# Runs COMMAND from top_srcdir and compares its exit status, stdout and
# (when given, "-" to skip) stderr with the expected files.
golden() {
	name=$1 want_status=$2 want_out=$3 want_err=$4
	shift 4
	[ "$1" = "--" ] && shift
	(cd "$top_srcdir" && "$@") >"$tmpdir/out" 2>"$tmpdir/err"
	status=$?
	if [ "$status" -ne "$want_status" ]; then
		fail "$name" "exit status $status, expected $want_status; stderr: $(head -c 400 "$tmpdir/err")"
		return
	fi
	if ! diff -u "$want_out" "$tmpdir/out" >"$tmpdir/diff"; then
		fail "$name" "stdout differs from $want_out:
$(head -n 40 "$tmpdir/diff")"
		return
	fi
	if [ "$want_err" != "-" ] && ! diff -u "$want_err" "$tmpdir/err" >"$tmpdir/diff"; then
		fail "$name" "stderr differs from $want_err:
$(head -n 40 "$tmpdir/diff")"
		return
	fi
	pass "$name"
}
