#!/bin/sh
# Writes a SYNTHETIC profile of RUNS runs for the load benchmark: the runs
# of sample-profiles/synthetic/sweep.yaml (block style, as profiles are
# written) repeated until there are RUNS of them. Usage: gen-load.sh SRCDIR
# RUNS
src=$1 runs=$2
awk -v runs="$runs" '
	/^runs:/ { body = 1; print; next }
	!body { print; next }
	/^  - / { if (n) runs_text[n - 1] = run; run = $0 "\n"; n++; next }
	{ run = run $0 "\n" }
	END {
		runs_text[n - 1] = run
		for (i = 0; i < runs; i++)
			printf "%s", runs_text[i % n]
	}' "$src/sample-profiles/synthetic/sweep.yaml"
