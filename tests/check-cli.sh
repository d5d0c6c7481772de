#!/bin/sh
# energylens check: golden text and JSON output on the fixtures under
# tests/data/check/ (a good directory with a subdirectory, a file with
# several errors, a file with warnings only), the exit statuses, and that
# the input files are never written.
. "$top_srcdir/tests/lib.sh"

# Messages quote strerror(), which follows the locale.
LC_ALL=C
export LC_ALL

d=tests/data/check
g=$top_srcdir/tests/golden
: >"$tmpdir/empty"

# --- text output ---------------------------------------------------------------
golden check-good 0 "$g/check-good.out" "$tmpdir/empty" \
	-- "$EL" check $d/good
golden check-bad 65 "$g/check-bad.out" "$g/check-bad.err" \
	-- "$EL" check $d/bad.yaml
golden check-warnings 0 "$g/check-warnings.out" "$g/check-warnings.err" \
	-- "$EL" check $d/warnings.yaml
# Several paths load into one set; the worst status wins.
golden check-several 65 "$g/check-several.out" "$g/check-several.err" \
	-- "$EL" check $d/good $d/bad.yaml $d/warnings.yaml
# A path without a verb, not on a terminal: the check summary and a hint
# (on a terminal it opens the explorer: tests/tui-cli.sh, tests/tmux.sh).
golden check-no-verb 0 "$g/check-good.out" "$g/check-no-verb.err" \
	-- "$EL" $d/good

# --- JSON output ---------------------------------------------------------------
golden check-json-good 0 "$g/check-json-good.out" "$tmpdir/empty" \
	-- "$EL" check --json $d/good
golden check-json-bad 65 "$g/check-json-bad.out" "$g/check-bad.err" \
	-- "$EL" check --json $d/bad.yaml
golden check-json-warnings 0 "$g/check-json-warnings.out" \
	"$g/check-warnings.err" -- "$EL" check $d/warnings.yaml --json
golden check-json-missing 66 "$g/check-json-missing.out" \
	"$g/check-missing.err" -- "$EL" check --json $d/absent.yaml

if command -v python3 >/dev/null 2>&1; then
	for f in good bad.yaml warnings.yaml absent.yaml; do
		name=check-json-parses-${f%.yaml}
		if (cd "$top_srcdir" && "$EL" check --json $d/$f 2>/dev/null) |
			python3 -c 'import json,sys; json.load(sys.stdin)' \
				>"$tmpdir/py" 2>&1; then
			pass "$name"
		else
			fail "$name" "python3 cannot parse it: $(tail -n 1 "$tmpdir/py")"
		fi
	done
else
	skip check-json-parses "python3 not found"
fi

# --- exit statuses -----------------------------------------------------------
golden check-missing 66 "$g/check-missing.out" "$g/check-missing.err" \
	-- "$EL" check $d/absent.yaml
# Unreadable beats bad data: 66, with the bad file's errors still listed.
golden check-missing-and-bad 66 "$g/check-missing-and-bad.out" - \
	-- "$EL" check $d/bad.yaml $d/absent.yaml
golden check-help 0 "$g/check-help.out" "$tmpdir/empty" \
	-- "$EL" check --help
golden check-help-short 0 "$g/check-help.out" "$tmpdir/empty" \
	-- "$EL" check -h
printf '%s\n' "energylens check: no PATH given" \
	"Try 'energylens check --help'." >"$tmpdir/no-path.err"
golden check-no-path 1 "$tmpdir/empty" "$tmpdir/no-path.err" \
	-- "$EL" check
golden check-no-path-json 1 "$tmpdir/empty" "$tmpdir/no-path.err" \
	-- "$EL" check --json
# The first line comes from getopt and its wording from the C library, so
# only the last line is compared.
golden check-unknown-option 1 "$tmpdir/empty" - \
	-- "$EL" check --bogus $d/good
if [ "$(tail -n 1 "$tmpdir/err")" = "Try 'energylens check --help'." ] &&
	grep -q -- '--bogus' "$tmpdir/err"; then
	pass check-unknown-option-message
else
	fail check-unknown-option-message "stderr: $(cat "$tmpdir/err")"
fi

# --- input files are never written -------------------------------------------
sums() { (cd "$top_srcdir" && find $d -type f | LC_ALL=C sort | xargs cksum); }
sums >"$tmpdir/before"
for args in "$d/good" "$d/bad.yaml" "$d/warnings.yaml" "--json $d" \
	"$d/good/chat.yaml $d/good/chat.yaml"; do
	# shellcheck disable=SC2086 # the paths hold no spaces
	(cd "$top_srcdir" && "$EL" check $args) >/dev/null 2>&1
done
sums >"$tmpdir/after"
if cmp -s "$tmpdir/before" "$tmpdir/after"; then
	pass check-inputs-unchanged
else
	fail check-inputs-unchanged "$(diff "$tmpdir/before" "$tmpdir/after" | head -n 10)"
fi

# Read-only inputs are all check needs.
mkdir "$tmpdir/ro" && cp -R "$top_srcdir/$d/good" "$tmpdir/ro/" &&
	chmod -R a-w "$tmpdir/ro"
if "$EL" check "$tmpdir/ro/good" >"$tmpdir/ro.out" 2>"$tmpdir/ro.err" &&
	[ ! -s "$tmpdir/ro.err" ] &&
	tail -n 1 "$tmpdir/ro.out" | grep -q '^3 files, 3 workloads, 9 runs;'; then
	pass check-read-only-inputs
else
	fail check-read-only-inputs "$(cat "$tmpdir/ro.err")"
fi
chmod -R u+w "$tmpdir/ro"

# "-" reads standard input, named <stdin> in messages.
printf 'energylens: 1\nruns: [{tp: 1, pp: 1, batch_size: 1, output_tokens: "5", energy: {total_j: 1}}]\n' |
	"$EL" check - >"$tmpdir/stdin.out" 2>"$tmpdir/stdin.err"
status=$?
if [ "$status" -eq 65 ] &&
	[ "$(cat "$tmpdir/stdin.err")" = '<stdin>:2:53: output_tokens is not a number: "5" (expected a number of tokens > 0, at most 1048576)' ]; then
	pass check-stdin
else
	fail check-stdin "status $status, stderr: $(cat "$tmpdir/stdin.err")"
fi

# Output that cannot be written is an error (73), not a silent loss.
if [ -w /dev/full ]; then
	(cd "$top_srcdir" && "$EL" check "$d/good" >/dev/full 2>"$tmpdir/full.err")
	status=$?
	if [ "$status" -eq 73 ] && grep -q 'cannot write output' "$tmpdir/full.err"; then
		pass check-stdout-full
	else
		fail check-stdout-full "status $status, stderr: $(cat "$tmpdir/full.err")"
	fi
else
	skip check-stdout-full "no /dev/full"
fi

# A workload is one whatever defaults its documents spell out: the sweep,
# which gives active_params_b equal to params_b (its default), and the same
# sweep without it are one workload of 500 runs, which rank --workload
# picks (it used to be two identical lines that nothing could select; in
# the C locale the best is marked with *).
sweep=$top_srcdir/sample-profiles/synthetic/sweep.yaml
grep -v '^  active_params_b:' "$sweep" >"$tmpdir/sweep-defaulted.yaml"
"$EL" check "$sweep" "$tmpdir/sweep-defaulted.yaml" >"$tmpdir/def.out" 2>"$tmpdir/def.err"
status=$?
if [ "$status" -eq 0 ] && [ ! -s "$tmpdir/def.err" ] &&
	tail -n 1 "$tmpdir/def.out" | grep -q '^2 files, 1 workload, 500 runs; 0 errors, 0 warnings$' &&
	grep -q '^synthetic-sweep .*  500  ' "$tmpdir/def.out"; then
	pass check-defaulted-key-one-workload
else
	fail check-defaulted-key-one-workload "status $status: $(cat "$tmpdir/def.out" "$tmpdir/def.err")"
fi
"$EL" rank --workload synthetic-sweep --batch 64 --input 1024 --output 256 \
	"$sweep" "$tmpdir/sweep-defaulted.yaml" >"$tmpdir/def.out" 2>"$tmpdir/def.err"
status=$?
if [ "$status" -eq 0 ] && grep -q '^\*  *t[0-9]*p[0-9]* .* best ' "$tmpdir/def.out"; then
	pass rank-defaulted-key-one-workload
else
	fail rank-defaulted-key-one-workload "status $status: $(head -c 300 "$tmpdir/def.err")"
fi

# --- one set of limits: the profile keys share the knobs' ---------------------
# Degrees of 2^31-1 once printed as t2147483647p2147483647d21474836, an
# input of 1e308 as "inf J", energies of 1e-300 as "MAPE inf%".
cat >"$tmpdir/limits.yaml" <<'EOF'
energylens: 1
workload: {name: w, model: m, hardware: H}
runs:
  - {tp: 2147483647, pp: 2147483647, dp: 2147483647, batch_size: 4, input_tokens: 10, output_tokens: 10, energy: {total_j: 5}}
  - {tp: 1, pp: 1, batch_size: 4, input_tokens: 1e308, output_tokens: 10, energy: {total_j: 5}}
  - {tp: 1, pp: 1, batch_size: 4294967295, input_tokens: 10, output_tokens: 10, energy: {total_j: 1e-300}}
  - {tp: 1, pp: 1, batch_size: 4, input_tokens: 10, output_tokens: 1e300, energy: {total_j: 1e300}}
EOF
n=0
for want in "4:10: tp is too large: 2147483647 (expected an integer from 1 to 1024)" \
	"4:42: dp is too large: 2147483647 (expected an integer from 1 to 1024)" \
	"5:49: input_tokens is too large: 1e308 (expected a number of tokens from 0 to 1048576)" \
	"6:32: batch_size is too large: 4294967295 (expected an integer from 1 to 65536)" \
	"6:99: energy.total_j is too small: 1e-300" \
	"7:68: output_tokens is too large: 1e300" \
	"7:93: energy.total_j is too large: 1e300"; do
	n=$((n + 1))
	status_case "check-limit-$n" 65 "limits.yaml:$want" -- \
		"$EL" check "$tmpdir/limits.yaml"
done
