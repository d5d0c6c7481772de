# Helpers for shell tests; sourced. Each case prints PASS/FAIL/SKIP lines that
# tests/runner.sh counts.
: "${EL:?EL must name the energylens binary}"
: "${top_srcdir:?top_srcdir must be set}"

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
skip() { echo "SKIP: $1: $2"; }

tmpdir=$(mktemp -d) || exit 1
trap 'rm -rf "$tmpdir"' EXIT
# The explorer's config file and user themes are the test's own, not the
# user's: a unit remembered at home must not change a golden screen.
XDG_CONFIG_HOME=$tmpdir/config
export XDG_CONFIG_HOME

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

# A python3 for the JSON checks: Debian's first (it has what CI installs).
PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1; then PY=$p; break; fi
done

# json_case NAME PYTHON-ASSERTIONS -- COMMAND...
# Runs COMMAND from top_srcdir; its stdout, parsed as JSON into j, must
# satisfy the assertions. SKIP without python3.
json_case() {
	name=$1 check=$2
	shift 3
	if [ -z "$PY" ]; then
		skip "$name" "no python3"
		return
	fi
	if (cd "$top_srcdir" && "$@") >"$tmpdir/json" 2>"$tmpdir/err" &&
		"$PY" -c "import json,sys; j=json.load(open(sys.argv[1])); $check" \
			"$tmpdir/json" 2>"$tmpdir/pyerr"; then
		pass "$name"
	else
		fail "$name" "$(cat "$tmpdir/err" "$tmpdir/pyerr" | head -n 5)"
	fi
}

# status_case NAME STATUS STDERR-PATTERN -- COMMAND...
# COMMAND, run from top_srcdir, exits with STATUS and says PATTERN on stderr.
status_case() {
	name=$1 want=$2 pattern=$3
	shift 4
	(cd "$top_srcdir" && "$@") >"$tmpdir/out" 2>"$tmpdir/err"
	st=$?
	if [ "$st" -eq "$want" ] && grep -q -- "$pattern" "$tmpdir/err"; then
		pass "$name"
	else
		fail "$name" "status $st (expected $want), stderr: $(head -c 300 "$tmpdir/err")"
	fi
}
