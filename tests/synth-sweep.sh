# tools/synth-sweep: the committed sample sweep is what the tool writes, and
# the tool writes what the formulas in its header say. The formulas are
# written again here, from the comment, in awk, and every noise-free run
# (--sigma 0) of the dense and the MoE sweep, at the default power cap and
# at one that binds more often, must agree with them to the 6 digits
# printed. Then each effect is seen on its own: the micro-batch re-reads,
# the bubble, log2 t, the power cap and the experts touched per
# micro-batch.
. "$top_srcdir/tests/lib.sh"

LC_ALL=C
export LC_ALL

synth=${top_builddir:-$top_srcdir}/tools/synth-sweep
if [ ! -x "$synth" ]; then
	skip synth-sweep "tools/synth-sweep not built"
	exit 0
fi

# --- the committed sweep is the tool's output ------------------------------
if "$synth" --seed 20260101 -o "$tmpdir/sweep.yaml" &&
	cmp -s "$tmpdir/sweep.yaml" "$top_srcdir/sample-profiles/synthetic/sweep.yaml"; then
	pass synth-sweep-committed
else
	fail synth-sweep-committed "sample-profiles/synthetic/sweep.yaml is not what tools/synth-sweep --seed 20260101 writes (regenerate it)"
fi
if grep -q '^# SYNTHETIC: .* NOT a measurement' "$top_srcdir/sample-profiles/synthetic/sweep.yaml"; then
	pass synth-sweep-says-synthetic
else
	fail synth-sweep-says-synthetic "no SYNTHETIC line in the sweep's header"
fi

# runs FILE: one line per run, "t p B I O prefill_j decode_j ttft_s tpot_s".
runs() {
	awk '
	/^  - tp: / { t = $3 }
	/^    pp: / { p = $2 }
	/^    batch_size: / { B = $2 }
	/^    input_tokens: / { I = $2 }
	/^    output_tokens: / { O = $2 }
	/^    energy: / { gsub(/[{},]/, ""); pf = $5; dc = $7 }
	/^    latency: / { gsub(/[{},]/, ""); print t, p, B, I, O, pf, dc, $5, $7 / 1000 }
	' "$1"
}

# model MOE CAP: the same columns from the formulas of tools/synth-sweep.c.
model() {
	awk -v moe="$1" -v cap="$2" '
	function log2(x) { return log(x) / log(2) }
	function max(a, b) { return a > b ? a : b }
	# (6) bytes of weights read by a micro-batch of tok tokens
	function wread(tok,   sh, share) {
		if (E == 0) return N * 2
		sh = (Na * E - N * k) / (E - k)
		share = 1 - (1 - k / E) ^ tok
		return (sh + (N - sh) * share) * 2
	}
	# (3) one all-reduce of S bytes over t GPUs
	function ar(t, S) { return t > 1 ? 8e-6 * log2(t) + 2 * (t - 1) / t * S / 450e9 : 0 }
	# one step: sets WALL, returns energy
	function step(t, p, B, tokpr, ctx, eff,   n, m, b, tok, bytes, fl, busy, act, nar, ars, arb, dyn, st, ho) {
		n = t * p
		m = B < p ? B : p                                  # (1)
		b = B / m
		tok = b * tokpr
		bytes = (wread(tok) + b * ctx * L * kv * 2) / n
		fl = 2 * Na * tok / n
		busy = max(bytes / (0.8 * 3.35e12), fl / (eff * 989e12))  # (5)
		act = tok * H * 2
		nar = t > 1 ? 2 * L / p : 0
		ars = nar * ar(t, act)
		arb = nar * 2 * (t - 1) / t * act
		dyn = fl * 650 / (0.55 * 989e12) + bytes * 48e-12 + arb * 120e-12
		st = max(busy + ars, dyn / (cap - 95))             # (7)
		ho = p > 1 ? 20e-6 + act / (n > 8 ? 50e9 : 450e9) : 0
		WALL = (m + p - 1) * (st + ho)                     # (2)
		return n * 95 * WALL + m * n * dyn + m * (p - 1) * act * 120e-12  # (4)
	}
	BEGIN {
		if (moe) { N = 46.7e9; Na = 12.9e9; L = 32; H = 4096; kv = 1024; E = 8; k = 2 }
		else { N = 70.6e9; Na = N; L = 80; H = 8192; kv = 2048; E = 0; k = 0 }
	}
	{
		t = $1; p = $2; B = $3; I = $4; O = $5
		pe = step(t, p, B, I, 0, 0.55); ttft = WALL
		de = step(t, p, B, 1, I + O / 2, 0.35); tpot = WALL
		print t, p, B, I, O, pe / B, O * de / B, ttft, tpot
	}'
}

# agree NAME FILE MOE CAP: every run of FILE within 2e-5 of the formulas.
agree() {
	runs "$2" >"$tmpdir/got"
	model "$3" "$4" <"$tmpdir/got" >"$tmpdir/want"
	bad=$(paste -d ' ' "$tmpdir/got" "$tmpdir/want" | awk '
		function off(a, b) { d = a - b; if (d < 0) d = -d; return d > 2e-5 * (b < 0 ? -b : b) }
		NF != 18 { print "line " NR ": " $0; exit }
		off($6, $15) || off($7, $16) || off($8, $17) || off($9, $18) { print "line " NR ": " $0; exit }')
	count=$(wc -l <"$tmpdir/got")
	if [ -z "$bad" ] && [ "$count" -gt 200 ]; then
		pass "$1"
	else
		fail "$1" "$count runs; generated against the formulas: $bad"
	fi
}

"$synth" --sigma 0 -o "$tmpdir/dense.yaml"
agree synth-sweep-formulas-dense "$tmpdir/dense.yaml" 0 700
"$synth" --sigma 0 --power-cap 400 -o "$tmpdir/dense-400.yaml"
agree synth-sweep-formulas-power-cap "$tmpdir/dense-400.yaml" 0 400
"$synth" --sigma 0 --moe -o "$tmpdir/moe.yaml"
agree synth-sweep-formulas-moe "$tmpdir/moe.yaml" 1 700

# --- each effect on its own (noise-free runs; RUN t p B I O) ---------------
# field F (6 prefill_j, 7 decode_j, 8 ttft, 9 tpot) of a run
field() {
	runs "$1" | awk -v t="$2" -v p="$3" -v B="$4" -v I="$5" -v O="$6" -v f="$7" \
		'$1 == t && $2 == p && $3 == B && $4 == I && $5 == O { print $f }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a / b }'; }
check() { # NAME CONDITION(awk, on r) RATIO WHAT
	if awk -v r="$3" "BEGIN { exit !($2) }"; then pass "$1"; else fail "$1" "$4: $3"; fi
}
d=$tmpdir/dense.yaml

# dynamic decode energy per request: decode_j less n * 95 W * TPOT * O / B
dyn() {
	runs "$1" | awk -v t="$2" -v p="$3" -v B="$4" -v I="$5" -v O="$6" \
		'$1 == t && $2 == p && $3 == B && $4 == I && $5 == O { print $7 - $1 * $2 * 95 * $9 * O / B }'
}

# (1) B = 8 on p = 4 stages is 4 micro-batches, each re-reading its
# stage's weights: the dynamic energy per request is half that of B = 1
# (4 reads for 8 requests against 1 for 1), not an eighth.
r=$(ratio "$(dyn "$d" 1 4 8 128 128)" "$(dyn "$d" 1 4 1 128 128)")
check synth-sweep-micro-batch-rereads 'r > 0.45 && r < 0.6' "$r" "dynamic decode J per request, p 4: B 8 / B 1"
# (2) the bubble: one request on 4 stages takes 4 slots a token, 8 requests
# (4 micro-batches) take 7: TPOT rises by about 7/4 with 4 times the work.
r=$(ratio "$(field "$d" 1 4 8 128 128 9)" "$(field "$d" 1 4 1 128 128 9)")
check synth-sweep-bubble 'r > 1.6 && r < 1.9' "$r" "TPOT, p 4: B 8 / B 1"
# (3) all-reduce latency grows with log2 t: at B 1 and I 128, TPOT on 8
# GPUs is not far below that on 4, as weights alone would make it (1/2).
r=$(ratio "$(field "$d" 8 1 1 128 128 9)" "$(field "$d" 4 1 1 128 128 9)")
check synth-sweep-allreduce-latency 'r > 0.6 && r < 0.9' "$r" "TPOT, B 1: t 8 / t 4"
# (7) the power cap: a 400 W cap stretches compute-bound prefill.
r=$(ratio "$(field "$tmpdir/dense-400.yaml" 4 1 8 4096 128 8)" "$(field "$d" 4 1 8 4096 128 8)")
check synth-sweep-power-cap 'r > 1.3' "$r" "TTFT at 400 W / at 700 W"
# (6) MoE: one token touches 2 of 8 experts (12.9 B parameters), 32 tokens
# nearly all 46.7 B: the dynamic energy per request falls far less than
# 32-fold.
m=$tmpdir/moe.yaml
r=$(ratio "$(dyn "$m" 2 1 32 128 128)" "$(dyn "$m" 2 1 1 128 128)")
check synth-sweep-moe-experts 'r > 0.08 && r < 0.2' "$r" "MoE dynamic decode J per request: B 32 / B 1"
if "$EL" check "$m" >/dev/null 2>"$tmpdir/err" &&
	grep -q '^  architecture: moe$' "$m" && grep -q '^    experts: 8$' "$m"; then
	pass synth-sweep-moe-valid
else
	fail synth-sweep-moe-valid "$(head -c 300 "$tmpdir/err")"
fi

# --- bad options are usage errors -------------------------------------------
for args in "--power-cap 50" "--power-cap x" "--sigma -1" "--sigma 2" "--bogus"; do
	# shellcheck disable=SC2086
	if "$synth" $args >/dev/null 2>"$tmpdir/err"; then
		fail "synth-sweep-usage $args" "accepted"
	elif [ $? -eq 1 ] && grep -q '^Usage: synth-sweep' "$tmpdir/err"; then
		pass "synth-sweep-usage $args"
	else
		fail "synth-sweep-usage $args" "$(head -c 200 "$tmpdir/err")"
	fi
done
