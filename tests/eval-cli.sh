# CLI tests of energylens eval (tests/lib.sh has the helpers).
. "$top_srcdir/tests/lib.sh"

data=sample-profiles/mlenergy-v2/H100-80GB-HBM3
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

# The text marks references and ends with the note on them.
# shellcheck disable=SC2086
if (cd "$top_srcdir" && "$EL" eval $small --baselines latency-proxy,roofline $data) \
	>"$tmpdir/out" 2>"$tmpdir/err" &&
	grep -q '^latency-proxy (ref) ' "$tmpdir/out" &&
	grep -q '^roofline ' "$tmpdir/out" &&
	tail -n 2 "$tmpdir/out" | grep -q 'a reference, not a predictor'; then
	pass eval-text-references
else
	fail eval-text-references "$(head -c 400 "$tmpdir/out" "$tmpdir/err")"
fi

status_case eval-hardware-not-yet 1 "hardware-transfer protocol is not implemented yet" -- \
	"$EL" eval --protocol hardware $data
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
