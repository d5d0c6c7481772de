#!/bin/sh
# energylens discover: it recovers a form planted in generated runs (no
# noise) exactly; its model file is one that fit reads; bad options are
# usage errors; it never writes onto an input.
. "${top_srcdir:?}/tests/lib.sh"

# Six dense workloads on one GPU (so one fit group) of different sizes,
# shapes and weight bits (so that no size, such as Weff, is a sum of
# others over the workloads), every layout of t 1..4, p 1..4, dp 1..2 at
# three batch sizes and two input and output lengths. The energy is the
# planted form, exactly:
#   1e-3 * I * 2*Na  +  0.2 * O * Weff / B  +  2e-3 * O * L * n * log2 t / B
#   + 0.05 * O * Weff * min(p, B) / B  +  2e-4 * O * KVr  +  1e-2 * O * n
# with Weff = bits/8 * N and KVr = 2 * kv * L * (I + O/2) / 1e6.
# (planted batch: 1e-3 * I * 2*Na + 0.2 * O * Weff / B + 2e-4 * O * KVr * sqrt B
# + 0.5 * 2*Na * sqrt B + 1e-2 * O * n instead.)
# (planted signed, on two mixtures of experts beside the dense ones:
# 1e-3 * I * 2*Na + 0.2 * O * Weff / B + 2e-4 * O * max(KVr - Weff, 0)
# + 1e-3 * O * 2*Na*k / B + 1e-2 * O * n, where a MoE's Weff is its shared
# weights plus the experts a batch touches, as src/model.c computes it.)
# (planted quantised, on three mixtures of experts of 16, 8 and 4 bits
# beside the dense ones: 1e-3 * I * 2*Na + 0.2 * O * Weff / B + 1e-2 * O * n
# + 2e-3 * O * n * L * k * min(max(16/bits - 1, 0), 1), the quantised
# expert kernels: one for 8 or 4 bits, zero for dense models and 16-bit
# weights.)
planted() {
	awk -v form="${1:-}" 'function wl(name, N, bits, L, h, kv, E, k, Na,   t, p, dp, b, i, o, B, I, O, n, weff, kvr, e, lg, sh) {
		if (!Na) Na = N
		printf "---\nenergylens: 1\nworkload:\n  name: %s\n  model: planted/%s\n", name, name
		printf "  params_b: %g\n  active_params_b: %g\n  hardware: H100\n  engine: planted\n", N, Na
		printf "  shape: {layers: %d, hidden_size: %d, kv_elements: %d, weight_bits: %d", L, h, kv, bits
		if (E) printf ", experts: %d, experts_per_token: %d", E, k
		printf "}\nruns:\n"
		for (t = 1; t <= 4; t *= 2) for (p = 1; p <= 4; p *= 2) for (dp = 1; dp <= 2; dp++)
		for (b = 0; b < 3; b++) for (i = 0; i < 2; i++) for (o = 0; o < 2; o++) {
			B = 8 ^ b; I = i ? 2048 : 256; O = o ? 512 : 128
			n = t * p * dp; weff = bits / 8 * N
			if (E) { sh = (Na * E - N * k) / (E - k); weff = bits / 8 * (sh + (N - sh) * (1 - (1 - k / E) ^ B)) }
			kvr = 2 * kv * L * (I + O / 2) / 1e6; lg = log(t) / log(2)
			e = 1e-3 * I * 2 * N + 0.2 * O * weff / B + 2e-3 * O * L * n * lg / B
			e += 0.05 * O * weff * (p < B ? p : B) / B + 2e-4 * O * kvr + 1e-2 * O * n
			if (form == "batch") # the shapes that grow with the batch
				e = 1e-3 * I * 2 * N + 0.2 * O * weff / B + 2e-4 * O * kvr * sqrt(B) \
				    + 0.5 * 2 * N * sqrt(B) + 1e-2 * O * n
			if (form == "signed") # KV reads beyond the weights, expert routing
				e = 1e-3 * I * 2 * Na + 0.2 * O * weff / B + 2e-4 * O * (kvr > weff ? kvr - weff : 0) \
				    + 1e-3 * O * 2 * Na * k / B + 1e-2 * O * n
			if (form == "quantised") # block-quantised expert kernels
				e = 1e-3 * I * 2 * Na + 0.2 * O * weff / B + 1e-2 * O * n \
				    + 2e-3 * O * n * L * k * (bits < 16 ? (bits > 8 ? 16 / bits - 1 : 1) : 0)
			printf "  - {tp: %d, pp: %d, dp: %d, batch_size: %d, input_tokens: %d, output_tokens: %d, energy: {total_j: %.17g}}\n", t, p, dp, B, I, O, e
		}
	}
	BEGIN {
		wl("w8", 8, 16, 32, 4096, 1024); wl("w70", 70, 8, 80, 8192, 2048)
		wl("w14", 14, 16, 40, 5120, 2048); wl("w3", 3, 4, 28, 3072, 512)
		wl("w32", 32, 16, 64, 5120, 4096); wl("w120", 120, 8, 36, 2880, 1024)
		if (form == "signed") {
			wl("moe47", 47, 16, 32, 4096, 1024, 8, 2, 13)
			wl("moe30", 30, 16, 48, 2048, 512, 128, 8, 3)
		}
		if (form == "quantised") {
			wl("moe47", 47, 16, 32, 4096, 1024, 8, 2, 13)
			wl("moe235", 235, 8, 94, 4096, 1024, 128, 8, 22)
			wl("moe117", 117, 4, 36, 2880, 1024, 128, 4, 5)
		}
	}'
}
planted >"$tmpdir/planted.yaml"
# NAME WANT FILE [MORE]: discover's chosen form on FILE is exactly the
# planted terms WANT (expression, exponent), fitted to the runs (CV MAPE
# under 1e-6); MORE: further assertions on the form f.
recovers() {
	json_case "$1" "
f = [x for x in j['front'] if x['chosen']][0]
got = {(t['expr'], t['gamma']) for t in f['terms']}
assert got == $2, got
assert f['cv_mape'] < 1e-6, f
${4-}
" -- "$EL" discover --json --max-forms 5000 "$3"
}

# The planted terms, as discover writes them (expression, exponent).
want="{('I * 2 * Na', 0), ('O * Weff', 1), ('O * L * n * log(t) / log(2)', 1),
 ('O * Weff * min(p, B)', 1), ('O * KVr', 0), ('O * n', 0)}"
recovers "discover recovers the planted form" "$want" \
	"$tmpdir/planted.yaml" "
assert f['params'] == 7, f['params']
assert f['top1'] == 1 and f['pairwise'] == 1, f"

# A form with terms that grow with the batch (KV reads under contention,
# a per-request cost): discover's grammar has them and recovers it. (The
# grammar before them had neither shape: it found another form.)
planted batch >"$tmpdir/batch.yaml"
want="{('I * 2 * Na', 0), ('O * Weff', 1), ('O * KVr * sqrt(B)', 0),
 ('2 * Na * sqrt(B)', 0), ('O * n', 0)}"
recovers "discover recovers a planted form with batch-growing terms" \
	"$want" "$tmpdir/batch.yaml"

# Signed differences and mixtures of experts: KV reads beyond the weights
# (max(KVr - Weff, 0), which non-negative terms in KVr and Weff alone
# cannot express) and expert routing (2*Na*k per decode step). The grammar
# before them had neither word: it found another form, not exact.
planted signed >"$tmpdir/signed.yaml"
want="{('I * 2 * Na', 0), ('O * Weff', 1), ('O * max(KVr - Weff, 0)', 0),
 ('O * 2 * Na * k', 1), ('O * n', 0)}"
recovers "discover recovers a planted form with a signed difference and expert routing" \
	"$want" "$tmpdir/signed.yaml"

# Block-quantised experts: a mixture of experts whose weights are
# quantised spends, per decode step, GPU time in its expert kernels that
# its fewer bytes do not save, the same at 8 bits and 4 (O * n * L * k *
# min(max(16/bits - 1, 0), 1)). The grammar before this word found
# another form, not exact; with the word uncapped, max(16/bits - 1, 0),
# three times as much at 4 bits as at 8, another form too.
planted quantised >"$tmpdir/quantised.yaml"
want="{('I * 2 * Na', 0), ('O * Weff', 1), ('O * n', 0),
 ('O * n * L * k * min(max(16 / bits - 1, 0), 1)', 0)}"
recovers "discover recovers a planted form with quantised expert kernels" \
	"$want" "$tmpdir/quantised.yaml"

# The model file it writes is read by fit unchanged, and fits exactly.
(cd "$tmpdir" && "$EL" discover --max-forms 5000 -o found.yaml planted.yaml) \
	>"$tmpdir/out" 2>"$tmpdir/err"
if [ $? -eq 0 ] && "$EL" fit --model "$tmpdir/found.yaml" "$tmpdir/planted.yaml" \
	>"$tmpdir/fit" 2>&1 && grep -q 'discovered-7: 1296 runs, R2 1.000 (log), MAPE 0.0%' "$tmpdir/fit"; then
	pass "discover -o: fit --model reads the form found and fits it exactly"
else
	fail "discover -o: fit --model reads the form found" "$(cat "$tmpdir/err" "$tmpdir/fit" | head -n 8)"
fi

# A second group of four runs beside the planted one: the planted form's
# seven parameters are informed there, and energylens fit refuses a group
# with fewer runs than that. So discover chooses a form that fits every
# group (fit then reads it on the same runs), and says why the better
# ones are passed over. (It chose the planted form, which fit refused.)
{
	cat "$tmpdir/planted.yaml"
	printf -- '---\nenergylens: 1\nworkload: {name: small, model: planted/small, params_b: 8, hardware: A100, engine: planted, shape: {layers: 32, hidden_size: 4096, kv_elements: 1024, weight_bits: 16}}\nruns:\n'
	for r in "1 1 1 900" "2 1 8 700" "1 2 8 650" "2 2 1 1500"; do
		set -- $r
		printf '  - {tp: %s, pp: %s, batch_size: %s, input_tokens: 256, output_tokens: 128, energy: {total_j: %s}}\n' "$1" "$2" "$3" "$4"
	done
} >"$tmpdir/small-group.yaml"
(cd "$tmpdir" && "$EL" discover --max-forms 5000 -o small.yaml small-group.yaml) \
	>"$tmpdir/out" 2>"$tmpdir/err"
st=$?
chosen=$(sed -n 's/^\* *\([0-9]*\) .*/\1/p' "$tmpdir/out")
if [ $st -eq 0 ] && [ -n "$chosen" ] && [ "$chosen" -lt 7 ] &&
	grep -q 'not chosen: a group of 4 runs cannot fit it' "$tmpdir/out" &&
	"$EL" fit --model "$tmpdir/small.yaml" "$tmpdir/small-group.yaml" >"$tmpdir/fit" 2>&1; then
	pass "discover chooses a form that fit fits in every group, even a small one"
else
	fail "discover with a group of four runs" "status $st, chosen '$chosen'; $(cat "$tmpdir/err" "$tmpdir/fit" 2>/dev/null | head -n 4)"
fi

# --front-dir: every form of the front as a model file that fit reads,
# one per number of parameters; the chosen one is the -o file.
mkdir -p "$tmpdir/front"
(cd "$tmpdir" && "$EL" discover --json --max-forms 5000 -o chosen.yaml \
	--front-dir front planted.yaml) >"$tmpdir/front.json" 2>"$tmpdir/err"
st=$?
want=$(sed -n 's/^  {"params": \([0-9]*\),.*/\1/p' "$tmpdir/front.json" | sort -n | tr '\n' ' ')
got=$(cd "$tmpdir/front" && ls discovered-*.yaml 2>/dev/null |
	sed 's/discovered-\([0-9]*\)\.yaml/\1/' | sort -n | tr '\n' ' ')
chosen=$(sed -n 's/^  {"params": \([0-9]*\), "chosen": true.*/\1/p' "$tmpdir/front.json")
ok=yes
for k in $got; do
	"$EL" fit --model "$tmpdir/front/discovered-$k.yaml" "$tmpdir/planted.yaml" \
		>"$tmpdir/fit" 2>&1 && grep -q "discovered-$k: 1296 runs, R2" "$tmpdir/fit" || ok=no
done
if [ $st -eq 0 ] && [ -n "$want" ] && [ "$want" = "$got" ] && [ $ok = yes ] &&
	cmp -s "$tmpdir/chosen.yaml" "$tmpdir/front/discovered-$chosen.yaml"; then
	pass "discover --front-dir: every form of the front as a model fit reads"
else
	fail "discover --front-dir" "status $st; front '$want', files '$got', fit $ok; $(head -c 300 "$tmpdir/err")"
fi
status_case "discover --front-dir not a directory: refused before reading" 73 \
	"--front-dir $tmpdir/planted.yaml: not a directory" -- \
	"$EL" discover --front-dir "$tmpdir/planted.yaml" /nonexistent
status_case "discover --front-dir missing: refused before reading" 73 \
	"--front-dir $tmpdir/none: No such file or directory" -- \
	"$EL" discover --front-dir "$tmpdir/none" /nonexistent

# The same seed and form budget, the same result (the time a search took
# is the one line that differs).
(cd "$tmpdir" && "$EL" discover --json --max-forms 3000 --seed 7 planted.yaml |
	sed 's/"seconds": [^,]*,//' >a.json &&
	"$EL" discover --json --max-forms 3000 --seed 7 planted.yaml |
	sed 's/"seconds": [^,]*,//' >b.json) 2>/dev/null
if cmp -s "$tmpdir/a.json" "$tmpdir/b.json" && [ -s "$tmpdir/a.json" ]; then
	pass "discover: deterministic for a seed"
else
	fail "discover: deterministic for a seed" "$(diff "$tmpdir/a.json" "$tmpdir/b.json" | head -n 5)"
fi

# The same with any number of scoring threads: the threads score a chunk
# of candidates at once and what they found is taken in candidate order,
# so the forms scored, their count and the front are the same with 1, 2
# or 5 threads (5: more threads than the machine has processors, and a
# chunk of candidates split unevenly).
for t in 1 2 5; do
	(cd "$tmpdir" && "$EL" discover --json --max-forms 3000 --seed 7 \
		--threads $t planted.yaml | sed 's/"seconds": [^,]*,//' >t$t.json) 2>/dev/null
done
if [ -s "$tmpdir/t1.json" ] && cmp -s "$tmpdir/a.json" "$tmpdir/t1.json" &&
	cmp -s "$tmpdir/t1.json" "$tmpdir/t2.json" && cmp -s "$tmpdir/t1.json" "$tmpdir/t5.json"; then
	pass "discover: the same front and count of forms with 1, 2 and 5 threads"
else
	fail "discover: the same front and count of forms with 1, 2 and 5 threads" \
		"$(diff "$tmpdir/t1.json" "$tmpdir/t2.json" | head -n 5; diff "$tmpdir/t1.json" "$tmpdir/t5.json" | head -n 5)"
fi
# and until it converges (the stop by its rule), the same with 1 and 2
small="--max-params 3 --kinds memory,compute,idle --seed 7"
# shellcheck disable=SC2086
(cd "$tmpdir" && "$EL" discover --json $small --threads 1 planted.yaml |
	sed 's/"seconds": [^,]*,//' >u1.json &&
	"$EL" discover --json $small --threads 2 planted.yaml |
	sed 's/"seconds": [^,]*,//' >u2.json) 2>/dev/null
if [ -s "$tmpdir/u1.json" ] && cmp -s "$tmpdir/u1.json" "$tmpdir/u2.json" &&
	grep -q '"stopped": "converged"' "$tmpdir/u1.json"; then
	pass "discover: converges to the same front with 1 and 2 threads"
else
	fail "discover: converges to the same front with 1 and 2 threads" "$(diff "$tmpdir/u1.json" "$tmpdir/u2.json" | head -n 5)"
fi

# Without a budget in the way the search converges: it stops by its rule
# (DISCOVER_QUIET_ROUNDS rounds of polishing and restarts that find no
# better front), says so, and that end is the same for a seed on any
# machine, so the same seed gives the same front without --max-forms (a
# small search: three parameters of three kinds).
small="--max-params 3 --kinds memory,compute,idle --seed 7"
# shellcheck disable=SC2086
(cd "$tmpdir" && "$EL" discover --json $small planted.yaml |
	sed 's/"seconds": [^,]*,//' >c.json &&
	"$EL" discover --json $small planted.yaml |
	sed 's/"seconds": [^,]*,//' >d.json) 2>"$tmpdir/err"
if cmp -s "$tmpdir/c.json" "$tmpdir/d.json" &&
	grep -q '"rounds": [3-9][0-9]*, *"stopped": "converged"' "$tmpdir/c.json"; then
	pass "discover: converges by its rule, the same for a seed"
else
	fail "discover: converges by its rule" "$(head -c 300 "$tmpdir/c.json"; diff "$tmpdir/c.json" "$tmpdir/d.json" | head -n 5)"
fi
# shellcheck disable=SC2086
golden_lines() { "$EL" discover $small "$tmpdir/planted.yaml" | head -n 2; }
if golden_lines >"$tmpdir/out" 2>"$tmpdir/err" &&
	grep -q '^1296 runs in 1 group, [0-9]* term shapes; [0-9]* forms scored in [0-9.]* s and [0-9]* rounds, converged$' "$tmpdir/out" &&
	grep -qx 'converged: the last 3 rounds of polishing and random restarts found no front better by 0.5 points' "$tmpdir/out"; then
	pass "discover: says it converged, and by which rule"
else
	fail "discover: says it converged" "$(cat "$tmpdir/out" "$tmpdir/err" | head -n 4)"
fi

# A tenth of a second still gives a model that fit reads, and the search
# says it stopped at its budget, not converged.
rm -f "$tmpdir/quick.yaml"
if "$EL" discover --seconds 0.1 -o "$tmpdir/quick.yaml" \
	"$top_srcdir/sample-profiles/synthetic" >"$tmpdir/out" 2>"$tmpdir/err" &&
	head -n 1 "$tmpdir/out" | grep -q ', time budget spent before converging$' &&
	! grep -q '^converged' "$tmpdir/out" &&
	"$EL" fit --model "$tmpdir/quick.yaml" "$top_srcdir/sample-profiles/synthetic" \
		>"$tmpdir/fit" 2>&1 && grep -q '^  discovered-[0-9]*: [0-9]* runs, R2' "$tmpdir/fit"; then
	pass "discover --seconds 0.1 writes a model that fit reads, stopped at its budget"
else
	fail "discover --seconds 0.1" "$(cat "$tmpdir/out" "$tmpdir/err" "$tmpdir/fit" | head -n 8)"
fi

# Ctrl-C: the search stops, the front so far is printed and the best form
# written, and fit reads it. (python sends the signal: a shell's background
# job would ignore it.)
if [ -n "$PY" ]; then
	rm -f "$tmpdir/int.yaml"
	if "$PY" - "$EL" "$tmpdir" >"$tmpdir/pyerr" 2>&1 <<'PYEOF' &&
import signal, subprocess, sys, time
el, d = sys.argv[1], sys.argv[2]
p = subprocess.Popen([el, "discover", "--seconds", "300", "-o", d + "/int.yaml",
                      d + "/planted.yaml"], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
time.sleep(3)
p.send_signal(signal.SIGINT)
out, err = p.communicate(timeout=120)
assert p.returncode == 0, (p.returncode, err)
assert b"interrupted: keeping the best forms found so far" in err, err
assert b", interrupted" in out, out[:200]
PYEOF
		"$EL" fit --model "$tmpdir/int.yaml" "$tmpdir/planted.yaml" >"$tmpdir/fit" 2>&1; then
		pass "discover: Ctrl-C writes the best form so far"
	else
		fail "discover: Ctrl-C" "$(cat "$tmpdir/pyerr" "$tmpdir/fit" | head -n 8)"
	fi
else
	skip "discover: Ctrl-C" "no python3"
fi

# Options: a bad grammar word, a bad exponent, NaN seconds are usage
# errors, said before anything is read.
status_case "discover --kinds network: usage error" 1 \
	"--kinds expects a list of compute, memory, tp, pp, idle, got network" -- \
	"$EL" discover --kinds network /nonexistent
status_case "discover --phases decode,: usage error" 1 \
	"--phases expects a list of prefill, decode, static, got decode," -- \
	"$EL" discover --phases decode, /nonexistent
status_case "discover --gammas 0: usage error" 1 \
	"--gammas expects a list of up to 8 different numbers in (0, 4], got 0" -- \
	"$EL" discover --gammas 0 /nonexistent
status_case "discover --seconds nan: usage error" 1 \
	"--seconds expects a number of seconds > 0 and at most 1e6, got nan" -- \
	"$EL" discover --seconds nan /nonexistent
status_case "discover --seconds -1: usage error" 1 \
	"--seconds expects" -- "$EL" discover --seconds -1 /nonexistent
status_case "discover --max-params 0: usage error" 1 \
	"--max-params expects a whole number from 1 to 24, got 0" -- \
	"$EL" discover --max-params 0 /nonexistent
status_case "discover --threads 0: usage error" 1 \
	"--threads expects a whole number from 1 to 16, got 0" -- \
	"$EL" discover --threads 0 /nonexistent
status_case "discover --threads 17: usage error" 1 \
	"--threads expects a whole number from 1 to 16, got 17" -- \
	"$EL" discover --threads 17 /nonexistent
status_case "discover without PATH: usage error" 1 "no PATH given" -- \
	"$EL" discover

# -o onto the profile it reads is refused, and the profile is untouched.
cp "$tmpdir/planted.yaml" "$tmpdir/keep.yaml"
status_case "discover -o onto an input: refused" 73 "planted.yaml" -- \
	"$EL" discover --seconds 0.1 -o "$tmpdir/planted.yaml" "$tmpdir/planted.yaml"
if cmp -s "$tmpdir/planted.yaml" "$tmpdir/keep.yaml"; then
	pass "discover -o onto an input: the input is untouched"
else
	fail "discover -o onto an input" "the input changed"
fi

# Runs without energy to search on: bad data, said.
printf 'energylens: 1\nworkload: {name: w, hardware: H}\nruns:\n  - {tp: 1, pp: 1, batch_size: 1, output_tokens: 8, energy: {total_j: 1}}\n' \
	>"$tmpdir/noinput.yaml"
status_case "discover on runs without input_tokens: bad data" 65 \
	"runs to search on" -- "$EL" discover "$tmpdir/noinput.yaml"

# The bench's peer scores Top-1 as eval does: a layout's replicates are
# one candidate (mean measured, mean predicted), a tie in the prediction
# shares the credit; and its folds hold every scenario out exactly once.
if [ -n "$PY" ] && "$PY" -c 'import numpy, scipy' >/dev/null 2>&1; then
	if "$PY" - "$top_srcdir/bench" >"$tmpdir/pyerr" 2>&1 <<'PYEOF'; then
import sys
sys.path.insert(0, sys.argv[1])
import discover_deap as d
# layout A measured 1.0 and 3.0 (mean 2.0), layout B 1.5: B is cheapest,
# though A has the cheapest single run
y = [1.0, 3.0, 1.5]
assert d.top1(y, [1.0, 1.0, 2.0], [[0, 1], [2]]) == 0
assert d.top1(y, [2.0, 2.0, 1.0], [[0, 1], [2]]) == 1
assert d.top1(y, [1.0, 1.0, 1.0], [[0, 1], [2]]) == 0.5
names = ["t", "p", "dp", "B", "I"]
rows = [[t, p, 1, b, i] for b in (1, 8) for i in (128, 512)
        for t in (1, 2) for p in (1, 2)]
groups = [{"label": "g", "rows": rows, "y": [1.0] * len(rows)}]
(folds, scen), = d.split(groups, names, 1)
held = sorted(i for _, test in folds for i in test)
assert held == list(range(len(rows))), held
for train, test in folds:
    assert not set(train) & set(test)
assert len(scen) == 4 and all(len(s) == 4 for s in scen), scen
# a form linear in its coefficients, fitted as the GP's forms are: its
# exponent kept, its coefficient refitted, the planted runs exact
model = {"params": [{"name": "th_1", "default": 7.0},
                    {"name": "gamma_1", "default": 0.5}],
         "terms": ["th_1 * I / B^gamma_1"]}
groups[0]["y"] = [3.0 * r[4] / r[3] ** 0.5 for r in rows]
words = d.score_form_nnls({"model": model, "groups": groups}, names,
                          d.split(groups, names, 1))
assert words.startswith("mape 0.0000 top1 1.0000 scenarios 4 "), words
model["terms"] = ["th_1 * I / B^th_1"]
assert d.score_form_nnls({"model": model, "groups": groups}, names,
                         d.split(groups, names, 1)) is None
# the side-by-side rows: each tool's own pick (discover's chosen form;
# DEAP's lowest training MAPE within the parameter budget) and each
# front's best held-out member
def w(m, t):
    return "mape %.4f top1 %.4f scenarios 10 runs 50" % (m, t)
forms = [("energylens-12", 12, w(.5, .5)),
         ("discover", 3, w(.2, .9)), ("discover/nnls", 3, w(.19, .9)),
         ("discover-front-2", 2, w(.3, .95)),
         ("discover-front-2/nnls", 2, w(.18, .95)),
         ("discover-front-3", 3, w(.2, .9)),
         ("discover-front-5", 5, w(.1, .8))]
deap = [(2, w(.25, .9), .24, "a"), (12, w(.15, .85), .10, "b"),
        (14, w(.12, .9), .09, "c")]
got = {r[0]: (r[1], d.words_dict(r[2])["mape"]) for r in d.picks(forms, deap, 12)}
assert got == {"discover-pick/el": (3, .2), "discover-pick/nnls": (3, .19),
               "discover/el-best-mape": (5, .1),
               "discover/el-best-top1": (2, .3),
               "discover/nnls-best-mape": (2, .18),
               "discover/nnls-best-top1": (2, .18),
               "deap-pick": (12, .15), "deap-best-mape": (14, .12),
               "deap-best-top1": (14, .12)}, got
# an earlier DEAP front read back (BENCH_DEAP_FRONT) and scored again:
# the planted runs are exactly its form, so held out it is exact
try:
    import deap  # noqa: F401
except ImportError:
    deap = None
if deap is not None:
    import os, tempfile
    groups[0]["y"] = [2.0 * r[4] + 5.0 * r[3] for r in rows]
    prob = {"groups": groups}
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("deap-front params 2 mape 0.5 expr add(I,mul(B,2.0))\n"
                "deap seconds 1.0 generations 2 evaluations 3\n")
    front, meta = d.reuse_front(prob, d.split(groups, names, 1), names, 1,
                                f.name)
    os.unlink(f.name)
    assert meta == "seconds 1.0 generations 2 evaluations 3", meta
    (tree, params, mape, words), = front
    # two terms (the constant is fixed, not a parameter)
    assert params == 2 and mape < 1e-9, (params, mape)
    assert words.startswith("mape 0.0000 top1 1.0000 scenarios 4 "), words
    # the GP's seed reaches the GP: its first population (no generation
    # in 0 s) is the same for a seed and another for another seed
    def first(seed):
        out, _, gens, _ = d.run_gp(prob, d.split(groups, names, 1), names,
                                   0, seed)
        assert gens == 0, gens
        return [str(ind) for ind, _ in out]
    assert first(1) == first(1) and first(1) != first(2), (first(1), first(2))
# the GP's seed (SEED, BENCH_DEAP_SEED) goes to the GP and not to the
# folds: main() splits with FOLD_SEED whatever SEED, and says so
import contextlib, io, json, os, tempfile
assert d.folds_hash(d.split(groups, names, 1)) != \
    d.folds_hash(d.split(groups, names, 7)), "the check could not fail"
seen = []
def fake_gp(problem, splits, names, seconds, seed):
    seen.append((seed, d.folds_hash(splits)))
    return [], 0.0, 0, 0
d.run_gp = fake_gp
d.score_form = lambda *a: (12, "mape 0.5 top1 1 scenarios 4 runs 16")
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump({"model": {"inputs": names}, "groups": groups}, f)
outs = []
for seed in ("1", "7"):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert d.main(["discover_deap.py", ".", f.name, "1", seed]) == 0
    outs.append(buf.getvalue())
os.unlink(f.name)
h = d.folds_hash(d.split(groups, names, 1))
assert seen == [(1, h), (7, h)], (seen, h)
for o, seed in zip(outs, ("1", "7")):
    assert "folds seed 1 sha256 %s\n" % h in o, o
    assert " gp_seed %s\n" % seed in o, o
PYEOF
		pass "bench peer: Top-1 as eval counts it, every scenario held out once, a linear form refitted by NNLS, the picks side by side, the GP's seed to the GP and not to the folds"
	else
		fail "bench peer: Top-1 and folds" "$(head -n 8 "$tmpdir/pyerr")"
	fi
else
	skip "bench peer: Top-1 and folds" "no python3 with numpy and scipy"
fi
