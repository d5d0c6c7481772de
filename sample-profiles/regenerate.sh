#!/bin/sh
# Regenerates the profiles in sample-profiles/ from the measured CSVs.
#
#   sample-profiles/regenerate.sh DATA_DIR [OUT_DIR]
#
# DATA_DIR holds measured/{mlenergy_v3_llm,mlenergy_v2_llm,
# argonne_llm_inference_bench_power}.csv (the project's shared/data). OUT_DIR
# (default: this script's directory) receives mlenergy-v3/, mlenergy-v2/,
# argonne/ and synthetic/, each replaced whole. Run it from the build tree,
# or set EL and SYNTH_SWEEP to the energylens and tools/synth-sweep binaries.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data=${1:?usage: regenerate.sh DATA_DIR [OUT_DIR]}
out=${2:-$here}
EL=${EL:-./energylens}
SYNTH_SWEEP=${SYNTH_SWEEP:-./tools/synth-sweep}
shapes=$here/model-shapes.csv

# The measured CSVs have no quoted fields (PROVENANCE.md), so splitting them
# on ',' is exact. One file per (GPU, task): GPU label and task name with
# everything but letters, digits, '.' and '-' turned into '-'.
slug() {
	printf '%s' "$1" | tr -c 'A-Za-z0-9.-' '-' | tr -s '-' | sed 's/^-//; s/-$//'
}

# The workload name the importer gives a task: the part before any ';',
# without a leading "synthetic" (Argonne's prompts are random, its
# measurements real).
workload_name() {
	printf '%s' "$1" | sed 's/;.*//; s/^synthetic //'
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

import_split() { # CSV DEST_SUBDIR
	csv=$1 dest=$out/$2
	rm -rf "$dest"
	head -n 1 "$csv" >"$work/header"
	# columns 5 (task) and 13 (gpu) of the 41-column format
	tail -n +2 "$csv" | cut -d, -f5,13 | sort -u | while IFS=, read -r task gpu; do
		part=$work/part.csv
		cp "$work/header" "$part"
		awk -F, -v t="$task" -v g="$gpu" 'NR > 1 && $5 == t && $13 == g' "$csv" >>"$part"
		mkdir -p "$dest/$(slug "$gpu")"
		LC_ALL=C "$EL" import mlenergy "$part" --shapes "$shapes" \
			-o "$dest/$(slug "$gpu")/$(slug "$(workload_name "$task")").yaml" \
			2>>"$work/warnings"
	done
}

import_split "$data/measured/mlenergy_v3_llm.csv" mlenergy-v3
import_split "$data/measured/mlenergy_v2_llm.csv" mlenergy-v2
import_split "$data/measured/argonne_llm_inference_bench_power.csv" argonne

rm -rf "$out/synthetic"
mkdir -p "$out/synthetic"
"$SYNTH_SWEEP" --seed 20260101 -o "$out/synthetic/sweep.yaml"

# Warnings are expected (models missing from model-shapes.csv); say how many.
n=$(grep -c 'warning:' "$work/warnings" || true)
echo "regenerate.sh: done ($n importer warnings)" >&2
