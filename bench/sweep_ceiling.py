#!/usr/bin/env python3
"""The noise ceiling of the layout choice on the synthetic sweep: how well
the sweep's own formulas, without their noise, choose among the noisy
measurements that the sweep writes (sample-profiles/synthetic/sweep.yaml,
tools/synth-sweep.c: log-normal noise of sigma 0.05 on the prefill and
decode energies). No form can be expected to do better than the formulas
that made the data, so a form's layout Top-1 and pairwise are read
against these.

Usage: sweep_ceiling.py NOISY.yaml NOISE_FREE.yaml
NOISE_FREE.yaml is the same sweep written with --sigma 0 (the same seed
and layouts). A scenario is one (batch, input, output), its candidates the
layouts (tp, pp) measured in it, as energylens eval's layout choice has
them. Prints one line:
  ceiling scenarios S top1 T pairs P pairwise W
"""
import re
import sys

KEYS = ("tp", "pp", "dp", "batch_size", "input_tokens", "output_tokens")


def runs(path):
    """(tp, pp, dp, batch, input, output) -> total energy, per run."""
    out, cur = {}, None
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*(?:- )?(\w+): (\S+)\s*$", line)
            if line.startswith("  - "):
                cur = {"dp": 1.0}
            if cur is not None and m and m.group(1) in KEYS:
                cur[m.group(1)] = float(m.group(2))
            e = re.search(r"total_j: ([0-9.eE+-]+)", line)
            if cur is not None and e:
                out[tuple(cur[k] for k in KEYS)] = float(e.group(1))
    return out


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[2], file=sys.stderr)
        return 2
    noisy, truth = runs(argv[1]), runs(argv[2])
    if set(noisy) != set(truth):
        print("sweep_ceiling.py: the two sweeps have different runs",
              file=sys.stderr)
        return 1
    scen = {}
    for k in noisy:
        scen.setdefault(k[3:], []).append(k)
    top1 = pairs = agree = n = 0
    for cands in scen.values():
        if len(cands) < 2:
            continue
        n += 1
        best = min(noisy[c] for c in cands)
        guess = min(cands, key=lambda c: truth[c])
        top1 += noisy[guess] <= best
        for i, a in enumerate(cands):
            for b in cands[i + 1:]:
                if noisy[a] == noisy[b]:
                    continue
                pairs += 1
                agree += (truth[a] < truth[b]) == (noisy[a] < noisy[b])
    print("ceiling scenarios %d top1 %.4f pairs %d pairwise %.4f" %
          (n, top1 / n, pairs, agree / pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
