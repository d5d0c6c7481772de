#!/bin/sh
# energylens import: golden output on small fixtures (tests/data/import/,
# see its README for where the rows come from), error cases with their exact
# messages and exit statuses, output files written whole or not at all, a
# round trip through `energylens check`, and sample-profiles/ being exactly
# what sample-profiles/regenerate.sh makes from the measured data.
. "$top_srcdir/tests/lib.sh"

d=tests/data/import
g=$top_srcdir/tests/golden
map="hardware=gpu,model=model,engine=engine,tp=tp,pp=pp,batch_size=batch"
map="$map,output_tokens=out_tok,energy.total_j=joules,latency.e2e_s=e2e"
map2="hardware=gpu,model=model,tp=tp,pp=pp,batch_size=batch"
map2="$map2,output_tokens=out_tok,energy.total_j=joules"
ml() { "$EL" import mlenergy $d/mlenergy-small.csv --shapes $d/shapes-small.csv "$@"; }
csvimp() { "$EL" import csv --map "$map" --set name=chat,input_tokens=512,architecture=dense $d/runs.csv "$@"; }
: >"$tmpdir/empty"

# --- golden output ---------------------------------------------------------
golden import-mlenergy 0 "$g/import-mlenergy.yaml" "$g/import-mlenergy.err" \
	-- ml --input-tokens gpqa=350
golden import-csv 0 "$g/import-csv.yaml" "$g/import-csv.err" -- csvimp
golden import-help 0 "$g/import-help.txt" "$tmpdir/empty" -- "$EL" import --help

# --- data errors: every problem listed, exit 65, nothing on stdout ------------
golden import-bad-csv 65 "$tmpdir/empty" "$g/import-bad-csv.err" \
	-- "$EL" import csv --map "$map2" $d/bad.csv
golden import-bad-numbers 65 "$tmpdir/empty" "$g/import-bad-numbers.err" \
	-- "$EL" import csv --map "$map2" $d/runs-badnum.csv

# --- usage errors: exit 1 ------------------------------------------------------
printf '%s\n' "energylens import: --map: unknown key 'foo' (see 'energylens import --help')" \
	"Try 'energylens import --help'." >"$tmpdir/unknown-key.err"
golden import-unknown-key 1 "$tmpdir/empty" "$tmpdir/unknown-key.err" \
	-- "$EL" import csv --map "foo=gpu,$map2" $d/runs.csv
printf '%s\n' "energylens import: --map tp=nocol: no column 'nocol' in the header of $d/runs.csv" \
	"Try 'energylens import --help'." >"$tmpdir/no-column.err"
golden import-unknown-column 1 "$tmpdir/empty" "$tmpdir/no-column.err" \
	-- "$EL" import csv --map "tp=nocol,pp=pp,batch_size=batch,output_tokens=out_tok,energy.total_j=joules" $d/runs.csv
printf '%s\n' "energylens import: required key 'pp' is neither mapped nor set" \
	"Try 'energylens import --help'." >"$tmpdir/required.err"
golden import-missing-required 1 "$tmpdir/empty" "$tmpdir/required.err" \
	-- "$EL" import csv --map "tp=tp,batch_size=batch,output_tokens=out_tok,energy.total_j=joules" $d/runs.csv
golden import-bad-set 1 "$tmpdir/empty" - \
	-- "$EL" import csv --map "$map2" --set tp=2 $d/runs.csv
golden import-no-format 1 "$tmpdir/empty" - -- "$EL" import
golden import-bad-option 1 "$tmpdir/empty" - -- "$EL" import mlenergy --bogus $d/mlenergy-small.csv

# --- unreadable input: exit 66 -------------------------------------------------
printf '%s\n' "energylens import: $d/no-such.csv: No such file or directory" >"$tmpdir/noinput.err"
golden import-unreadable 66 "$tmpdir/empty" "$tmpdir/noinput.err" \
	-- "$EL" import mlenergy $d/no-such.csv

# --- output files: whole or not at all -----------------------------------------
out=$tmpdir/outdir
mkdir "$out"
no_temp_left() { ! ls -A "$out" | grep -q '^\.'; }

(cd "$top_srcdir" && ml -o "$out/new/x.yaml") >/dev/null 2>"$tmpdir/err"
status=$?
if [ "$status" -eq 73 ] && [ ! -e "$out/new" ] && grep -q "$out/new/x.yaml: No such file or directory" "$tmpdir/err"; then
	pass import-o-missing-dir
else
	fail import-o-missing-dir "status $status: $(cat "$tmpdir/err")"
fi

if [ "$(id -u)" -eq 0 ]; then
	skip import-o-unwritable-dir "running as root, permissions do not apply"
else
	mkdir "$out/ro" && chmod 555 "$out/ro"
	(cd "$top_srcdir" && ml -o "$out/ro/x.yaml") >/dev/null 2>&1
	status=$?
	if [ "$status" -eq 73 ] && [ -z "$(ls -A "$out/ro")" ]; then
		pass import-o-unwritable-dir
	else
		fail import-o-unwritable-dir "status $status, left: $(ls -A "$out/ro")"
	fi
	chmod 755 "$out/ro" && rm -rf "$out/ro"
fi

echo "precious" >"$out/keep.yaml"
(cd "$top_srcdir" && "$EL" import csv --map "$map2" $d/runs-badnum.csv -o "$out/keep.yaml") >/dev/null 2>&1
status=$?
if [ "$status" -eq 65 ] && [ "$(cat "$out/keep.yaml")" = precious ] && no_temp_left; then
	pass import-o-existing-untouched-on-bad-data
else
	fail import-o-existing-untouched-on-bad-data "status $status, file: $(cat "$out/keep.yaml"), dir: $(ls -A "$out")"
fi

# A directory in the way: the temporary file is written, the rename fails.
mkdir "$out/adir"
(cd "$top_srcdir" && ml -o "$out/adir") >/dev/null 2>"$tmpdir/err"
status=$?
if [ "$status" -eq 73 ] && [ -d "$out/adir" ] && [ -z "$(ls -A "$out/adir")" ] && no_temp_left; then
	pass import-o-rename-fails
else
	fail import-o-rename-fails "status $status: $(cat "$tmpdir/err"); dir: $(ls -A "$out")"
fi

(umask 022 && cd "$top_srcdir" && ml --input-tokens gpqa=350 -o "$out/keep.yaml") >/dev/null 2>&1
status=$?
mode=$(ls -l "$out/keep.yaml" | cut -c1-10)
if [ "$status" -eq 0 ] && cmp -s "$out/keep.yaml" "$g/import-mlenergy.yaml" &&
	[ "$mode" = "-rw-r--r--" ] && no_temp_left; then
	pass import-o-replaces
else
	fail import-o-replaces "status $status, mode $mode, dir: $(ls -A "$out")"
fi

# --- round trip: what import writes, check accepts without a warning -------------
# (but the one about an invisible character in a name, which is the data's:
# check says it of any file holding one)
roundtrip() {
	name=$1 file=$2
	"$EL" check "$file" >"$tmpdir/check.out" 2>"$tmpdir/check.err"
	status=$?
	if [ "$status" -eq 0 ] &&
		! grep -v 'has the invisible character' "$tmpdir/check.err" | grep -q 'warning'; then
		pass "$name"
	else
		fail "$name" "check exit $status: $(head -c 400 "$tmpdir/check.err")"
	fi
}
roundtrip import-roundtrip-mlenergy "$g/import-mlenergy.yaml"
roundtrip import-roundtrip-csv "$g/import-csv.yaml"

# Characters YAML cannot carry as they are (found by fuzzing, see
# tests/fuzz/corpus/import/regress-*): U+FFFE in a cell was written raw and
# the file refused by check; U+2028 ends a comment, so a file name holding
# one (or a byte that is not UTF-8) let the rest of it be read as YAML.
odd=$(printf 'odd\342\200\250x: 1\377.csv')
printf 'gpu,model,tp,pp,batch,out_tok,joules\n%s,%s,1,1,8,100,5\n' \
	"$(printf 'H\357\277\276100')" "$(printf 'm\342\200\251x')" >"$tmpdir/$odd"
if "$EL" import csv --map "$map2" "$tmpdir/$odd" >"$tmpdir/odd.yaml" 2>"$tmpdir/err"; then
	roundtrip import-roundtrip-unprintable "$tmpdir/odd.yaml"
	"$EL" check --json "$tmpdir/odd.yaml" >"$tmpdir/odd.json" 2>/dev/null
	if grep -q 'H\\ufffe100' "$tmpdir/odd.json" ||
		grep -q "$(printf 'H\357\277\276100')" "$tmpdir/odd.json"; then
		pass import-unprintable-kept
	else
		fail import-unprintable-kept "$(head -c 300 "$tmpdir/odd.json")"
	fi
else
	fail import-roundtrip-unprintable "import failed: $(cat "$tmpdir/err")"
fi
# A control character would be refused by check (it is a terminal command
# once printed): the importer refuses it first, with the cell's position.
printf 'gpu,model,tp,pp,batch,out_tok,joules\nH100,%s,1,1,8,100,5\n' \
	"$(printf 'm\033]0;x\007')" >"$tmpdir/ctl.csv"
status_case import-control-character 65 \
	"ctl.csv:2:6: .* is not valid for model (expected printable text, without control characters)" \
	-- "$EL" import csv --map "$map2" "$tmpdir/ctl.csv"
# "-" is standard input, named <stdin> in messages as every reader names it.
status_case import-stdin-named 65 \
	"^<stdin>:2:6: .* is not valid for model" \
	-- sh -c '"$0" import csv --map "$1" - <"$2"' "$EL" "$map2" "$tmpdir/ctl.csv"
# --set values are not read from a CSV, and must be UTF-8 all the same.
golden import-set-not-utf8 1 "$tmpdir/empty" - \
	-- "$EL" import csv --map "$map2" --set "name=$(printf 'a\377')" $d/runs.csv

# --- sample-profiles/ is exactly what regenerate.sh makes ------------------------
data=$top_srcdir/../shared/data
synth=${top_builddir:-$top_srcdir}/tools/synth-sweep
if [ ! -d "$data/measured" ]; then
	skip sample-profiles-regenerate "the raw data the samples are made from is not beside this tree (sample-profiles/README.md)"
elif [ ! -x "$synth" ]; then
	skip sample-profiles-regenerate "tools/synth-sweep not built"
else
	regen=$tmpdir/regen
	mkdir "$regen"
	if ! EL=$EL SYNTH_SWEEP=$synth sh "$top_srcdir/sample-profiles/regenerate.sh" \
		"$data" "$regen" >"$tmpdir/regen.log" 2>&1; then
		fail sample-profiles-regenerate "regenerate.sh failed: $(tail -n 5 "$tmpdir/regen.log")"
	elif ! diff -r "$regen" "$top_srcdir/sample-profiles" >"$tmpdir/diff" 2>&1 &&
		grep -v '^Only in .*/sample-profiles: \(README.md\|regenerate.sh\|model-shapes.csv\)$' "$tmpdir/diff" | grep -q .; then
		fail sample-profiles-regenerate "differs: $(head -n 20 "$tmpdir/diff")"
	else
		pass sample-profiles-regenerate
	fi
fi
