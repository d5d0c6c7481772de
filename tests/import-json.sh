#!/bin/sh
# energylens import vllm / mlenergy-json / inferencex: the real files of
# tests/data/import-json/ (see its README for sources and licences) import
# or say what to add; a generated sweep of vLLM results with one nvidia-smi
# log per run (tests/gen-vllm.sh) imports to energies within 0.1% of the
# known integrals and fits; DCGM and Zeus logs; bad input: file:line:col,
# exit 65, nothing written.
. "$top_srcdir/tests/lib.sh"

d=tests/data/import-json
vllm_real=$d/vllm-bench-serve__inferencex__kimik2.5_tp8_conc4.json
zeus=$d/zeus-monitor__A40+resnet18+gpu0,1,2,3.csv
wl=hardware=H100,params_b=8,architecture=dense,gpu_memory_gib=80,name=chat

# out_case NAME STATUS STDOUT-PATTERN STDERR-PATTERN -- COMMAND...
# COMMAND (from top_srcdir) exits with STATUS; stdout and stderr hold the
# patterns ("" for none).
out_case() {
	name=$1 want=$2 opat=$3 epat=$4
	shift 5
	(cd "$top_srcdir" && "$@") >"$tmpdir/out" 2>"$tmpdir/err"
	st=$?
	if [ "$st" -ne "$want" ]; then
		fail "$name" "status $st (expected $want): $(head -c 400 "$tmpdir/err")"
	elif [ -n "$opat" ] && ! grep -q -- "$opat" "$tmpdir/out"; then
		fail "$name" "stdout lacks '$opat': $(head -c 400 "$tmpdir/out")"
	elif [ -n "$epat" ] && ! grep -q -- "$epat" "$tmpdir/err"; then
		fail "$name" "stderr lacks '$epat': $(head -c 400 "$tmpdir/err")"
	else
		pass "$name"
	fi
}

# ---- the real files -----------------------------------------------------
out_case ij-mlenergy-v3 0 "ep: 2" "" -- \
	"$EL" import mlenergy-json $d/mlenergy-v3-task__sourcegraph-fim.json
if [ "$(grep -c '^  - tp:' "$tmpdir/out")" -eq 50 ] &&
	"$EL" check "$tmpdir/out" >/dev/null 2>"$tmpdir/cerr" &&
	! grep -q warning "$tmpdir/cerr"; then
	pass ij-mlenergy-v3-50-runs-check
else
	fail ij-mlenergy-v3-50-runs-check "$(grep -c '^  - tp:' "$tmpdir/out") runs; $(head -c 300 "$tmpdir/cerr")"
fi
out_case ij-mlenergy-v3-dp 0 "dp: 4" "" -- \
	"$EL" import mlenergy-json $d/mlenergy-v3-task__sourcegraph-fim.json
out_case ij-mlenergy-v2 0 "batch_size: 256" "" -- \
	"$EL" import mlenergy-json "$d/mlenergy-v2-run__bs128+tp8+pp2.json"
out_case ij-mlenergy-v2-pp 0 "pp: 2" "" -- \
	"$EL" import mlenergy-json "$d/mlenergy-v2-run__bs128+tp8+pp2.json"
out_case ij-mlenergy-index 65 "" \
	"mlenergy-v3__index.json:1:1: the leaderboard's model index, not results (expected" -- \
	"$EL" import mlenergy-json $d/mlenergy-v3__index.json
out_case ij-inferencex-no-energy 65 "" \
	"inferencex-agg__kimik2.5_tp8_conc4.json:1:1: no energy: the summary has neither joules_per_output_token nor avg_power_w" -- \
	"$EL" import inferencex $d/inferencex-agg__kimik2.5_tp8_conc4.json
out_case ij-inferencex-set 0 "ep: 1" "" -- \
	"$EL" import inferencex $d/inferencex-agg__kimik2.5_tp8_conc4.json --set energy.total_j=1000
out_case ij-vllm-real-no-layout 65 "" \
	"no tp or pp in the file: a vLLM result does not record the layout (expected --set tp=N,pp=N.*the file name says tp8" -- \
	"$EL" import vllm $vllm_real --power $zeus
out_case ij-vllm-real-no-window 65 "" \
	"no benchmark window: no benchmark_start_time_unix" -- \
	"$EL" import vllm $vllm_real --power $zeus
# The Zeus log's clock is not Unix time: the window is given in it.
out_case ij-vllm-real-zeus 0 "batch_size: 4" \
	"zeus-monitor__A40+resnet18+gpu0,1,2,3.csv:[0-9]*:1: warning: GPU 0: no power reading for [0-9.]* s within" -- \
	"$EL" import vllm $vllm_real --power $zeus --set tp=4,pp=1 \
	--window 13586624.12895549,13587029.13545004
# The window spans the log from the start of its first measurement window
# to the end of its last: all of its joules, 4 GPUs, / 40 requests.
zeus_j=$(awk -F, 'NR > 1 { for (i = 4; i <= 7; i++) s += $i } END { printf "%.6f", s / 40 }' "$top_srcdir/$zeus")
got=$(sed -n 's/.*total_j: \([0-9.e+-]*\)}.*/\1/p' "$tmpdir/out")
if awk -v a="$got" -v b="$zeus_j" 'BEGIN { r = (a - b) / b; exit !(r < 1e-6 && r > -1e-6) }'; then
	pass ij-zeus-energy
else
	fail ij-zeus-energy "total_j $got, expected $zeus_j"
fi

# ---- a generated sweep: energies within 0.1%, and it fits ------------------
sw=$tmpdir/sweep
sh "$top_srcdir/tests/gen-vllm.sh" "$sw" 24
set --
for f in "$sw"/p*.csv; do set -- "$@" --power "$f"; done
"$EL" import vllm "$sw"/r*.json "$@" --tz UTC --set "$wl" -o "$sw/out.yaml" 2>"$tmpdir/err"
st=$?
sed -n 's/.*{total_j: \([0-9.e+-]*\)}.*/\1/p' "$sw/out.yaml" >"$sw/got.txt" 2>/dev/null
if [ "$st" -eq 0 ] && [ ! -s "$tmpdir/err" ] &&
	[ "$(wc -l <"$sw/got.txt")" -eq 24 ] &&
	paste "$sw/got.txt" "$sw/expected.txt" | awk '
		{ r = ($1 - $2) / $2; if (r < 0) r = -r; if (r > 0.001) bad++ }
		END { exit bad > 0 }'; then
	pass ij-sweep-energies
else
	fail ij-sweep-energies "status $st: $(head -c 300 "$tmpdir/err"); $(paste "$sw/got.txt" "$sw/expected.txt" | head -3)"
fi
if grep -q '^  - tp: 4$' "$sw/out.yaml" && [ "$(grep -c '^---' "$sw/out.yaml")" -eq 1 ]; then
	pass ij-sweep-one-workload
else
	fail ij-sweep-one-workload "$(grep -c '^---' "$sw/out.yaml") documents"
fi
if "$EL" fit "$sw/out.yaml" -o "$sw/fit.yaml" >/dev/null 2>"$tmpdir/err" && [ -s "$sw/fit.yaml" ]; then
	pass ij-sweep-fits
else
	fail ij-sweep-fits "$(head -c 300 "$tmpdir/err")"
fi
# --devices: only GPU 0 of the tp 2 run (r00001): its base power alone.
"$EL" import vllm "$sw/r00001.json" --power "$sw/p00001.csv" --devices 0 --tz UTC \
	--set "$wl" >"$tmpdir/out" 2>"$tmpdir/err"
st=$?
got=$(sed -n 's/.*{total_j: \([0-9.e+-]*\)}.*/\1/p' "$tmpdir/out")
# GPU 0 of run 1: base 152 W over 31.5 s, + 40 (1 - cos 15.75) / 0.5, / 100
want=$(awk 'BEGIN { printf "%.9g", (152 * 31.5 + 40 * (1 - cos(0.5 * 31.5)) / 0.5) / 100 }')
if [ "$st" -eq 0 ] && awk -v a="$got" -v b="$want" 'BEGIN { r = (a - b) / b; exit !(r < 1e-3 && r > -1e-3) }' &&
	grep -q "warning: the energy is of 1 GPUs, the run used tp x pp x dp = 2" "$tmpdir/err"; then
	pass ij-devices
else
	fail ij-devices "status $st, total_j $got, expected $want: $(head -c 300 "$tmpdir/err")"
fi
# Local times read in the wrong zone miss the window entirely.
out_case ij-tz-matters 65 "" "no power reading within the benchmark window" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$sw/p00000.csv" --tz +05:00 --set "$wl"
out_case ij-tz-unknown 1 "" "--tz: unknown zone 'Mars/Olympus'" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$sw/p00000.csv" --tz Mars/Olympus

# ---- the window, gaps and coverage ------------------------------------------
# Drop 3 s of readings inside run 0's window: a gap, said at the log's line.
awk -F', ' 'NR == 1 || $1 < "2023/11/14 22:13:30" || $1 > "2023/11/14 22:13:33"' \
	"$sw/p00000.csv" >"$tmpdir/gap.csv"
gapline=$(awk -F', ' 'NR > 1 && $1 > "2023/11/14 22:13:33" { print NR; exit }' "$tmpdir/gap.csv")
out_case ij-gap-warning 0 "total_j" "gap.csv:$gapline:1: warning: GPU 0: no power reading for 3.1 s within the benchmark window of" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$tmpdir/gap.csv" --tz UTC --set "$wl"
# A log that stops 10 s before the window ends.
awk -F', ' 'NR == 1 || $1 < "2023/11/14 22:13:40"' "$sw/p00000.csv" >"$tmpdir/short.csv"
out_case ij-coverage-warning 0 "total_j" "short.csv:[0-9]*:1: warning: GPU 0: .* s of the 30.5 s benchmark window of .* have no power reading" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$tmpdir/short.csv" --tz UTC --set "$wl"
# No window in the file: --window, in the zone of --tz.
sed 's/, "benchmark_start_time_unix": [0-9.]*, "benchmark_end_time_unix": [0-9.]*//' \
	"$sw/r00000.json" >"$tmpdir/nowin.json"
"$EL" import vllm "$sw/r00000.json" --power "$sw/p00000.csv" --tz UTC --set "$wl" >"$tmpdir/a.yaml" 2>/dev/null
out_case ij-window-option 0 "total_j" "" -- \
	"$EL" import vllm "$tmpdir/nowin.json" --power "$sw/p00000.csv" --tz UTC --set "$wl" \
	--window "2023-11-14 22:13:20.050,1700000030.55"
if grep -q total_j "$tmpdir/a.yaml" && [ "$(grep total_j "$tmpdir/out")" = "$(grep total_j "$tmpdir/a.yaml")" ]; then
	pass ij-window-option-same-energy
else
	fail ij-window-option-same-energy "$(grep total_j "$tmpdir/out") vs $(grep total_j "$tmpdir/a.yaml")"
fi
out_case ij-window-count 1 "" "2 --window for 1 result files" -- \
	"$EL" import vllm "$tmpdir/nowin.json" --power "$sw/p00000.csv" --window 1,2 --window 3,4

# ---- DCGM exporter text ---------------------------------------------------------
# A counter in mJ with a time line before each scrape, and power with
# Prometheus timestamps: 300 W on GPU 0 and 100 W on GPU 1 for 10 s.
awk 'BEGIN {
	for (i = 0; i <= 12; i++) {
		t = 1700000000 + i
		print t
		print "# HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION Total energy (mJ)."
		printf "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\",UUID=\"GPU-x\"} %d\n", 5000000 + i * 300000
		printf "DCGM_FI_DEV_POWER_USAGE{gpu=\"1\",UUID=\"GPU-y\"} 100.000 %.0f\n", t * 1000
		print "DCGM_FI_DEV_GPU_TEMP{gpu=\"0\"} 40"
	}
}' >"$tmpdir/dcgm.txt"
printf '{"backend": "vllm", "model_id": "m", "max_concurrency": 8, "completed": 10, "total_input_tokens": 1000, "total_output_tokens": 2000, "request_rate": 2.5, "benchmark_start_time_unix": 1700000001.0, "benchmark_end_time_unix": 1700000011.0, "tp": 2, "pp": 1}\n' >"$tmpdir/dcgm.json"
out_case ij-dcgm 0 "energy: {total_j: 400}" "" -- \
	"$EL" import vllm "$tmpdir/dcgm.json" --power "$tmpdir/dcgm.txt" --set hardware=H100
out_case ij-dcgm-power-w 0 "power_w: 400" "" -- \
	"$EL" import vllm "$tmpdir/dcgm.json" --power "$tmpdir/dcgm.txt" --set hardware=H100
printf 'DCGM_FI_DEV_POWER_USAGE{gpu="0"} 100\n' >"$tmpdir/dcgm-notime.txt"
out_case ij-dcgm-no-time 65 "" "dcgm-notime.txt:1:1: a reading without a time (expected" -- \
	"$EL" import vllm "$tmpdir/dcgm.json" --power "$tmpdir/dcgm-notime.txt"

# ---- bad input: file:line:col, exit 65, nothing written ----------------------------
head -c 300 "$top_srcdir/$vllm_real" >"$tmpdir/cut.json"
out_case ij-json-truncated 65 "" "cut.json:1:300: not valid JSON: .*(expected the JSON of vllm bench serve --save-result)" -- \
	"$EL" import vllm "$tmpdir/cut.json" --power "$sw/p00000.csv"
printf '{\n  "hw": "h100",\n  "conc": 4,\n  "tp": "eight",\n  "osl": 100\n}\n' >"$tmpdir/ix.json"
out_case ij-value-position 65 "" "ix.json:4:9: tp is not a number (expected one)" -- \
	"$EL" import inferencex "$tmpdir/ix.json"
printf '{\n  "hw": "h100",\n  "conc": 0,\n  "tp": 8,\n  "osl": 100, "joules_per_output_token": 2\n}\n' >"$tmpdir/ix0.json"
out_case ij-value-invalid 65 "" "ix0.json:3:11: conc '0' is not valid for batch_size (expected an integer from 1 to 65536)" -- \
	"$EL" import inferencex "$tmpdir/ix0.json"
printf '{"hw": "h100", "hw": "a100"}' >"$tmpdir/dup.json"
out_case ij-duplicate-key 65 "" "dup.json:1:.*duplicate object key" -- \
	"$EL" import inferencex "$tmpdir/dup.json"
out_case ij-set-contradicts 65 "" "r00000.json:1:[0-9]*: --set tp=4, but the file says otherwise" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$sw/p00000.csv" --tz UTC --set "$wl,tp=4"
out_case ij-not-vllm 65 "" "not a vLLM benchmark result: .*import mlenergy-json" -- \
	"$EL" import vllm $d/mlenergy-v3-task__sourcegraph-fim.json --power "$sw/p00000.csv"
sed 's/"max_concurrency": 1,/"max_concurrency": null,/' "$sw/r00000.json" >"$tmpdir/noconc.json"
out_case ij-no-concurrency 65 "" "max_concurrency is null: no concurrency limit" -- \
	"$EL" import vllm "$tmpdir/noconc.json" --power "$sw/p00000.csv" --tz UTC --set "$wl"
sed '3s/ W$/ kW/' "$sw/p00000.csv" >"$tmpdir/badw.csv"
out_case ij-power-bad-value 65 "" "badw.csv:3:28: ' [0-9.]* kW' is not a power (expected watts" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$tmpdir/badw.csv" --tz UTC --set "$wl"
{ head -n 5 "$sw/p00000.csv"; sed -n 3p "$sw/p00000.csv"; } >"$tmpdir/back.csv"
out_case ij-power-time-back 65 "" "back.csv:6:1: GPU 0's time goes back" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$tmpdir/back.csv" --tz UTC --set "$wl"
out_case ij-power-overlap 65 "" "GPU 0 at .* is also in" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$sw/p00000.csv" --power "$sw/p00000.csv" --tz UTC --set "$wl"
printf 'hello\n' >"$tmpdir/junk.log"
out_case ij-power-unknown 65 "" "junk.log:1:1: not a power log of a known format" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$tmpdir/junk.log"
out_case ij-no-power 1 "" "'import vllm' needs --power LOG" -- \
	"$EL" import vllm "$sw/r00000.json"
out_case ij-devices-missing 1 "" "--devices: no GPU 7 in the power logs" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$sw/p00000.csv" --devices 7 --tz UTC
out_case ij-power-option-wrong-verb 1 "" "are for 'import vllm'" -- \
	"$EL" import inferencex "$tmpdir/ix.json" --power "$sw/p00000.csv"
out_case ij-unreadable 66 "" "no-such.json: No such file or directory" -- \
	"$EL" import mlenergy-json "$tmpdir/no-such.json"

# Every error, none of the output: a good file and a bad one, -o stays away.
(cd "$top_srcdir" && "$EL" import vllm "$sw/r00000.json" "$tmpdir/cut.json" --power "$sw/p00000.csv" \
	--tz UTC --set "$wl" -o "$tmpdir/never.yaml") >/dev/null 2>&1
st=$?
if [ "$st" -eq 65 ] && [ ! -e "$tmpdir/never.yaml" ]; then
	pass ij-nothing-half-written
else
	fail ij-nothing-half-written "status $st, $(ls "$tmpdir")"
fi

# ---- ep: a run key the loader reads, and import mlenergy carries -------------
printf 'energylens: 1\nworkload: {model: m, hardware: h}\nruns:\n  - {tp: 2, pp: 1, ep: 2, batch_size: 4, output_tokens: 10, energy: {total_j: 5}}\n  - {tp: 2, pp: 1, ep: 0, batch_size: 4, output_tokens: 10, energy: {total_j: 5}}\n' >"$tmpdir/ep.yaml"
out_case ij-ep-loader 65 "" "ep.yaml:5:24: ep is zero: 0 (expected an integer from 1 to 1024)" -- \
	"$EL" check "$tmpdir/ep.yaml"
awk -F, -v OFS=, 'NR == 2 { $18 = 4 } { print }' "$top_srcdir/tests/data/import/mlenergy-small.csv" >"$tmpdir/ep.csv"
out_case ij-ep-mlenergy-csv 0 "^    ep: 4$" "" -- \
	"$EL" import mlenergy "$tmpdir/ep.csv" --input-tokens gpqa=300
if [ "$(grep -c '^    ep:' "$tmpdir/out")" -eq 1 ]; then
	pass ij-ep-mlenergy-csv-only-where-not-1
else
	fail ij-ep-mlenergy-csv-only-where-not-1 "$(grep -c '^    ep:' "$tmpdir/out") ep lines"
fi

# ---- more bad input, and --metadata over the defaults ------------------------------
printf 'start_time,window_name\n1,a\n' >"$tmpdir/zeus-short.csv"
out_case ij-zeus-no-column 65 "" "zeus-short.csv:1:1: no elapsed_time column in the header" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$tmpdir/zeus-short.csv"
sed 's/"tensor_parallel_size": "1"/"tensor_parallel_size": "0x1"/' "$sw/r00000.json" >"$tmpdir/hex.json"
out_case ij-metadata-hex 65 "" "hex.json:1:[0-9]*: tensor_parallel_size '0x1' is not valid for tp" -- \
	"$EL" import vllm "$tmpdir/hex.json" --power "$sw/p00000.csv" --tz UTC --set "$wl"
sed 's/"pipeline_parallel_size": "1"/"pipeline_parallel_size": "1", "model": "dense-8b-v2", "engine": "vllm-0.9"/' \
	"$sw/r00000.json" >"$tmpdir/meta.json"
out_case ij-metadata-model 0 "^  model: dense-8b-v2$" "" -- \
	"$EL" import vllm "$tmpdir/meta.json" --power "$sw/p00000.csv" --tz UTC --set "$wl"
grep -q "^  engine: vllm-0.9$" "$tmpdir/out" && pass ij-metadata-engine ||
	fail ij-metadata-engine "$(grep engine "$tmpdir/out")"

# The Argonne gh-pages table has power (mW) and latency but no energy per
# request: import csv says what it still needs.
out_case ij-argonne-says-what-to-add 1 "" "energy.total_j, or both energy.prefill_j and energy.decode_j, must be mapped or set" -- \
	"$EL" import csv --map "tp=Num of Hardware,batch_size=Batch Size,output_tokens=Input Output Length,latency.e2e_s=Latency,hardware=Hardware,model=Model" \
	--set pp=1 $d/argonne-gh-pages__Power__All_results.csv
out_case ij-help 0 "energylens import vllm RESULT.json... --power LOG" "" -- "$EL" import vllm --help
out_case ij-import-help-names-them 0 "vllm, mlenergy-json, inferencex" "" -- "$EL" import --help

# --save-detailed: per-request arrays make a result file megabytes; texts
# hold quotes, braces and escapes that the position finder must skip.
awk 'BEGIN {
	printf ", \"ttfts\": ["
	for (i = 0; i < 50000; i++) printf "%s%.6f", i ? ", " : "", 0.02 + i / 1e7
	printf "], \"generated_texts\": ["
	for (i = 0; i < 20000; i++) printf "%s\"a \\\"quoted\\\" {brace} ] \\\\ \\u00e9 %d\"", i ? ", " : "", i
	printf "], \"errors\": [\"\"], \"itls\": [[0.01, 0.02], []]}"
}' >"$tmpdir/detail.tail"
{ sed 's/}$//' "$sw/r00000.json"; cat "$tmpdir/detail.tail"; } >"$tmpdir/detailed.json"
out_case ij-detailed 0 "total_j" "" -- \
	"$EL" import vllm "$tmpdir/detailed.json" --power "$sw/p00000.csv" --tz UTC --set "$wl"
if [ "$(wc -c <"$tmpdir/detailed.json")" -gt 1000000 ] &&
	[ "$(grep total_j "$tmpdir/out")" = "$(grep total_j "$tmpdir/a.yaml")" ]; then
	pass ij-detailed-same-energy
else
	fail ij-detailed-same-energy "$(wc -c <"$tmpdir/detailed.json") bytes; $(grep total_j "$tmpdir/out")"
fi
# An error after the arrays is still placed: the key's line and column.
sed 's/}$/, "ep": "two"}/' "$tmpdir/detailed.json" >"$tmpdir/detailed-bad.json"
col=$(awk 'NR == 2 { print index($0, "\"ep\": ") + 6 }' "$tmpdir/detailed-bad.json")
out_case ij-detailed-position 65 "" "detailed-bad.json:2:$col: ep 'two' is not valid for ep (expected an integer from 1 to 1024)" -- \
	"$EL" import vllm "$tmpdir/detailed-bad.json" --power "$sw/p00000.csv" --tz UTC --set "$wl"

# A v3 per-model file: the model said once at the top, the task in the name.
pm=$tmpdir/Qwen__Qwen3-14B__gpqa.json
printf '{"model_id": "Qwen/Qwen3-14B", "gpu_model": "H100", "configurations": [\n  {"num_gpus": 1, "tensor_parallel": 1, "data_parallel": 1, "expert_parallel": 1, "max_num_seqs": 64, "avg_output_len": 900.5, "energy_per_request_joules": 310.2, "avg_power_watts": 600, "median_itl_ms": 20.5, "output_length_histogram": [[0, 3], [100, 7]]}\n]}\n' >"$pm"
out_case ij-mlenergy-per-model 0 "^  name: gpqa$" "" -- "$EL" import mlenergy-json "$pm"
grep -q "^  model: Qwen/Qwen3-14B$" "$tmpdir/out" && grep -q "^    input_tokens: 300$" "$tmpdir/out" &&
	pass ij-mlenergy-per-model-keys || fail ij-mlenergy-per-model-keys "$(head -c 600 "$tmpdir/out")"
out_case ij-window-ignored 0 "total_j" "r00000.json:1:[0-9]*: warning: --window ignored: the file has its own benchmark window" -- \
	"$EL" import vllm "$sw/r00000.json" --power "$sw/p00000.csv" --tz UTC --set "$wl" --window 1,2
# Python's json writes NaN and Infinity: read as not given.
sed 's/"mean_tpot_ms": [0-9.]*/"mean_tpot_ms": Infinity/; s/"mean_ttft_ms": [0-9.]*/"mean_ttft_ms": -Infinity/' \
	"$sw/r00000.json" >"$tmpdir/inf.json"
out_case ij-infinity 0 "latency: {e2e_s: " "" -- \
	"$EL" import vllm "$tmpdir/inf.json" --power "$sw/p00000.csv" --tz UTC --set "$wl"
grep -q "tpot_ms\|ttft_s" "$tmpdir/out" && fail ij-infinity-not-given "$(grep latency "$tmpdir/out")" ||
	pass ij-infinity-not-given

# -o never replaces an input: a result file or a power log.
cp "$sw/r00000.json" "$tmpdir/keep.json"
out_case ij-o-input-refused 73 "" "keep.json: " -- \
	"$EL" import vllm "$tmpdir/keep.json" --power "$sw/p00000.csv" --tz UTC --set "$wl" -o "$tmpdir/keep.json"
cmp -s "$sw/r00000.json" "$tmpdir/keep.json" && pass ij-o-input-untouched || fail ij-o-input-untouched "the input changed"
cp "$sw/p00000.csv" "$tmpdir/keep.csv"
out_case ij-o-power-log-refused 73 "" "keep.csv: " -- \
	"$EL" import vllm "$sw/r00000.json" --power "$tmpdir/keep.csv" --tz UTC --set "$wl" -o "$tmpdir/keep.csv"
