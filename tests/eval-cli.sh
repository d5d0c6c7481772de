# CLI tests of energylens eval (tests/lib.sh has the helpers).
. "$top_srcdir/tests/lib.sh"

data=sample-profiles/mlenergy-v2/H100-80GB-HBM3
two=sample-profiles/mlenergy-v2 # two GPU groups
small="--train 25 --seeds 2"


# shellcheck disable=SC2086 # $small is a list of options
json_case eval-json "assert j['protocol']=='runs' and j['train']==25 and j['seeds']==2; \
assert j['scenarios']>0 and 0<=j['top1']<=1 and 0<=j['pairwise']<=1 and 0<j['mape']<1; \
assert sum(w['scenarios'] for w in j['by_workload'])==j['scenarios']; \
b=j['baselines']; assert b['latency-proxy']['reference'] and b['gpu-seconds']['reference']; \
assert not b['roofline']['reference'] and b['latency-proxy']['mape'] is None; \
assert set(j['layout'])>={'scenarios','top1','pairwise','mape','baselines'}" \
	-- "$EL" eval --json $small $data
# shellcheck disable=SC2086
json_case eval-no-baselines "assert j['baselines']=={} and j['layout']['baselines']=={}" \
	-- "$EL" eval --json --baselines none $small $data
# shellcheck disable=SC2086
json_case eval-curve "c=j['curve']; assert [x['train'] for x in c]==[10,25,50,100,200]; \
assert all('top1' in x and 'baselines' in x for x in c)" \
	-- "$EL" eval --json --curve --seeds 1 --baselines roofline $data
for protocol in workloads models batch; do
	# shellcheck disable=SC2086
	json_case "eval-protocol-$protocol" "assert j['protocol']=='$protocol' and j['scenarios']>0" \
		-- "$EL" eval --json --protocol $protocol --baselines none $small $data
done

# In-sample: one training per group on every run; its MAPE is the one fit
# reports for the same runs (two groups here, so weighted by their runs).
if [ -z "$PY" ]; then
	skip eval-in-sample-matches-fit "no python3"
elif (cd "$top_srcdir" && "$EL" eval --json --protocol in-sample --baselines roofline $two) \
	>"$tmpdir/eval.json" 2>"$tmpdir/err" &&
	(cd "$top_srcdir" && "$EL" fit --json $two) >"$tmpdir/fit.json" 2>>"$tmpdir/err" &&
	"$PY" -c "
import json, sys
e = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2]))['fits']
assert e['protocol'] == 'in-sample' and e['train'] is None and e['seeds'] == 1, e
fit = sum(g['mape'] * g['runs'] for g in f) / sum(g['runs'] for g in f)
# the fit alone is the fit's MAPE; the estimates, with every run seen
# and combined with its own measurement, are closer
assert len(f) == 2 and abs(e['model_only']['mape'] - fit) < 1e-9, (e['model_only']['mape'], fit)
assert e['mape'] < fit, (e['mape'], fit)
c = e['calibration']; assert len(c['bins']) == 10 and 0 <= c['ece'] <= 1
assert sum(b['scenarios'] for b in c['bins']) == e['scenarios'], c
assert e['scenarios'] == len(e['by_workload']) > 0 and 0 <= e['top1'] <= 1
assert e['baselines']['roofline']['scenarios'] == e['scenarios']
" "$tmpdir/eval.json" "$tmpdir/fit.json" 2>>"$tmpdir/err"; then
	pass eval-in-sample-matches-fit
else
	fail eval-in-sample-matches-fit "$(head -c 400 "$tmpdir/err")"
fi
if (cd "$top_srcdir" && "$EL" eval --protocol in-sample --baselines none $data) \
	>"$tmpdir/out" 2>"$tmpdir/err" &&
	head -n 1 "$tmpdir/out" | grep -qx 'protocol in-sample, every run trained on and scored, 1 trainings'; then
	pass eval-in-sample-text
else
	fail eval-in-sample-text "$(head -c 400 "$tmpdir/out" "$tmpdir/err")"
fi
for opt in "--train 25" "--seeds 2" "--curve"; do
	# shellcheck disable=SC2086 # $opt is an option and its value
	name=${opt%% *}
	status_case "eval-in-sample-${name#--}" 1 "in-sample trains on every run" -- \
		"$EL" eval --protocol in-sample $opt $data
	# shellcheck disable=SC2086
	status_case "eval-in-sample-after-${name#--}" 1 "in-sample trains on every run" -- \
		"$EL" eval $opt --protocol in-sample $data
done

# The text marks references and ends with the note on them.
# shellcheck disable=SC2086
if (cd "$top_srcdir" && "$EL" eval $small --baselines latency-proxy,roofline $data) \
	>"$tmpdir/out" 2>"$tmpdir/err" &&
	grep -q '^latency-proxy (ref) ' "$tmpdir/out" &&
	grep -q '^roofline ' "$tmpdir/out" &&
	grep -q '^energylens-12 (model only) ' "$tmpdir/out" &&
	grep -q 'a reference, not a predictor' "$tmpdir/out" &&
	grep -q '^expected calibration error: [0-9.]*%$' "$tmpdir/out"; then
	pass eval-text-references
else
	fail eval-text-references "$(head -c 400 "$tmpdir/out" "$tmpdir/err")"
fi

# Hardware transfer: ML.ENERGY v2 has two GPUs, so two ordered pairs.
json_case eval-protocol-hardware "assert j['protocol']=='hardware' and j['train'] is None; \
assert j['seeds']==2 and j['target_runs']==10 and j['scenarios']>0 and 0<j['mape']<1; \
p=j['pairs']; assert len(p)==2 and {x['source'] for x in p}=={x['target'] for x in p}; \
assert all(x['source']!=x['target'] and x['scale']>0 and 0<=x['top1']<=1 for x in p); \
assert sum(x['scenarios'] for x in p)==j['scenarios']; \
assert sum(x['layout']['scenarios'] for x in p)==j['layout']['scenarios']; \
b=j['baselines']; assert b['latency-proxy']['reference'] and b['roofline']['scenarios']==j['scenarios']" \
	-- "$EL" eval --json --protocol hardware --seeds 2 $two
json_case eval-hardware-train-k "assert j['train']==25 and j['target_runs']==5 and len(j['pairs'])==2" \
	-- "$EL" eval --json --protocol hardware --train 25 --seeds 2 --target-runs 5 --baselines none $two
# The other protocols' JSON is unchanged: no pairs, no target_runs.
# shellcheck disable=SC2086
json_case eval-runs-no-pairs "assert 'pairs' not in j and 'target_runs' not in j" \
	-- "$EL" eval --json --baselines none $small $data
if [ -z "$PY" ]; then
	skip eval-hardware-json-tool "no python3"
elif (cd "$top_srcdir" && "$EL" eval --json --protocol hardware --seeds 1 --curve \
	--baselines none $two) >"$tmpdir/out" 2>"$tmpdir/err" &&
	"$PY" -m json.tool "$tmpdir/out" >/dev/null 2>>"$tmpdir/err"; then
	pass eval-hardware-json-tool
else
	fail eval-hardware-json-tool "$(head -c 400 "$tmpdir/err")"
fi
# The text has one line per ordered pair under its heading.
if (cd "$top_srcdir" && "$EL" eval --protocol hardware --seeds 2 --baselines roofline $two) \
	>"$tmpdir/out" 2>"$tmpdir/err" &&
	head -n 1 "$tmpdir/out" | grep -q '^protocol hardware, all training runs of the source, 10 of the target' &&
	[ "$(sed -n '/^source -> target/,/^$/p' "$tmpdir/out" | grep -c ' -> ')" -eq 3 ] &&
	grep -q '^roofline ' "$tmpdir/out"; then
	pass eval-hardware-text
else
	fail eval-hardware-text "$(head -c 400 "$tmpdir/out" "$tmpdir/err")"
fi
status_case eval-hardware-one-group 65 "hardware transfer needs at least two fit groups" -- \
	"$EL" eval --protocol hardware $data
# Groups on one GPU (another engine) are not a transfer: all on one GPU is
# refused, and a mix leaves those pairs out.
status_case eval-hardware-same-gpu 65 "on at least two GPUs, all 3 groups are on NVIDIA A100 GPU" -- \
	"$EL" eval --protocol hardware sample-profiles/argonne/NVIDIA-A100-GPU
if (cd "$top_srcdir" && "$EL" eval --protocol hardware --seeds 1 --baselines none \
	sample-profiles/argonne/NVIDIA-H100-GPU $data) >"$tmpdir/out" 2>"$tmpdir/err" &&
	sed -n '/^groups/,/^$/p' "$tmpdir/out" | grep -q '^  g3    H100 80GB HBM3, vLLM' &&
	pairs=$(sed -n '/^source -> target/,/^$/p' "$tmpdir/out" | grep ' -> g') &&
	[ "$(printf '%s\n' "$pairs" | wc -l)" -eq 4 ] &&
	! printf '%s\n' "$pairs" | grep -q 'g[12] NVIDIA H100 GPU   -> g[12] '; then
	pass eval-hardware-same-gpu-left-out
else
	fail eval-hardware-same-gpu-left-out "$(head -c 600 "$tmpdir/out" "$tmpdir/err")"
fi
status_case eval-hardware-one-target-run 1 "expects a whole number from 2 to 10, got 1" -- \
	"$EL" eval --protocol hardware --target-runs 1 $two
status_case eval-hardware-eleven-target-runs 1 "expects a whole number from 2 to 10, got 11" -- \
	"$EL" eval --protocol hardware --target-runs 11 $two
status_case eval-target-runs-elsewhere 1 "target-runs is for --protocol hardware" -- \
	"$EL" eval --target-runs 5 $two
status_case eval-unknown-protocol 1 "expects runs, workloads, models, batch, hardware or in-sample, got gpu" -- \
	"$EL" eval --protocol gpu $data
status_case eval-unknown-baseline 1 "unknown baseline forest" -- \
	"$EL" eval --baselines roofline,forest $data
status_case eval-bad-train 1 "expected a positive integer, got 0" -- \
	"$EL" eval --train 0 $data
status_case eval-missing-path 66 "cannot read" -- "$EL" eval no-such-dir

# No object of the JSON has a key twice (json.load would hide it), and every
# method is scored on the same scenarios as the model.
# shellcheck disable=SC2086
json_case eval-json-no-duplicate-keys "
def once(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)
j = json.load(open(sys.argv[1]), object_pairs_hook=once)
for name in ('wilkins', 'roofline'):
    assert j['baselines'][name]['scenarios'] == j['scenarios'], name
    assert j['layout']['baselines'][name]['scenarios'] == j['layout']['scenarios'], name" \
	-- "$EL" eval --json $small $data
