# CLI tests of energylens fit and predict. Sourced by tests/runner.sh's
# shell: see tests/lib.sh for golden().
. "$top_srcdir/tests/lib.sh"

d=tests/data/fit
g=$top_srcdir/tests/golden
fixture=$d/two-layouts.yaml
configuration="--tp 2 --pp 1 --batch 16 --input 512 --output 256"

# --- output -----------------------------------------------------------------
: >"$tmpdir/empty"
golden fit-text 0 "$g/fit-two-layouts.out" "$tmpdir/empty" -- \
	"$EL" fit "$fixture"
# shellcheck disable=SC2086 # $configuration is a list of options
golden predict-text 0 "$g/predict-two-layouts.out" "$tmpdir/empty" -- \
	"$EL" predict "$fixture" $configuration

# --- JSON: shapes, fractions, and terms that sum to the total ----------------
json_case fit-json "f=j['fits'][0]; assert f['group'] and f['runs']==12; \
assert 0 < f['mape'] < 1 and 0 < f['r2'] <= 1; \
assert len(f['params'])==12 and all(set(p)>={'name','value','stderr','informed'} for p in f['params']); \
assert abs(sum(t['share'] for t in f['terms'])-1) < 1e-9; \
assert [(w['model'], w['runs']) for w in f['by_workload']]==[('test/dense-8b', 12)]; \
assert abs(f['by_workload'][0]['mape']-f['mape']) < 1e-12; \
assert [p['informed'] for p in f['params'] if p['name']=='th_x']==[False]; \
assert [p['stderr'] for p in f['params'] if p['name']=='th_x']==[None]" \
	-- "$EL" fit --json "$fixture"
# shellcheck disable=SC2086
json_case predict-terms-sum "assert j['energy_j'] > 0 and j['latency_s'] > 0; \
s=sum(t['energy_j'] for t in j['terms']); \
assert abs(s-j['energy_j']) <= 1e-9*j['energy_j'], (s, j['energy_j']); \
assert all(set(t)=={'name','phase','kind','energy_j'} for t in j['terms'])" \
	-- "$EL" predict --json "$fixture" $configuration

# --- a saved fit predicts what a fresh one does -------------------------------
# shellcheck disable=SC2086
if (cd "$top_srcdir" && "$EL" fit -o "$tmpdir/fitted.yaml" "$fixture" >/dev/null &&
	"$EL" predict --json "$fixture" $configuration >"$tmpdir/a.json" &&
	"$EL" predict --json --fitted "$tmpdir/fitted.yaml" $configuration >"$tmpdir/b.json") 2>"$tmpdir/err"; then
	if [ -z "$PY" ]; then
		skip fit-o-predict-fitted "no python3"
	elif "$PY" -c "import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); \
assert abs(a['energy_j']-b['energy_j']) <= 1e-12*a['energy_j'] and \
abs(a['latency_s']-b['latency_s']) <= 1e-12*a['latency_s'], (a, b)" \
		"$tmpdir/a.json" "$tmpdir/b.json" 2>"$tmpdir/pyerr"; then
		pass fit-o-predict-fitted
	else
		fail fit-o-predict-fitted "$(cat "$tmpdir/pyerr")"
	fi
else
	fail fit-o-predict-fitted "$(cat "$tmpdir/err")"
fi

# --fitted - reads the saved fit from standard input, as PATH - does profiles.
# shellcheck disable=SC2086
if (cd "$top_srcdir" && "$EL" predict --json --fitted - $configuration \
	<"$tmpdir/fitted.yaml" >"$tmpdir/c.json") 2>"$tmpdir/err" &&
	cmp -s "$tmpdir/b.json" "$tmpdir/c.json"; then
	pass predict-fitted-stdin
else
	fail predict-fitted-stdin "$(head -c 300 "$tmpdir/err")"
fi

# --- errors ------------------------------------------------------------------
status_case predict-missing-option 1 "missing --tp" -- \
	"$EL" predict "$fixture" --pp 1 --batch 1 --input 1 --output 1
status_case predict-fractional-batch 1 "--batch expects an integer from 1 to 65536, got '1.5'" -- \
	"$EL" predict "$fixture" --tp 1 --pp 1 --batch 1.5 --input 1 --output 1
status_case predict-no-such-workload 1 "no workload matches" -- \
	"$EL" predict "$fixture" --workload nothing --tp 1 --pp 1 --batch 1 --input 1 --output 1
status_case predict-ambiguous-workload 1 "several workloads match" -- \
	"$EL" predict sample-profiles/argonne --tp 1 --pp 1 --batch 1 --input 1 --output 1
status_case fit-by-bogus 1 "expects hardware or workload" -- "$EL" fit --by gpu "$fixture"
status_case fit-missing-path 66 "cannot read" -- "$EL" fit "$d/no-such-file.yaml"
status_case fit-too-few-runs 65 "4 runs cannot fit" -- \
	"$EL" fit --by workload sample-profiles/argonne/NVIDIA-A100-GPU
printf 'energylens-model: 1\nname: x\ntarget: energy\nunit: J\ndescription: d\nparameters:\n  - {name: a, default: 1, unit: J, meaning: m}\nterms:\n  - {name: t, phase: decode, kind: memory, expr: "a *"}\n' >"$tmpdir/bad-model.yaml"
status_case fit-bad-model 65 "bad-model.yaml:9:.*in the expression of term 't'" -- \
	"$EL" fit --model "$tmpdir/bad-model.yaml" "$fixture"
# read with a bound (a wrong path such as /dev/zero would fill memory),
# and from a FIFO as cat reads it (the user named it: <(...))
status_case fit-model-too-large 65 "^/dev/zero: file too large for a model" -- \
	"$EL" fit --model /dev/zero "$fixture"
rm -f "$tmpdir/model.fifo"
if mkfifo "$tmpdir/model.fifo" 2>/dev/null; then
	cat "$top_srcdir/src/models/energylens-12.yaml" >"$tmpdir/model.fifo" &
	if (cd "$top_srcdir" && "$EL" fit --model "$tmpdir/model.fifo" \
		"$fixture") 2>"$tmpdir/err" | grep -q "energylens-12"; then
		pass fit-model-fifo
	else
		fail fit-model-fifo "stderr: $(head -c 300 "$tmpdir/err")"
	fi
	wait
else
	skip fit-model-fifo "no mkfifo"
fi
status_case fit-o-unwritable 73 "no-such-dir" -- \
	"$EL" fit -o "$tmpdir/no-such-dir/fitted.yaml" "$fixture"
printf 'energylens-fit: 1\ngroups: []\n' >"$tmpdir/bad-fitted.yaml"
status_case predict-bad-fitted 65 "bad-fitted.yaml:1:1: no energy-model" -- \
	"$EL" predict --fitted "$tmpdir/bad-fitted.yaml" $configuration
# shellcheck disable=SC2086
status_case predict-bad-fitted-stdin 65 "^<stdin>:1:1: no energy-model" -- \
	sh -c 'el=$0 in=$1; shift; "$el" predict --fitted - "$@" <"$in"' \
	"$EL" "$tmpdir/bad-fitted.yaml" $configuration

# --- the sample profiles: every group fits, and the real data stay fitted as
# well as when this was written (pooled per hardware, with model shapes) -----
if (cd "$top_srcdir" && "$EL" fit --json sample-profiles) >"$tmpdir/all.json" 2>"$tmpdir/err"; then
	pass fit-every-sample-group
else
	fail fit-every-sample-group "$(head -c 300 "$tmpdir/err")"
fi
if [ -z "$PY" ]; then
	skip fit-real-data-mape "no python3"
else
	# In-sample MAPE measured when this test was written; a change that
	# makes any of them worse by more than half a point fails.
	"$PY" - "$tmpdir/all.json" >"$tmpdir/mape" 2>&1 <<'PY'
import json, sys
recorded = {"A100-SXM4-40GB": 0.131, "H100 80GB HBM3": 0.084,
            "H100,": 0.160, "B200": 0.195}
fits = json.load(open(sys.argv[1]))["fits"]
bad = []
for prefix, limit in recorded.items():
    f = [f for f in fits if f["group"].startswith(prefix)]
    assert len(f) == 1, prefix
    if f[0]["mape"] > limit + 0.005:
        bad.append("%s %.3f > %.3f" % (prefix, f[0]["mape"], limit))
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
	if [ $? -eq 0 ]; then
		pass fit-real-data-mape
	else
		fail fit-real-data-mape "$(cat "$tmpdir/mape")"
	fi
fi

