#!/bin/sh
# Writes a SYNTHETIC profile of N workloads of RUNS runs each, for the
# resource measurements in docs/performance.md ("Resources"). Without
# POOL every workload is its own fit group (no model metadata): N single-run
# workloads are N groups that cannot be fitted, the worst case for memory
# per group. With POOL (any word) every workload carries params_b and a
# shape, so all pool into one hardware group: what eval --protocol
# workloads holds out one at a time. Runs: tp 1, 2, 4 x batch 1, 8, 32,
# repeated; energies follow a made-up smooth law with a fixed wobble.
# Usage: gen-workloads.sh N RUNS [POOL]
n=${1:?usage: gen-workloads.sh N RUNS [POOL]} runs=${2:?usage: gen-workloads.sh N RUNS [POOL]}
awk -v n="$n" -v runs="$runs" -v pool="${3:-}" 'BEGIN {
	split("1 8 32", batch, " ")
	for (i = 0; i < n; i++) {
		p = 1 + i % 70
		printf "---\nenergylens: 1\nworkload:\n  name: w%d\n  model: m%d\n  hardware: H100\n", i, i
		if (pool != "")
			printf "  params_b: %d\n  shape: {layers: %d, hidden_size: %d}\n", p, 16 + i % 64, 1024 * (1 + i % 8)
		printf "runs:\n"
		for (r = 0; r < runs; r++) {
			tp = 2 ^ (r % 3)
			b = batch[1 + int(r / 3) % 3]
			e = p * (10 + b * 256 / tp / 50) * (1 + 0.03 * sin(7 * i + r))
			printf "  - {tp: %d, pp: 1, batch_size: %d, input_tokens: 128, output_tokens: 256, energy: {total_j: %.3f}}\n", tp, b, e
		}
	}
}'
