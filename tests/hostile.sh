#!/bin/sh
# Input a hostile or careless user gives (docs/robustness.md): each case
# must end in a clear message and its exit status, never in a silently
# different reading, a crash or a hang. Sections are self-contained.
. "$top_srcdir/tests/lib.sh"

# Messages quote strerror(), which follows the locale.
LC_ALL=C
export LC_ALL

# --- schema (schema) ---------------------------------------------------------
# YAML 1.1 and 1.2 read some text differently (010 is 8 or 10; !!str 1 is
# text, !!python/object builds an object): a profile or a fitted file that
# would mean different things to different readers is refused, never read
# one way in silence. And one workload split in two by a key one document
# gives and another leaves out is a warning in check.

schema_profile() { # FILE RUN-LINE
	printf 'energylens: 1\nworkload:\n  name: w\nruns:\n%s\n' "$2" >"$1"
}

schema_profile "$tmpdir/octal.yaml" \
	'  - {tp: 010, pp: 1, batch_size: 8, output_tokens: 100, energy: {total_j: 10}}'
status_case schema-leading-zero-refused 65 \
	"octal.yaml:5:10: tp has a leading zero: YAML 1.1 reads 010 as octal 8, YAML 1.2 as 10; write 10 or 8 (expected an integer from 1 to 1024)" \
	-- "$EL" check "$tmpdir/octal.yaml"

schema_profile "$tmpdir/str-tag.yaml" \
	'  - {tp: !!str 1, pp: 1, batch_size: 8, output_tokens: 100, energy: {total_j: 10}}'
status_case schema-str-tag-refused 65 \
	"str-tag.yaml:5:10: tp has the tag !!str (expected no tag, or !!int: a tag must not change what a value is read as)" \
	-- "$EL" check "$tmpdir/str-tag.yaml"

schema_profile "$tmpdir/python-tag.yaml" \
	'  - !!python/object:os.system {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, energy: {total_j: 10}}'
status_case schema-python-tag-refused 65 \
	"python-tag.yaml:5:5: a run has the tag !!python/object:os.system (expected no tag, or !!map" \
	-- "$EL" check "$tmpdir/python-tag.yaml"

# The standard tag of the key's own type changes nothing and is accepted.
schema_profile "$tmpdir/int-tag.yaml" \
	'  - {tp: !!int 2, pp: 1, batch_size: 8, output_tokens: !!float 100, energy: {total_j: 10}}'
if "$EL" check "$tmpdir/int-tag.yaml" >"$tmpdir/out" 2>"$tmpdir/err" &&
	[ ! -s "$tmpdir/err" ] && grep -q '^1 file, 1 workload, 1 run; 0 errors, 0 warnings$' "$tmpdir/out"; then
	pass schema-standard-tag-accepted
else
	fail schema-standard-tag-accepted "$(cat "$tmpdir/out" "$tmpdir/err")"
fi

# name: no is text here, false to PyYAML: loaded as text, with a warning.
printf 'energylens: 1\nworkload: {name: no}\nruns:\n%s\n' \
	'  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, energy: {total_j: 10}}' >"$tmpdir/no.yaml"
"$EL" check "$tmpdir/no.yaml" >"$tmpdir/out" 2>"$tmpdir/err"
status=$?
if [ "$status" -eq 0 ] &&
	[ "$(cat "$tmpdir/err")" = "$tmpdir/no.yaml:2:18: warning: name no is a boolean to YAML 1.1 readers (expected \"no\" in quotes, text to every reader)" ] &&
	grep -q '^no  ' "$tmpdir/out"; then
	pass schema-bool-word-warns
else
	fail schema-bool-word-warns "status $status: $(cat "$tmpdir/err" "$tmpdir/out")"
fi

# One workload split in two: active_params_b 3 in one file, left to its
# default (params_b, 14) in the other. Both load, and check says why they
# are two, where.
printf 'energylens: 1\nworkload: {name: w, params_b: 14, active_params_b: 3}\nruns:\n%s\n' \
	'  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, energy: {total_j: 10}}' >"$tmpdir/split-a.yaml"
printf 'energylens: 1\nworkload: {name: w, params_b: 14}\nruns:\n%s\n' \
	'  - {tp: 2, pp: 1, batch_size: 8, output_tokens: 100, energy: {total_j: 10}}' >"$tmpdir/split-b.yaml"
"$EL" check "$tmpdir/split-a.yaml" "$tmpdir/split-b.yaml" >"$tmpdir/out" 2>"$tmpdir/err"
status=$?
if [ "$status" -eq 0 ] &&
	[ "$(cat "$tmpdir/err")" = "$tmpdir/split-b.yaml:4:5: warning: workload split in two by active_params_b: not given (default params_b: 14) here, 3 at $tmpdir/split-a.yaml:4:5 (expected the same in every document of one workload: give it in both, or in neither)" ] &&
	grep -q '^2 files, 2 workloads, 2 runs; 0 errors, 1 warning$' "$tmpdir/out"; then
	pass schema-split-workload-warns
else
	fail schema-split-workload-warns "status $status: $(cat "$tmpdir/err" "$tmpdir/out")"
fi
# ... also in check --json, with its position
json_case schema-split-workload-json \
	"w = j['warnings']; assert len(w) == 1 and w[0]['line'] == 4 and w[0]['column'] == 5 and 'split in two by active_params_b' in w[0]['message'], w" \
	-- "$EL" check --json "$tmpdir/split-a.yaml" "$tmpdir/split-b.yaml"

# A fitted-model file: energylens never writes a tag or a leading zero, so
# one that has either was edited and is refused.
if (cd "$top_srcdir" && "$EL" fit -o "$tmpdir/sweep.fit" sample-profiles/synthetic/sweep.yaml) >/dev/null 2>&1; then
	sed 's/^      runs: \([0-9]*\)$/      runs: !!int \1/' "$tmpdir/sweep.fit" >"$tmpdir/tag.fit"
	status_case schema-fitted-tag-refused 65 \
		"tag.fit:[0-9]*:13: a value has the tag !!int (expected no tags in a fitted-model file)" \
		-- "$EL" predict --fitted "$tmpdir/tag.fit" --tp 1 --pp 1 --batch 8 --input 100 --output 100
	sed 's/^      runs: \([0-9]*\)$/      runs: 0\1/' "$tmpdir/sweep.fit" >"$tmpdir/zero.fit"
	status_case schema-fitted-leading-zero-refused 65 \
		"zero.fit:[0-9]*:13: runs has a leading zero: YAML 1.1 reads 0250 as octal 168, YAML 1.2 as 250; write 250 or 168" \
		-- "$EL" predict --fitted "$tmpdir/zero.fit" --tp 1 --pp 1 --batch 8 --input 100 --output 100
else
	fail schema-fitted-tag-refused "fit -o failed"
	fail schema-fitted-leading-zero-refused "fit -o failed"
fi
