#!/bin/sh
# Writes a sweep of N vLLM benchmark results (DIR/rNNNNN.json, as vllm bench
# serve --save-result writes them, with --metadata tensor_parallel_size and
# pipeline_parallel_size) and one nvidia-smi power log per run
# (DIR/pNNNNN.csv, --query-gpu=timestamp,index,power.draw --format=csv,
# UTC times), and DIR/expected.txt: the exact energy per request of each
# run, the integral of the logged power function over its window divided by
# the completed requests.
#
# Usage: gen-vllm.sh DIR N [SECONDS [SAMPLES_PER_S]]
#   SECONDS: length of the first run's window (default 30; run i: + i mod 7)
#   SAMPLES_PER_S: power readings per second per GPU (default 10)
#
# Run i: tp = 1, 2, 4 in turn, batch_size = 1 ... 128, 100 requests; each
# GPU draws base + 40 sin(0.5 (t - start)) W, so the sampled log is not
# piecewise linear and the integral is not what the sampling trivially
# gives. Odd runs use vLLM's older "request_goodput:" key (with the colon)
# and a NaN, as Python's json writes it. Used by tests/import-json.sh and
# bench/run.sh.
dir=$1 n=$2 secs=${3:-30} rate=${4:-10}
mkdir -p "$dir" || exit 1
awk -v dir="$dir" -v n="$n" -v secs="$secs" -v rate="$rate" '
function day(z,   era, doe, yoe, y, doy, mp, d, m) {
	z += 719468
	era = int((z >= 0 ? z : z - 146096) / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9
	if (m <= 2) y++
	return sprintf("%04d/%02d/%02d", y, m, d)
}
function stamp(ms,   days, rem) {
	days = int(ms / 86400000)
	rem = ms - days * 86400000
	return sprintf("%s %02d:%02d:%02d.%03d", day(days), int(rem / 3600000),
		int(rem % 3600000 / 60000), int(rem % 60000 / 1000), rem % 1000)
}
BEGIN {
	for (i = 0; i < n; i++) {
		tp = 2 ^ (i % 3)
		batch = 2 ^ (int(i / 3) % 8)
		done = 100
		out = 100 + 10 * (i % 13)
		start = 1700000000 + i * (secs + 20) + 0.05
		dur = secs + i % 7 + 0.5
		end = start + dur
		f = sprintf("%s/r%05d.json", dir, i)
		goodput = i % 2 ? "\"request_goodput:\": null" : "\"request_goodput\": null"
		printf "{\"date\": \"20231114-%06d\", \"backend\": \"vllm\", \"model_id\": \"test/dense-8b\", \"tokenizer_id\": \"test/dense-8b\", \"num_prompts\": %d, \"request_rate\": \"inf\", \"burstiness\": 1.0, \"max_concurrency\": %d, \"duration\": %.3f, \"completed\": %d, \"total_input_tokens\": %d, \"total_output_tokens\": %d, \"request_throughput\": 1.5, %s, \"output_throughput\": 200.5, \"mean_ttft_ms\": %.3f, \"median_ttft_ms\": 30.0, \"std_ttft_ms\": %s, \"mean_tpot_ms\": %.3f, \"mean_itl_ms\": 20.0, \"mean_e2el_ms\": %.3f, \"benchmark_start_time_unix\": %.3f, \"benchmark_end_time_unix\": %.3f, \"tensor_parallel_size\": \"%d\", \"pipeline_parallel_size\": \"1\"}\n", \
			i, done, batch, dur, done, done * 512, done * out, goodput,
			20 + batch, i % 2 ? "NaN" : "1.5", 10 + batch / 4,
			(20 + batch) + out * (10 + batch / 4), start, end, tp > f
		close(f)
		f = sprintf("%s/p%05d.csv", dir, i)
		print "timestamp, index, power.draw [W]" > f
		step = int(1000 / rate)
		t0 = int(start) * 1000 - 1000
		joules = 0
		for (g = 0; g < tp; g++) {
			base = 150 + 30 * g + 2 * batch
			joules += base * dur + 40 * (1 - cos(0.5 * dur)) / 0.5
		}
		for (ms = t0; ms <= int(end) * 1000 + 2000; ms += step)
			for (g = 0; g < tp; g++) {
				base = 150 + 30 * g + 2 * batch
				printf "%s, %d, %.3f W\n", stamp(ms), g,
					base + 40 * sin(0.5 * (ms / 1000 - start)) > f
			}
		close(f)
		printf "%.9g\n", joules / done > (dir "/expected.txt")
	}
}'
