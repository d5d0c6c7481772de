# Memory checks of the real binary under valgrind (docs/robustness.md): no
# invalid access, no use of uninitialised memory, no leak, on small inputs
# of every verb and a scripted explorer session through every view. The
# unit tests run under ASan in CI; this covers the program as shipped,
# built without instrumentation. Skipped in a sanitizer build (valgrind
# and ASan do not mix); without valgrind it is skipped, except in CI, which
# installs it.
. "$top_srcdir/tests/lib.sh"

if grep -qa __asan_init "$EL" 2>/dev/null; then
	skip valgrind "a sanitizer build (ASan checks it instead)"
	exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
	if [ "$CI" = true ]; then
		fail valgrind "valgrind is not installed (apt-get install -y valgrind)"
	else
		skip valgrind "valgrind is not installed"
	fi
	exit 0
fi
ENERGYLENS_DATADIR=$top_srcdir
export ENERGYLENS_DATADIR

# vg NAME STATUS COMMAND...: COMMAND, run from top_srcdir under memcheck,
# exits with STATUS and valgrind reports nothing (its own status is 99).
vg() {
	name=$1 want=$2
	shift 2
	(cd "$top_srcdir" && valgrind -q --leak-check=full --error-exitcode=99 \
		--log-file="$tmpdir/vg.log" "$@") >"$tmpdir/out" 2>"$tmpdir/err"
	st=$?
	if [ "$st" -eq "$want" ] && [ ! -s "$tmpdir/vg.log" ]; then
		pass "$name"
	else
		fail "$name" "exit $st (expected $want); valgrind: $(head -n 30 "$tmpdir/vg.log")"
	fi
}

d=tests/data
vg valgrind-check 65 "$EL" check sample-profiles/synthetic $d/check
vg valgrind-check-json 65 "$EL" check --json $d/check
vg valgrind-import 0 "$EL" import mlenergy $d/import/mlenergy-small.csv \
	--shapes $d/import/shapes-small.csv --input-tokens gpqa=300 \
	-o "$tmpdir/imported.yaml"
sh "$top_srcdir/tests/gen-vllm.sh" "$tmpdir/vllm" 3 5 2
vg valgrind-import-vllm 0 "$EL" import vllm "$tmpdir/vllm/r00000.json" \
	"$tmpdir/vllm/r00001.json" "$tmpdir/vllm/r00002.json" \
	--power "$tmpdir/vllm/p00000.csv" --power "$tmpdir/vllm/p00001.csv" \
	--power "$tmpdir/vllm/p00002.csv" --tz UTC --set hardware=H100 \
	-o "$tmpdir/vllm.yaml"
vg valgrind-import-mlenergy-json 0 "$EL" import mlenergy-json \
	$d/import-json/mlenergy-v3-task__sourcegraph-fim.json \
	"$d/import-json/mlenergy-v2-run__bs128+tp8+pp2.json"
vg valgrind-import-json-bad 65 "$EL" import inferencex \
	$d/import-json/inferencex-agg__kimik2.5_tp8_conc4.json \
	$d/import-json/mlenergy-v3__index.json
vg valgrind-import-bad 65 "$EL" import csv \
	--map tp=tp,pp=pp,batch_size=batch,output_tokens=out_tok,energy.total_j=joules \
	$d/import/runs-badnum.csv
vg valgrind-fit 0 "$EL" fit -o "$tmpdir/fitted.yaml" sample-profiles/argonne
vg valgrind-fit-json 0 "$EL" fit --json --by workload $d/fit/two-layouts.yaml
vg valgrind-predict-fitted 0 "$EL" predict --fitted "$tmpdir/fitted.yaml" \
	--workload meta-llama/Meta-Llama-3-8B --hardware "NVIDIA H100 GPU" \
	--engine "vLLM (offline; single static batch)" \
	--tp 1 --pp 1 --batch 16 --input 1024 --output 1024
vg valgrind-rank 0 "$EL" rank --gpus 8 --batch 8 --input 512 --output 128 \
	$d/fit/two-layouts.yaml
vg valgrind-eval 0 "$EL" eval --train 10 --seeds 1 sample-profiles/mlenergy-v3/H100
vg valgrind-snapshot 0 env LC_ALL=C "$EL" snapshot --width 100 --height 30 \
	--keys $d/tui/every-view.keys sample-profiles/synthetic $d/check/good
if [ -n "$(locale -a 2>/dev/null | grep -i '^c\.utf-\?8$')" ]; then
	vg valgrind-snapshot-utf8 0 env LC_ALL=C.UTF-8 "$EL" snapshot \
		--keys $d/tui/every-view.keys sample-profiles/synthetic
fi
