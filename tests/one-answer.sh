# One question, one answer: the verbs and the explorer ask the same
# workspace, so for every sample workload at its default knobs (the
# medians of its runs) 'rank --json' and the explorer ('snapshot --json',
# the state its screen is drawn from) name the same energy-optimal and
# latency-optimal layouts with the same energies, the text screen marks
# the same row, with the same estimates' basis and confidence, and
# 'divergence --json' and the explorer's map agree cell by cell on the
# default grid (within noise too).
. "$top_srcdir/tests/lib.sh"

# One lookup and one knob table: the explorer's snapshot refuses what rank
# refuses, with the same words.
for verb in rank snapshot; do
	status_case "one-answer-ambiguous-$verb" 1 \
		"several workloads match 'Qwen/Qwen3-14B' (expected --workload" -- \
		"$EL" $verb --workload Qwen/Qwen3-14B sample-profiles
	status_case "one-answer-gpus-limit-$verb" 1 \
		"--gpus expects 0 (the measured layouts) or an integer from 1 to 1024, got '5000'" -- \
		"$EL" $verb --gpus 5000 sample-profiles/synthetic
	status_case "one-answer-batch-limit-$verb" 1 \
		"--batch expects an integer from 1 to 65536, got '1e9'" -- \
		"$EL" $verb --batch 1e9 sample-profiles/synthetic
done

# The views never call back into a verb (the flow is loader, engine,
# workspace, views: docs/design.md).
if grep -l 'cmd_' "$top_srcdir"/src/tui/*.[ch] >"$tmpdir/tui-cmd"; then
	fail one-answer-views-call-no-verb "$(cat "$tmpdir/tui-cmd")"
else
	pass one-answer-views-call-no-verb
fi

if [ -z "$PY" ]; then
	skip one-answer-rank-snapshot "no python3"
	skip one-answer-divergence-map "no python3"
	exit 0
fi
(cd "$top_srcdir" && "$EL" check --json sample-profiles) \
	>"$tmpdir/workloads.json" 2>"$tmpdir/err"

# $1: rank or map; the python below runs every workload (rank) or a few
# with several layouts (map) and prints what disagrees.
compare() {
	(cd "$top_srcdir" && "$PY" - "$EL" "$tmpdir/workloads.json" "$1") \
		>"$tmpdir/out-$1" 2>&1 <<'PY'
import json, re, subprocess, sys
el, listing, what = sys.argv[1:]
text = open(listing).read()
workloads = json.loads(text[text.index("{"):])["workloads"]
bad = []

def run(args, env=None):
    r = subprocess.run([el] + args, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        bad.append("%s: exit %d: %s" % (" ".join(args), r.returncode,
                                          r.stderr.strip()[:300]))
        return None
    return r.stdout

def lay(c):
    return (c["tp"], c["pp"], c["dp"]) if c else None

def close(a, b):
    return (a is None and b is None) or abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300)

checked = 0
multi = [w for w in workloads if w["runs"] >= 6]
for i, w in enumerate(workloads if what == "rank" else multi[:6]):
    sel = ["--workload", "%s:%s" % (w["name"], w["model"]),
           "--hardware", w["hardware"], "--engine", w["engine"],
           "sample-profiles"]
    name = "%s:%s on %s" % (w["name"], w["model"], w["hardware"])
    if what == "rank":
        r, s = run(["rank", "--json"] + sel), run(["snapshot", "--json"] + sel)
        if r is None or s is None:
            continue
        r, s = json.loads(r), json.loads(s)
        if (r["batch"], r["input"], r["output"]) != (s["batch"], s["input"], s["output"]):
            bad.append("%s: knobs %s vs %s" % (name, (r["batch"], r["input"], r["output"]),
                                              (s["batch"], s["input"], s["output"])))
        if r["energy_optimal"] != {k: s["energy_optimal"][k] for k in ("tp", "pp", "dp")}:
            bad.append("%s: energy-optimal %s vs %s" % (name, r["energy_optimal"], lay(s["energy_optimal"])))
        lo = s["latency_optimal"]
        if r["latency_optimal"] != ({k: lo[k] for k in ("tp", "pp", "dp")} if lo else None):
            bad.append("%s: latency-optimal %s vs %s" % (name, r["latency_optimal"], lay(lo)))
        rc, sc = r["candidates"], s["candidates"]
        if [lay(c) for c in rc] != [lay(c) for c in sc] or not all(
                close(a["energy_j"], b["energy_j"]) and close(a["latency_s"], b["latency_s"])
                for a, b in zip(rc, sc)):
            bad.append("%s: candidates differ" % name)
        # the estimates' basis, the order flags and the confidence too
        est = ("basis", "latency_basis", "disagrees", "p_cheapest", "p_fastest")
        if [[c.get(k) for k in est] for c in rc] != [[c.get(k) for k in est] for c in sc]:
            bad.append("%s: basis or confidence differ" % name)
        if any(c.get(k) is None for c in rc for k in est[:3]) or not all(
                c["p_cheapest"] is None or 0 <= c["p_cheapest"] <= 1 for c in rc):
            bad.append("%s: basis or confidence missing" % name)
        # every tenth workload: the text screen marks the same row '*'
        if i % 10 == 0:
            t = run(["snapshot", "--width", "120", "--height", "60"] + sel,
                    env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
            e = r["energy_optimal"]
            want = "t%dp%d" % (e["tp"], e["pp"]) + ("d%d" % e["dp"] if e["dp"] > 1 else "")
            rows = re.findall(r" \*!?\s+>?(t\d+p\d+(?:d\d+)?)\s+[\d.]+ [kmM]?J",
                              t or "")
            if rows != [want]:
                bad.append("%s: the screen's * rows %r, rank says %s" % (name, rows, want))
    else:
        d, s = run(["divergence", "--json"] + sel), run(["snapshot", "--json", "--view", "map"] + sel)
        if d is None or s is None:
            continue
        d, s = json.loads(d), json.loads(s)
        m = s["map"]
        if d["batches"] != m["batches"] or d["inputs"] != m["lengths"] or d["output"] != s["output"]:
            bad.append("%s: grids differ" % name)
        for dr, mr in zip(d["cells"], m["cells"]):
            for dc, mc in zip(dr, mr):
                got = (lay(mc["energy_optimal"]) if mc else None,
                       lay(mc["latency_optimal"]) if mc else None,
                       mc["diverge"] if mc else False,
                       mc["within_noise"] if mc else False)
                want = (lay(dc["energy_optimal"]), lay(dc["latency_optimal"]), dc["diverge"],
                        dc["within_noise"])
                if got != want:
                    bad.append("%s: cell %s vs %s" % (name, want, got))
    checked += 1
print("%d workloads compared, %d disagreements" % (checked, len(bad)))
for b in bad[:20]:
    print(b)
sys.exit(1 if bad or checked == 0 else 0)
PY
}

for what in rank map; do
	if compare $what; then
		pass "one-answer-$what ($(head -n 1 "$tmpdir/out-$what"))"
	else
		fail "one-answer-$what" "$(cat "$tmpdir/out-$what")"
	fi
done
