# CLI tests of vision inputs (issue 19): the rules file the loader reads,
# a user's own family, bad rules, what a run that sends images becomes,
# the fitted vision term and eval by task and modality (tests/lib.sh has
# the helpers).
. "$top_srcdir/tests/lib.sh"

# No user file of the person running the tests, and no installed table:
# the built-in copy of data/vision-rules.yaml.
cfg=$tmpdir/cfg
mkdir -p "$cfg/energylens"
XDG_CONFIG_HOME=$cfg
ENERGYLENS_DATADIR=$tmpdir/nowhere
export XDG_CONFIG_HOME ENERGYLENS_DATADIR

profile() { # FILE MODEL EXTRA-WORKLOAD-KEYS
	cat >"$1" <<EOF
energylens: 1
workload:
  name: image-chat
  model: $2
  hardware: H100
  text_tokens: 100
$3
runs:
  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, energy: {total_j: 10}}
  - {tp: 2, pp: 1, batch_size: 8, output_tokens: 100, images: 0, video_frames: 0, energy: {total_j: 10}}
EOF
}

# 1280x800 under Qwen3-VL: 25 x 40 tokens of 32 px, 2 markers, 100 text.
profile "$tmpdir/qwen.yaml" Qwen/Qwen3-VL-8B-Instruct "  images: 1
  image_px: 1280x800"
json_case vision-derives-input "w=j['workloads'][0]; assert w['runs']==2, w; \
assert w['varies']['input']==[100, 1102], w; \
assert j['errors']==[], j['errors']" \
	-- "$EL" check --json "$tmpdir/qwen.yaml"
# The derived input length shows where check lists what varies: two runs.
cat >>"$tmpdir/qwen.yaml" <<'EOF'
  - {tp: 1, pp: 1, batch_size: 8, output_tokens: 100, image_px: 2048x1365, energy: {total_j: 10}}
EOF
golden_line() { # NAME PATTERN -- COMMAND...
	name=$1 pattern=$2
	shift 3
	if (cd "$top_srcdir" && "$@") >"$tmpdir/out" 2>"$tmpdir/err" &&
		grep -q -- "$pattern" "$tmpdir/out"; then
		pass "$name"
	else
		fail "$name" "$(head -c 400 "$tmpdir/out" "$tmpdir/err")"
	fi
}
golden_line vision-input-is-text-plus-v 'input 100,1102,2854' \
	-- "$EL" check "$tmpdir/qwen.yaml"

# A model no family matches: the run is refused, saying how to fix it.
profile "$tmpdir/acme.yaml" acme/vl-7b "  images: 1
  image_px: 640x480"
status_case vision-no-family 65 \
	"acme.yaml:10:5: run sends images but no vision rule matches model acme/vl-7b" \
	-- "$EL" check "$tmpdir/acme.yaml"

# A size the family needs, missing.
profile "$tmpdir/nopx.yaml" Qwen/Qwen3-VL-8B-Instruct "  images: 1"
status_case vision-needs-size 65 \
	"nopx.yaml:9:5: run's vision tokens cannot be derived: family qwen3-vl needs image_px" \
	-- "$EL" check "$tmpdir/nopx.yaml"

# A clip that Qwen3-VL samples by time needs its frame rate.
profile "$tmpdir/nofps.yaml" Qwen/Qwen3-VL-8B-Instruct "  video_frames: 32
  frame_px: 854x480"
status_case vision-needs-fps 65 "needs video_fps" \
	-- "$EL" check "$tmpdir/nofps.yaml"

profile "$tmpdir/zero.yaml" Qwen/Qwen3-VL-8B-Instruct "  images: 1
  image_px: 0x800"
status_case vision-bad-size 65 "zero.yaml:8:13: image_px is not a size: 0x800" \
	-- "$EL" check "$tmpdir/zero.yaml"

# text_tokens and input_tokens together say two things.
profile "$tmpdir/both.yaml" Qwen/Qwen3-VL-8B-Instruct "  images: 1
  image_px: 640x480
  input_tokens: 500"
status_case vision-text-and-input 65 "gives both input_tokens and text_tokens" \
	-- "$EL" check "$tmpdir/both.yaml"

# A family of the user's own, without rebuilding: acme/* now works.
cat >"$cfg/energylens/vision-rules.yaml" <<'EOF'
energylens-vision-rules: 1
families:
  - family: acme
    models: ["acme/*"]
    image: {method: fixed, tokens: 300, patches: 1200}
    source: "acme's model card"
EOF
golden_line vision-user-family 'input 100,400' -- "$EL" check "$tmpdir/acme.yaml"

# A bad row in it: file:line:col, exit 65, and the runs that need it
# are not read.
cat >"$cfg/energylens/vision-rules.yaml" <<'EOF'
energylens-vision-rules: 1
families:
  - family: acme
    models: ["acme/*"]
    image: {method: fixed, tokens: many, patches: 1200}
    source: "acme's model card"
EOF
status_case vision-user-bad-row 65 \
	"cfg/energylens/vision-rules.yaml:5:36: tokens is not a number >= 0: many" \
	-- "$EL" check "$tmpdir/acme.yaml"
# Text profiles never read the rules, so a bad user file cannot stop them.
golden_line vision-text-ignores-rules '; 0 errors' \
	-- "$EL" check sample-profiles/synthetic
rm -f "$cfg/energylens/vision-rules.yaml"

# The installed table is read where ENERGYLENS_DATADIR points, before the
# built-in copy: one that gives gemma-3 512 tokens shows in the input.
mkdir -p "$tmpdir/data/data"
cat >"$tmpdir/data/data/vision-rules.yaml" <<'EOF'
energylens-vision-rules: 1
families:
  - family: gemma-3
    models: ["google/gemma-3-*"]
    image: {method: fixed, tokens: 512, patches: 4096}
    source: test
EOF
profile "$tmpdir/gemma.yaml" google/gemma-3-12b-it "  images: 1"
golden_line vision-installed-table 'input 100,612' \
	-- env ENERGYLENS_DATADIR="$tmpdir/data" "$EL" check "$tmpdir/gemma.yaml"
golden_line vision-builtin-table 'input 100,360' -- "$EL" check "$tmpdir/gemma.yaml"

# The vision encoder term is informed by the sample profiles' image and
# video runs on both v3 GPU groups (its standard error below its value).
for g in H100 B200; do
	json_case "vision-term-informed-$g" "p=[x for x in j['fits'][0]['params'] if x['name']=='th_v'][0]; \
assert p['informed'] and p['stderr'] < p['value'], p" \
		-- "$EL" fit --json "sample-profiles/mlenergy-v3/$g"
done

# eval by task and by modality: the tasks add up to the whole, and so do
# the modalities; the text report has the lines.
json_case vision-eval-by-task "t=j['by_task']; m=j['by_modality']; \
assert sum(x['scenarios'] for x in t)==j['scenarios']==sum(x['scenarios'] for x in m), (t, m); \
assert {x['modality'] for x in m}=={'text','image'}, m; \
assert [x for x in t if x['task']=='mllm-chat'][0]['modality']=='image'" \
	-- "$EL" eval --json --train 25 --seeds 2 --baselines none sample-profiles/mlenergy-v2
golden_line vision-eval-text 'modality image ' \
	-- "$EL" eval --train 25 --seeds 2 --baselines none sample-profiles/mlenergy-v2
golden_line vision-eval-task-line 'task mllm-chat (image) ' \
	-- "$EL" eval --train 25 --seeds 2 --baselines none sample-profiles/mlenergy-v2

# predict --vision V: the encoder processes the family's patches per token
# (4 for Qwen3-VL), so its term is th_v x 4V.
if [ -z "$PY" ]; then
	skip vision-predict-encoder "no python3"
elif (cd "$top_srcdir" && "$EL" fit --json sample-profiles/mlenergy-v3/H100 &&
	"$EL" predict --json sample-profiles/mlenergy-v3/H100 \
		--workload image-chat:Qwen/Qwen3-VL-8B-Instruct --tp 1 --pp 1 \
		--batch 32 --input 1102 --output 500 --vision 1002) >"$tmpdir/pj" 2>"$tmpdir/err" &&
	"$PY" -c "
import json, sys
text = open(sys.argv[1]).read()
fit, end = json.JSONDecoder().raw_decode(text)
pred = json.loads(text[end:])
th_v = [p for p in fit['fits'][0]['params'] if p['name'] == 'th_v'][0]['value']
term = [t for t in pred['terms'] if t['name'] == 'vision encoder'][0]['energy_j']
assert abs(term - th_v * 4 * 1002) < 1e-6 * term, (term, th_v)
" "$tmpdir/pj" 2>>"$tmpdir/err"; then
	pass vision-predict-encoder
else
	fail vision-predict-encoder "$(head -c 400 "$tmpdir/err")"
fi
