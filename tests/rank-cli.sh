# CLI tests of energylens rank and divergence (tests/lib.sh has golden()).
. "$top_srcdir/tests/lib.sh"

d=tests/data/fit
g=$top_srcdir/tests/golden
fixture=$d/two-layouts.yaml
knobs="--batch 16 --input 512 --output 256"
: >"$tmpdir/empty"

# --- text, in an ASCII locale and a UTF-8 one ------------------------------
# shellcheck disable=SC2086 # $knobs is a list of options
golden rank-text 0 "$g/rank-two-layouts.out" "$tmpdir/empty" -- \
	env LC_ALL=C "$EL" rank "$fixture" $knobs
if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
	# shellcheck disable=SC2086
	if (cd "$top_srcdir" && LC_ALL=C.UTF-8 "$EL" rank "$fixture" $knobs) |
		grep -q "$(printf '\342\230\205')"; then
		pass rank-utf8-star
	else
		fail rank-utf8-star "no star under C.UTF-8"
	fi
else
	skip rank-utf8-star "no C.UTF-8 locale"
fi
golden divergence-text 0 "$g/divergence-two-layouts.out" "$tmpdir/empty" -- \
	"$EL" divergence "$fixture" --batches 1,16,64 --inputs 128,4096

# --- JSON ---------------------------------------------------------------------
# shellcheck disable=SC2086
json_case rank-json "c=j['candidates']; assert len(c)==3; \
assert [x['energy_j'] for x in c]==sorted(x['energy_j'] for x in c); \
e=min(c,key=lambda x:x['energy_j']); t=min(c,key=lambda x:x['latency_s']); \
lay=lambda x:{k:x[k] for k in ('tp','pp','dp')}; \
assert j['energy_optimal']==lay(e) and j['latency_optimal']==lay(t); \
assert j['diverge']==(lay(e)!=lay(t)); \
assert abs(j['energy_penalty']-(t['energy_j']/e['energy_j']-1))<1e-9; \
assert all(x['measured_j'] for x in c), 'every layout was measured at batch 16'" \
	-- "$EL" rank --json "$fixture" $knobs
json_case divergence-json "assert j['batches']==[1,8,64] and j['inputs']==[512,4096]; \
assert j['output']==256 and len(j['cells'])==3 and all(len(r)==2 for r in j['cells']); \
assert all(c['diverge']==(c['energy_optimal']!=c['latency_optimal']) for r in j['cells'] for c in r)" \
	-- "$EL" divergence --json "$fixture" --batches 1,8,64 --inputs 512,4096

# --- errors -------------------------------------------------------------------
# Knobs not given are the medians of the workload's runs (batch 1, 4, 16
# and 64 on three layouts: 16; input 512 and output 256 throughout).
json_case rank-default-knobs "assert (j['batch'], j['input'], j['output'])==(16, 512, 256), j" \
	-- "$EL" rank --json "$fixture"
json_case rank-default-knobs-some-given "assert (j['batch'], j['input'], j['output'])==(4, 512, 256), j" \
	-- "$EL" rank --json "$fixture" --batch 4
status_case rank-bad-eta 1 "--eta expects a number from 0 to 1, got '1.5'" -- \
	"$EL" rank "$fixture" $knobs --eta 1.5
status_case divergence-no-batch-option 1 "option not for this verb" -- \
	"$EL" divergence "$fixture" --batch 4
status_case rank-nothing-fits 65 "no candidate layout" -- \
	"$EL" rank sample-profiles/synthetic $knobs --gpus 1

# --- a prediction that is not finite is never ranked ---------------------------
# The model's second term is sqrt(2 - t): fitted on runs at t 1 and 2, it is
# NaN at t 4 and 8. Those layouts are left out and said to be, once; the
# optimum is a finite one; predict refuses to print NaN.
grep -v 'tp: 4' "$top_srcdir/$fixture" >"$tmpdir/t12.yaml"
nf=$d/not-finite-model.yaml
status_case rank-not-finite-left-out 0 "4 candidate layouts (t4p1, ...) left out: the model's energy is not finite there" -- \
	"$EL" rank "$tmpdir/t12.yaml" --model "$nf" --gpus 8 $knobs
json_case rank-not-finite-json "c=j['candidates']; assert len(c)==16 and all(x['tp']<=2 for x in c), c; \
assert j['energy_optimal']['tp'] in (1, 2)" \
	-- "$EL" rank --json "$tmpdir/t12.yaml" --model "$nf" --gpus 8 $knobs
status_case predict-not-finite 65 "energy is not finite at this configuration" -- \
	"$EL" predict "$tmpdir/t12.yaml" --model "$nf" --tp 4 --pp 1 $knobs

# --- every sample workload gets an answer --------------------------------------
if [ -z "$PY" ]; then
	skip rank-every-sample-workload "no python3"
	skip divergence-every-sample-workload "no python3"
else
	(cd "$top_srcdir" && "$EL" fit -o "$tmpdir/all.yaml" sample-profiles &&
		"$EL" check --json sample-profiles) >"$tmpdir/workloads.json" 2>"$tmpdir/err"
	for verb in rank divergence; do
		"$PY" - "$EL" "$tmpdir/all.yaml" "$tmpdir/workloads.json" "$verb" \
			>"$tmpdir/every" 2>&1 <<'PY'
import json, subprocess, sys
el, fitted, listing, verb = sys.argv[1:]
text = open(listing).read()
workloads = json.loads(text[text.index("{"):])["workloads"]
knobs = (["--batch", "8", "--input", "512", "--output", "256"]
         if verb == "rank" else ["--batches", "8", "--inputs", "512"])
bad = []
for w in workloads:
    cmd = [el, verb, "--fitted", fitted, "--gpus", "64",
           "--workload", "%s:%s" % (w["name"], w["model"]),
           "--hardware", w["hardware"], "--engine", w["engine"]] + knobs
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        bad.append("%s:%s on %s: %s" % (w["name"], w["model"], w["hardware"],
                                        r.stderr.strip()[:200]))
print("%d workloads, %d failed" % (len(workloads), len(bad)))
print("\n".join(bad[:5]))
sys.exit(1 if bad or not workloads else 0)
PY
		if [ $? -eq 0 ]; then
			pass "$verb-every-sample-workload"
		else
			fail "$verb-every-sample-workload" "$(head -n 6 "$tmpdir/every")"
		fi
	done
fi
