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
status_case eval-unknown-protocol 1 "expects runs, workloads, models, batch, hardware, in-sample or partial, got gpu" -- \
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

# --test-fraction: the test set is drawn first, so the scenarios are smaller
# than with every untrained run tested; the candidates per scenario and Top-1
# by scenario size add up to the whole.
v3=sample-profiles/mlenergy-v3/H100 # has replicates: the noise ceiling
# shellcheck disable=SC2086
json_case eval-test-fraction "assert j['test_fraction']==0.3 and j['scenarios']>0; \
assert 2<=j['candidates']<4.5, j['candidates']; \
s=j['by_size']; assert sum(x['scenarios'] for x in s)==j['scenarios']; \
assert abs(sum(x['top1']*x['scenarios'] for x in s)-j['top1']*j['scenarios'])<1e-6; \
assert [x['candidates'] for x in s]==sorted(x['candidates'] for x in s) and s[0]['candidates']>=2" \
	-- "$EL" eval --json --test-fraction 0.3 --baselines none $small $v3
# shellcheck disable=SC2086
json_case eval-no-test-fraction "assert 'test_fraction' not in j and j['candidates']>5, j['candidates']" \
	-- "$EL" eval --json --baselines none $small $v3
for f in 0 1 1.5 -0.2 abc 0.3x nan; do
	status_case "eval-bad-test-fraction-$f" 1 "test-fraction expects a fraction between 0 and 1, got $f" -- \
		"$EL" eval --test-fraction "$f" $data
done
status_case eval-test-fraction-elsewhere 1 "test-fraction is for --protocol runs" -- \
	"$EL" eval --protocol workloads --test-fraction 0.3 $data
if (cd "$top_srcdir" && "$EL" eval --test-fraction 0.3 --baselines none $small $data) \
	>"$tmpdir/out" 2>"$tmpdir/err" &&
	head -n 1 "$tmpdir/out" | grep -qx 'protocol runs, test fraction 0.3, 25 training runs from the rest, 2 seeds, 2 trainings' &&
	grep -q '^candidates   configuration choice' "$tmpdir/out" &&
	grep -q '^method  *Top-1%  cand\. pairwise%' "$tmpdir/out"; then
	pass eval-test-fraction-text
else
	fail eval-test-fraction-text "$(head -c 400 "$tmpdir/out" "$tmpdir/err")"
fi

# partial: every configuration of a workload is a candidate, some of them
# measured (trained on); more candidates than the runs protocol leaves.
# shellcheck disable=SC2086
json_case eval-partial "assert j['protocol']=='partial' and j['scenarios']>0; \
assert 0<j['measured']<j['candidates'] and 0<j['layout']['measured']<j['layout']['candidates']; \
assert j['baselines']['roofline']['scenarios']==j['scenarios']" \
	-- "$EL" eval --json --protocol partial --baselines roofline $small $v3
if (cd "$top_srcdir" && "$EL" eval --protocol partial --baselines none $small $v3) \
	>"$tmpdir/out" 2>"$tmpdir/err" &&
	head -n 1 "$tmpdir/out" | grep -qx 'protocol partial, 25 training runs (measured), every run scored, 2 seeds, 2 trainings' &&
	grep -q '^measured (among the training runs): [0-9.]* of [0-9.]* candidates per configuration' "$tmpdir/out"; then
	pass eval-partial-text
else
	fail eval-partial-text "$(head -c 400 "$tmpdir/out" "$tmpdir/err")"
fi

# The noise ceiling: the v3 H100 runs measure three configurations twice
# (9% and 17% apart, the pairs alone 8.4%) and sweep batch sizes at 282
# batches between two others, which say a measurement's noise is 1.8%;
# tests/data/eval/no-sweeps.yaml has neither (no ceiling).
nosweeps="--protocol in-sample tests/data/eval/no-sweeps.yaml"
# shellcheck disable=SC2086
json_case eval-noise-ceiling "c=j['noise_ceiling']; assert c['replicated']==3 and c['runs']==6 and c['inner']==282; \
assert 0.01<c['noise']<0.03 and c['scenarios']==j['scenarios'] and 0<c['top1']<1; \
assert j['layout']['noise_ceiling']['scenarios']==j['layout']['scenarios']; \
assert all(x['ceiling'] is not None for x in j['by_size'])" \
	-- "$EL" eval --json --baselines none $small $v3
# shellcheck disable=SC2086
json_case eval-no-noise-ceiling "assert j['noise_ceiling'] is None and j['layout']['noise_ceiling'] is None; \
assert all(x['ceiling'] is None for x in j['by_size'])" \
	-- "$EL" eval --json --baselines none $nosweeps
# shellcheck disable=SC2086
if (cd "$top_srcdir" && "$EL" eval --baselines none $small $v3) >"$tmpdir/out" 2>"$tmpdir/err" &&
	grep -q '^noise ceiling  ' "$tmpdir/out" &&
	grep -q "^noise ceiling: an oracle of the true means" "$tmpdir/out" &&
	(cd "$top_srcdir" && "$EL" eval --baselines none $nosweeps) >"$tmpdir/out2" 2>>"$tmpdir/err" &&
	grep -qx '(no noise ceiling: no configuration was measured more than once, and no' "$tmpdir/out2" &&
	grep -qx 'sweep has three batch sizes)' "$tmpdir/out2"; then
	pass eval-noise-ceiling-text
else
	fail eval-noise-ceiling-text "$(head -c 400 "$tmpdir/out" "$tmpdir/err")"
fi

# Nothing scored: the table is replaced by the reason (exit status 0).
noshape=tests/data/eval/no-shapes.yaml
if (cd "$top_srcdir" && "$EL" eval --protocol workloads --baselines none $noshape) \
	>"$tmpdir/out" 2>"$tmpdir/err" &&
	sed -n 3p "$tmpdir/out" | grep -q '^nothing was scored: every fit group holds a single workload' &&
	! grep -q '^overall\|^method' "$tmpdir/out"; then
	pass eval-empty-workloads
else
	fail eval-empty-workloads "$(head -c 400 "$tmpdir/out" "$tmpdir/err")"
fi
json_case eval-empty-json "assert j['scenarios']==0 and 'single workload' in j['empty']" \
	-- "$EL" eval --json --protocol workloads --baselines none $noshape
json_case eval-empty-train "assert 'no fit group has more than 50 runs (the largest has 24)' in j['empty']" \
	-- "$EL" eval --json --baselines none $noshape
json_case eval-not-empty "assert 'empty' not in j and j['scenarios']>0" \
	-- "$EL" eval --json --baselines none --train 20 $noshape
