#!/bin/sh
# Writes a SYNTHETIC profile for the interactive benchmark: one workload
# measured on 64 layouts (tp, pp, dp each 1, 2, 4 or 8) at enough batch
# sizes and lengths to make RUNS runs (default 10000). The energies follow a
# simple made-up form; only the timing of the explorer is measured on it.
runs=${1:-10000}
awk -v runs="$runs" 'BEGIN {
	print "# SYNTHETIC: bench/gen-tui.sh, for timing only; NOT a measurement."
	print "energylens: 1"
	print "workload:"
	print "  name: bench-64-layouts"
	print "  model: synthetic/dense-70b"
	print "  params_b: 70.6"
	print "  hardware: H100-SXM5-80GB"
	print "  gpu_memory_gib: 80"
	print "  shape: {layers: 80, hidden_size: 8192, kv_elements: 2048, weight_bits: 16}"
	print "runs:"
	n = 0
	for (k = 0; n < runs; k++)
		for (t = 1; t <= 8 && n < runs; t *= 2)
			for (p = 1; p <= 8 && n < runs; p *= 2)
				for (d = 1; d <= 8 && n < runs; d *= 2) {
					b = 2 ^ (k % 10); i = 128 * 2 ^ (int(k / 10) % 6)
					o = 64 * 2 ^ (int(k / 60) % 4)
					e = 0.001 * 141 * i + o * (0.1 * 141 / b ^ 0.9 + 0.002 * t * p * d * 80 / b + 0.01 * t * p * d)
					printf "  - {tp: %d, pp: %d, dp: %d, batch_size: %d, input_tokens: %d, output_tokens: %d, energy: {total_j: %.6g}, latency: {e2e_s: %.6g}}\n", t, p, d, b, i, o, e, o * (0.02 / t + 0.001 * b) * (1 + 0.1 * p)
					n++
				}
}'
