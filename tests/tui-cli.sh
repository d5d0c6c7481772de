# The explorer without a terminal: 'energylens snapshot' screens after
# scripted keys, compared with tests/golden/tui/ (as tig tests its views),
# and what the explorer's command line does when it is not on a terminal.
#
# To accept a changed screen after checking it by eye:
#   UPDATE_GOLDEN=1 EL=./energylens top_srcdir=. sh tests/tui-cli.sh
. "$top_srcdir/tests/lib.sh"

g=$top_srcdir/tests/golden/tui
k=tests/data/tui
: >"$tmpdir/empty"
# The themes of the source tree, not whatever is installed.
ENERGYLENS_DATADIR=$top_srcdir
export ENERGYLENS_DATADIR
utf8=
if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then utf8=C.UTF-8; fi

# screen NAME LOCALE ARGS...: the snapshot under LOCALE equals NAME.txt.
screen() {
	name=$1 loc=$2
	shift 2
	if [ "$loc" = utf8 ] && [ -z "$utf8" ]; then
		skip "tui-$name" "no C.UTF-8 locale"
		return
	fi
	[ "$loc" = utf8 ] && loc=$utf8
	if [ -n "$UPDATE_GOLDEN" ]; then
		(cd "$top_srcdir" && LC_ALL=$loc "$EL" snapshot "$@") \
			>"$g/$name.txt"
	fi
	golden "tui-$name" 0 "$g/$name.txt" "$tmpdir/empty" -- \
		env LC_ALL="$loc" "$EL" snapshot "$@"
}

# --- the newcomer's task, at the smallest common size and a large one -------
screen newcomer-80x24-utf8 utf8 --width 80 --height 24 \
	--keys $k/newcomer.keys sample-profiles
screen newcomer-80x24-ascii C --width 80 --height 24 \
	--keys $k/newcomer.keys sample-profiles
screen newcomer-200x60-utf8 utf8 --width 200 --height 60 \
	--keys $k/newcomer.keys sample-profiles
screen newcomer-200x60-ascii C --width 200 --height 60 \
	--keys $k/newcomer.keys sample-profiles
# The same knobs given as options draw the same screen as typed ones.
golden tui-knob-options 0 "$g/newcomer-80x24-ascii.txt" "$tmpdir/empty" -- \
	env LC_ALL=C "$EL" snapshot --width 80 --height 24 --batch 64 \
	--input 1024 --output 256 --gpus 0 --keys $k/select-output.keys \
	sample-profiles
# --ascii under a UTF-8 locale draws exactly the ASCII screen.
if [ -n "$utf8" ]; then
	golden tui-ascii-option 0 "$g/newcomer-80x24-ascii.txt" "$tmpdir/empty" -- \
		env LC_ALL="$utf8" "$EL" snapshot --ascii --width 80 --height 24 \
		--keys $k/newcomer.keys sample-profiles
else
	skip tui-ascii-option "no C.UTF-8 locale"
fi
screen map-80x24-utf8 utf8 --width 80 --height 24 --keys $k/map.keys \
	sample-profiles
screen map-200x60-ascii C --width 200 --height 60 --keys $k/map.keys \
	sample-profiles
screen panes-100x30-ascii C --width 100 --height 30 --keys $k/panes.keys \
	sample-profiles
screen fit-100x30-utf8 utf8 --width 100 --height 30 --view fit \
	sample-profiles/synthetic
screen fit-80x24-ascii C --width 80 --height 24 --view fit \
	sample-profiles/mlenergy-v2
screen help-100x40-ascii C --width 100 --height 40 --view help \
	sample-profiles/synthetic
screen too-small C --keys $k/resize.keys sample-profiles/synthetic
screen resize-back C --keys $k/resize-back.keys sample-profiles/synthetic
screen gpus-100x30-ascii C --width 100 --height 30 --gpus 8 --batch 64 \
	--input 1024 --output 256 sample-profiles/synthetic

# --- issue 18: workloads told apart, the optima compared, the front, space ---
# The list by hardware with task names; a filter of two words and a search.
screen filter-80x24-utf8 utf8 --width 80 --height 24 --keys $k/filter.keys \
	sample-profiles/mlenergy-v3
screen filter-120x40-ascii C --width 120 --height 40 --keys $k/filter.keys \
	sample-profiles/mlenergy-v3
# c: where the fastest layout's extra energy goes, term by term.
screen compare-80x24-utf8 utf8 --width 80 --height 24 --batch 64 \
	--input 1024 --output 256 --keys $k/compare.keys \
	sample-profiles/mlenergy-v3
screen compare-120x40-ascii C --width 120 --height 40 --batch 64 \
	--input 1024 --output 256 --keys $k/compare.keys \
	sample-profiles/mlenergy-v3
# The Pareto plot beside the layouts, with the blend marked.
screen pareto-120x40-utf8 utf8 --width 120 --height 40 --gpus 8 --eta 0.5 \
	--batch 64 --input 1024 --output 256 sample-profiles/synthetic
screen pareto-120x40-ascii C --width 120 --height 40 --gpus 8 --eta 0.5 \
	--batch 64 --input 1024 --output 256 sample-profiles/synthetic
# The map's side pane whole at 120 columns; no layout fits: why.
screen map-120x40-ascii C --width 120 --height 40 --keys $k/map.keys \
	sample-profiles
screen empty-80x24-ascii C --width 80 --height 24 --gpus 8 --batch 65536 \
	--input 32768 --output 256 sample-profiles/synthetic

# --- every theme draws -------------------------------------------------------
n=0
for t in "$top_srcdir"/themes/*.theme; do
	name=$(basename "$t" .theme)
	n=$((n + 1))
	if (cd "$top_srcdir" && "$EL" snapshot --theme "$name" \
		sample-profiles/synthetic) >"$tmpdir/out" 2>"$tmpdir/err" &&
		[ ! -s "$tmpdir/err" ] && grep -q "OPTIMA DIVERGE" "$tmpdir/out"; then
		pass "tui-theme-$name"
	else
		fail "tui-theme-$name" "$(head -c 300 "$tmpdir/err")"
	fi
done
[ "$n" -ge 5 ] && pass tui-theme-count || fail tui-theme-count "only $n themes"

# --- errors --------------------------------------------------------------------
status_case tui-unknown-theme 1 "no theme named 'nope'" -- \
	"$EL" snapshot --theme nope sample-profiles/synthetic
status_case tui-bad-keys 65 "bad.keys:2:3: unknown key" -- \
	"$EL" snapshot --keys $k/bad.keys sample-profiles/synthetic
status_case tui-bad-keys-stdin 65 "^<stdin>:2:3: unknown key" -- \
	sh -c '"$0" snapshot --keys - sample-profiles/synthetic <"$1"' "$EL" "$k/bad.keys"
status_case tui-missing-keys 66 "no-such.keys" -- \
	"$EL" snapshot --keys $k/no-such.keys sample-profiles/synthetic
status_case tui-bad-view 1 "unknown view" -- \
	"$EL" snapshot --view nope sample-profiles/synthetic
status_case tui-bad-size 1 "--width expects an integer from 1 to 4096, got 0" -- \
	"$EL" snapshot --width 0 sample-profiles/synthetic
status_case tui-missing-path 66 "no-such-dir" -- \
	"$EL" snapshot no-such-dir
status_case tui-no-workload 1 "no workload matches" -- \
	"$EL" snapshot --workload nothing-like-it sample-profiles/synthetic
status_case tui-follow-not-snapshot 1 "not for this verb" -- \
	"$EL" snapshot --follow sample-profiles/synthetic
status_case tui-keys-not-tui 1 "not for this verb" -- \
	"$EL" --keys x sample-profiles/synthetic
# Bad runs are left out, said, and the status says so; the rest is shown.
status_case tui-bad-data 65 "bad.yaml" -- \
	"$EL" snapshot tests/data/check/good tests/data/check/bad.yaml

# --- not on a terminal: the check summary and a hint -------------------------
if (cd "$top_srcdir" && "$EL" </dev/null) >"$tmpdir/out" 2>"$tmpdir/err" &&
	grep -q "1492 runs" "$tmpdir/out" && grep -q "not a terminal" "$tmpdir/err"; then
	pass tui-no-path-not-a-terminal
else
	fail tui-no-path-not-a-terminal "$(tail -c 300 "$tmpdir/out" "$tmpdir/err")"
fi
# With no path the explorer opens the installed sample profiles, and says so.
if (cd "$top_srcdir" && "$EL" snapshot --width 120) >"$tmpdir/out" 2>&1 &&
	grep -q "showing the sample profiles in .*sample-profiles" \
		"$tmpdir/out"; then
	pass tui-default-samples
else
	fail tui-default-samples "$(tail -n 2 "$tmpdir/out")"
fi

# --- uninstalled: the build tree's binary finds the source tree's data -------
# Without ENERGYLENS_DATADIR, run from anywhere, the binary make built uses
# the sample profiles and every theme of the source tree it was configured
# from; a copy elsewhere (as an installed one) does not.
src_real=$(cd "$top_srcdir" && pwd -P)
nthemes=$(ls "$top_srcdir"/themes/*.theme | wc -l)
(unset ENERGYLENS_DATADIR; cd "$tmpdir" && LC_ALL=C "$EL" snapshot --width 200) \
	>"$tmpdir/out" 2>&1
(unset ENERGYLENS_DATADIR; cd "$tmpdir" && LC_ALL=C "$EL" snapshot --view help \
	--width 120 --height 80 "$src_real/sample-profiles/synthetic") \
	>"$tmpdir/help" 2>&1
if grep -qF "showing the sample profiles in $src_real/sample-profiles;" \
	"$tmpdir/out" && grep -q "Theme: .* of $nthemes;" "$tmpdir/help"; then
	pass tui-uninstalled-finds-data
else
	fail tui-uninstalled-finds-data "$(tail -n 1 "$tmpdir/out"; grep Theme "$tmpdir/help")"
fi
mkdir "$tmpdir/bin" && cp "$EL" "$tmpdir/bin/energylens"
(unset ENERGYLENS_DATADIR; cd "$tmpdir" && LC_ALL=C "$tmpdir/bin/energylens" \
	snapshot --view help --width 120 --height 80 \
	"$src_real/sample-profiles/synthetic") >"$tmpdir/help" 2>&1
(unset ENERGYLENS_DATADIR; cd "$tmpdir" && "$tmpdir/bin/energylens" snapshot) \
	>"$tmpdir/out" 2>&1
st=$?
if ! grep -q "Theme: .* of $nthemes;" "$tmpdir/help" &&
	# installed, it opens them; else it says how to get some
	{ [ $st -eq 0 ] || { [ $st -eq 66 ] &&
		grep -q "sample profiles are not installed: give a PATH" "$tmpdir/out"; }; }; then
	pass tui-installed-ignores-srcdir
else
	fail tui-installed-ignores-srcdir "a copy outside the build tree read the source tree's themes"
fi

# --- one set of marks: the explorer, rank and divergence alike ---------------
legend='\* energy-optimal   ! latency-optimal   ~ best blend'
(cd "$top_srcdir" && LC_ALL=C "$EL" rank --eta 0.5 sample-profiles/synthetic) \
	>"$tmpdir/rank" 2>&1
(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --view help --width 120 \
	--height 80 sample-profiles/synthetic) >"$tmpdir/help" 2>&1
if grep -q "^$legend\$" "$tmpdir/rank" && grep -q "^   $legend" "$tmpdir/help" &&
	grep -q '^..~  t' "$tmpdir/rank"; then
	pass tui-marks-rank-as-explorer
else
	fail tui-marks-rank-as-explorer "$(tail -n 3 "$tmpdir/rank"; grep energy-optimal "$tmpdir/help")"
fi
# divergence marks a diverging cell with the latency-optimal mark, as the
# map does, and never with the energy-optimal one.
(cd "$top_srcdir" && LC_ALL=C "$EL" divergence --batches 1,64,2048 \
	--inputs 64,32768 sample-profiles/synthetic) >"$tmpdir/div" 2>&1
(cd "$top_srcdir" && LC_ALL=C "$EL" divergence --json --batches 1,64,2048 \
	--inputs 64,32768 sample-profiles/synthetic) >"$tmpdir/div.json" 2>&1
# (? in place of ! where the fastest is within noise of the cheapest)
bangs=$(sed -n '/^batch/,/^$/p' "$tmpdir/div" | grep -o '[!?]' | wc -l)
diverge=$(grep -o '"diverge": true' "$tmpdir/div.json" | wc -l)
asks=$(sed -n '/^batch/,/^$/p' "$tmpdir/div" | grep -o '?' | wc -l)
noise=$(grep -o '"within_noise": true' "$tmpdir/div.json" | wc -l)
if [ "$bangs" -gt 0 ] && [ "$bangs" -eq "$diverge" ] && [ "$asks" -eq "$noise" ] &&
	! sed -n '/^batch/,/^$/p' "$tmpdir/div" | grep -q '\*' &&
	grep -q '^! where the latency-optimal layout differs' "$tmpdir/div"; then
	pass tui-marks-divergence-as-map
else
	fail tui-marks-divergence-as-map "$bangs marks, $diverge diverging cells: $(head -n 8 "$tmpdir/div")"
fi

# --- plurals: one of a thing is not "things" ---------------------------------
(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --width 120 --height 30 --gpus 1 \
	tests/data/fit/two-layouts.yaml) >"$tmpdir/out" 2>&1
(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --view fit --width 120 \
	--height 30 tests/data/fit/two-layouts.yaml) >"$tmpdir/fit" 2>&1
if grep -q " 1 candidate (" "$tmpdir/out" && grep -q "(1 workload;" "$tmpdir/fit" &&
	! grep -q "1 candidates\|1 workloads\|[^0-9]1 runs" "$tmpdir/out" "$tmpdir/fit"; then
	pass tui-plurals
else
	fail tui-plurals "$(grep "candidate\|workload" "$tmpdir/out" "$tmpdir/fit" | head -n 4)"
fi

# --- the fit quality shown is the workload's own, the group's beside it ------
(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --view fit --width 120 --height 80 \
	sample-profiles/mlenergy-v2) >"$tmpdir/fit" 2>&1
own=$(sed -n '1s/.* fit MAPE \([0-9.]*%\) (group \([0-9.]*%\)).*/\1 \2/p' "$tmpdir/fit")
# the selected workload's row among the group's, worst first
row=$(grep '^ chat Mixtral-8x22B-Instruct-v0.1 ' "$tmpdir/fit" |
	sed 's/.* runs* *\([0-9.]*%\).*/\1/')
group=$(sed -n 's/.* \([0-9.]*%\) group (190 runs.*/\1/p' "$tmpdir/fit")
if [ -n "$own" ] && [ "${own% *}" = "$row" ] && [ "${own#* }" = "$group" ] &&
	[ "$row" != "$group" ]; then
	pass tui-fit-quality-own-and-group
else
	fail tui-fit-quality-own-and-group "header '$own', row '$row', group '$group'"
fi
# th_ar's standard error (0.00043) exceeds its value (0.000108) there.
if grep -q '^ th_ar .* not informed by the data' "$tmpdir/fit" &&
	! grep -q '^ th_pf .* not informed' "$tmpdir/fit"; then
	pass tui-fit-not-informed
else
	fail tui-fit-not-informed "$(grep '^ th_' "$tmpdir/fit" | head -n 3)"
fi

# --- export: the ranking at the knobs, as rank writes it, written whole ------
exp=$tmpdir/export
mkdir "$exp"
for fmt in json csv; do
	printf '=64<Enter><Right>=1024<Enter><Right>=256<Enter>e%s/ranking.%s<Enter>' \
		"$exp" "$fmt" >"$tmpdir/export.keys"
	(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --width 120 --height 24 \
		--keys "$tmpdir/export.keys" sample-profiles/synthetic) >"$tmpdir/out" 2>&1
	(cd "$top_srcdir" && "$EL" rank --$fmt --batch 64 --input 1024 \
		--output 256 sample-profiles/synthetic) >"$tmpdir/rank.$fmt" 2>&1
	if [ -s "$exp/ranking.$fmt" ] && cmp -s "$exp/ranking.$fmt" "$tmpdir/rank.$fmt" &&
		grep -q "exported 10 candidates to $exp/ranking.$fmt" "$tmpdir/out"; then
		pass "tui-export-$fmt-as-rank"
	else
		fail "tui-export-$fmt-as-rank" "$(tail -n 1 "$tmpdir/out"; diff "$exp/ranking.$fmt" "$tmpdir/rank.$fmt" 2>&1 | head -n 5)"
	fi
done
# nothing but the two files: the temporary one was renamed into place
if [ "$(ls -A "$exp" | wc -l)" -eq 2 ]; then
	pass tui-export-no-temporary-left
else
	fail tui-export-no-temporary-left "$(ls -A "$exp")"
fi
# never over a file the explorer read
cp "$top_srcdir/sample-profiles/synthetic/sweep.yaml" "$exp/runs.json"
printf 'e%s/runs.json<Enter>' "$exp" >"$tmpdir/export.keys"
(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --width 160 --height 24 \
	--keys "$tmpdir/export.keys" "$exp/runs.json") >"$tmpdir/out" 2>&1
if cmp -s "$exp/runs.json" "$top_srcdir/sample-profiles/synthetic/sweep.yaml" &&
	grep -q "export: $exp/runs.json: a file the explorer read, not written over" \
		"$tmpdir/out"; then
	pass tui-export-not-over-input
else
	fail tui-export-not-over-input "$(tail -n 1 "$tmpdir/out")"
fi
# a directory that is not there, and a name that says no format
printf 'e%s/no-such-dir/r.csv<Enter>' "$exp" >"$tmpdir/export.keys"
(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --width 200 --height 24 \
	--keys "$tmpdir/export.keys" sample-profiles/synthetic) >"$tmpdir/out" 2>&1
printf 'e%s/ranking.txt<Enter>' "$exp" >"$tmpdir/export.keys"
(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --width 200 --height 24 \
	--keys "$tmpdir/export.keys" sample-profiles/synthetic) >"$tmpdir/out2" 2>&1
if grep -q "export: $exp/no-such-dir/r.csv: " "$tmpdir/out" &&
	grep -q "export: name the file NAME.csv or NAME.json" "$tmpdir/out2" &&
	[ ! -e "$exp/ranking.txt" ]; then
	pass tui-export-errors-said
else
	fail tui-export-errors-said "$(tail -n 1 "$tmpdir/out" "$tmpdir/out2")"
fi

# --- units: a key and an option, the config file, every number labelled -----
q3=lm-arena-chat:Qwen/Qwen3-32B
screen units-kwh-100x30-ascii C --width 100 --height 30 --keys $k/units.keys \
	--workload $q3 sample-profiles/mlenergy-v3/H100
# The option shows the same table as the key (the status line aside).
(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --width 100 --height 30 \
	--unit kwh-mtok --workload $q3 sample-profiles/mlenergy-v3/H100) |
	sed '$d' >"$tmpdir/opt"
sed '$d' "$g/units-kwh-100x30-ascii.txt" >"$tmpdir/key"
if cmp -s "$tmpdir/opt" "$tmpdir/key" && grep -q 'kWh/Mtok' "$tmpdir/opt"; then
	pass tui-unit-option-as-key
else
	fail tui-unit-option-as-key "$(diff "$tmpdir/key" "$tmpdir/opt" | head -n 6)"
fi
# The numbers are rank's energies converted: kWh per million output
# tokens = J per request / output tokens / 3.6.
(cd "$top_srcdir" && "$EL" rank --csv --workload $q3 \
	sample-profiles/mlenergy-v3/H100) >"$tmpdir/rank.csv"
want=$(awk -F, 'NR == 2 { printf "%.3g", $6 / $15 / 3.6 }' "$tmpdir/rank.csv")
if grep -q "^ .*>t1p1 *$want " "$tmpdir/opt"; then
	pass tui-unit-kwh-from-rank
else
	fail tui-unit-kwh-from-rank "want $want: $(grep '>t1p1' "$tmpdir/opt")"
fi
# Throughput and power per GPU: labelled, with the TDP and its source.
for u in tokens-s:'tok/s.*per GPU' watts-gpu:'W/GPU.*of TDP' \
	cost-mtok:'EUR/Mtok' co2-mtok:'gCO2/Mtok'; do
	(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --width 160 --height 30 \
		--unit "${u%%:*}" --price 0.12 --currency EUR --intensity 350 \
		--workload $q3 sample-profiles/mlenergy-v3/H100) >"$tmpdir/u" 2>&1
	if grep -q "${u#*:}" "$tmpdir/u" && ! grep -q '>t1p1 *- ' "$tmpdir/u"; then
		pass "tui-unit-${u%%:*}"
	else
		fail "tui-unit-${u%%:*}" "$(grep 'layout\|>t1p1' "$tmpdir/u")"
	fi
done
printf 'uuuu' >"$tmpdir/watts.keys"
# The synthetic sweep's GPUs stay under their 700 W cap (tools/synth-sweep
# caps them); the same runs said to be on a 350 W H100 PCIe exceed its TDP.
mkdir "$tmpdir/pcie"
sed 's/^  hardware: H100-SXM5-80GB$/  hardware: H100-PCIe-80GB/' \
	"$top_srcdir/sample-profiles/synthetic/sweep.yaml" >"$tmpdir/pcie/sweep.yaml"
(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --width 200 --height 30 \
	--keys "$tmpdir/watts.keys" "$tmpdir/pcie") >"$tmpdir/u" 2>&1
if grep -q '% >TDP' "$tmpdir/u" &&
	grep -q 'unit: W/GPU, .*TDP 350 W from NVIDIA H100 PCIe data sheet' "$tmpdir/u"; then
	pass tui-unit-watts-over-tdp
else
	fail tui-unit-watts-over-tdp "$(tail -n 3 "$tmpdir/u")"
fi
# The config file chooses the unit and the price; its problems are said
# as file:line:col and stop the explorer.
mkdir -p "$XDG_CONFIG_HOME/energylens"
printf '# mine\nunit = cost-mtok\nprice = 0.2\ncurrency = CHF\n' \
	>"$XDG_CONFIG_HOME/energylens/config"
(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --width 120 --height 30 \
	--workload $q3 sample-profiles/mlenergy-v3/H100) >"$tmpdir/u" 2>&1
if grep -q 'CHF/Mtok' "$tmpdir/u"; then
	pass tui-config-unit-and-price
else
	fail tui-config-unit-and-price "$(grep layout "$tmpdir/u")"
fi
printf 'unit = cost-mtok\nintensity = lots\n' >"$XDG_CONFIG_HOME/energylens/config"
status_case tui-config-bad 65 "energylens/config:2:13: 'lots' is not a valid intensity" -- \
	"$EL" snapshot sample-profiles/synthetic
rm -f "$XDG_CONFIG_HOME/energylens/config"
status_case tui-unit-bad-option 1 "--unit: unknown unit 'joules' (expected j-request" -- \
	"$EL" snapshot --unit joules sample-profiles/synthetic
status_case tui-price-bad-option 1 "--price: '-2' is not a valid price" -- \
	"$EL" snapshot --price -2 sample-profiles/synthetic
