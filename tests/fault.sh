# Faults an operator's machine produces (docs/robustness.md): files cut
# short or still being written, outputs that cannot be written, signals to
# the explorer, and data too degenerate to fit. In each case EnergyLens must
# say what is wrong and exit with its status: never crash, hang, print a
# NaN as a result, leave a half-written file or a broken terminal.
. "$top_srcdir/tests/lib.sh"

# A hang is a failure too: each command gets a time limit where timeout(1)
# exists (status 124).
to=
command -v timeout >/dev/null 2>&1 && to="timeout 60"

# ok_status NAME STATUS ALLOWED...: what a crash (signal) or hang looks like.
bad_status() {
	st=$1
	shift
	for s in "$@"; do [ "$st" -eq "$s" ] && return 1; done
	return 0
}

# --- a profile cut short: at every 10% of its length -------------------------
# Each cut loads (exit 0) or is refused with file:line:col (exit 65).
truncate_case() {
	name=$1 file=$top_srcdir/$2
	n=$(wc -c <"$file")
	cut=$tmpdir/cut.yaml
	problems=
	for p in 0 10 20 30 40 50 60 70 80 90 100; do
		head -c $((n * p / 100)) "$file" >"$cut"
		$to "$EL" check "$cut" >/dev/null 2>"$tmpdir/err"
		st=$?
		if bad_status "$st" 0 65; then
			problems="$problems $p%: exit $st;"
		elif [ "$st" -eq 65 ] && ! grep -q "^$cut:[0-9]*:[0-9]*: " "$tmpdir/err"; then
			problems="$problems $p%: no file:line:col: $(head -c 200 "$tmpdir/err");"
		fi
	done
	if [ -z "$problems" ]; then pass "$name"; else fail "$name" "$problems"; fi
}
truncate_case fault-truncated-block sample-profiles/argonne/NVIDIA-GH200-GPU/random-tokens.yaml
truncate_case fault-truncated-flow tests/data/check/good/chat.yaml
truncate_case fault-truncated-multidoc sample-profiles/mlenergy-v3/H100/sourcegraph-fim.yaml

# The same for a CSV being imported: refused with a position or a message
# naming the file (65), or imported into a file that check accepts.
csv=$top_srcdir/tests/data/import/mlenergy-small.csv
n=$(wc -c <"$csv")
problems=
for p in 0 10 20 30 40 50 60 70 80 90 100; do
	head -c $((n * p / 100)) "$csv" >"$tmpdir/cut.csv"
	$to "$EL" import mlenergy "$tmpdir/cut.csv" --input-tokens gpqa=300 \
		>"$tmpdir/cut-import.yaml" 2>"$tmpdir/err"
	st=$?
	if bad_status "$st" 0 65; then
		problems="$problems $p%: exit $st;"
	elif [ "$st" -eq 65 ] && ! grep -q "^$tmpdir/cut.csv" "$tmpdir/err"; then
		problems="$problems $p%: $(head -c 200 "$tmpdir/err");"
	elif [ "$st" -eq 0 ] && ! "$EL" check "$tmpdir/cut-import.yaml" >/dev/null 2>&1; then
		problems="$problems $p%: check refuses what was imported;"
	fi
done
if [ -z "$problems" ]; then pass fault-truncated-csv; else fail fault-truncated-csv "$problems"; fi

# --- a profile read while it is being written ----------------------------------
# A writer appends a real profile in pieces of 37 bytes (cutting lines, keys
# and numbers) while check reads it over and over: every read loads or says
# where the file is bad, and the finished file loads whole.
src=$top_srcdir/sample-profiles/argonne/NVIDIA-GH200-GPU/random-tokens.yaml
grow=$tmpdir/growing.yaml
: >"$grow"
(
	n=$(wc -c <"$src")
	off=0
	while [ "$off" -lt "$n" ]; do
		dd if="$src" bs=1 skip="$off" count=37 2>/dev/null >>"$grow"
		off=$((off + 37))
		sleep 0.01
	done
) &
writer=$!
reads=0 problems=
while kill -0 "$writer" 2>/dev/null; do
	$to "$EL" check "$grow" >/dev/null 2>"$tmpdir/err"
	st=$?
	reads=$((reads + 1))
	if bad_status "$st" 0 65; then
		problems="$problems read $reads: exit $st;"
	elif [ "$st" -eq 65 ] && ! grep -q "^$grow:[0-9]*:[0-9]*: " "$tmpdir/err"; then
		problems="$problems read $reads: $(head -c 200 "$tmpdir/err");"
	fi
done
wait "$writer"
"$EL" check "$src" >"$tmpdir/want" 2>&1
"$EL" check "$grow" >"$tmpdir/got" 2>&1
st=$?
if [ -z "$problems" ] && [ "$st" -eq 0 ] && [ "$reads" -gt 1 ] &&
	[ "$(tail -n 1 "$tmpdir/want" | sed 's/^1 file/X/')" = "$(tail -n 1 "$tmpdir/got" | sed 's/^1 file/X/')" ]; then
	pass fault-read-while-written
else
	fail fault-read-while-written "$reads reads;$problems final exit $st: $(tail -n 1 "$tmpdir/got")"
fi

# --- a file of many workloads: no step may cost workloads x workloads -------------
# Each run overrides the workload's name, so 100000 runs are as many
# workloads; check and the explorer took minutes over pairwise loops.
awk 'BEGIN {
	print "energylens: 1\nworkload: {model: m, hardware: H, output_tokens: 1}\nruns:"
	for (i = 0; i < 100000; i++)
		printf "  - {name: w%d, tp: %d, pp: 1, batch_size: 1, energy: {total_j: 1}}\n", i, 1 + i % 2
}' >"$tmpdir/many.yaml"
problems=
for args in "check" "snapshot" "rank --batch 1 --input 1 --output 1 --workload w99999"; do
	# shellcheck disable=SC2086
	timeout 30 "$EL" $args "$tmpdir/many.yaml" >/dev/null 2>"$tmpdir/err"
	st=$?
	[ "$st" -eq 124 ] && problems="$problems '$args' took more than 30 s;"
	bad_status "$st" 0 65 124 && problems="$problems '$args': exit $st;"
done
if ! command -v timeout >/dev/null 2>&1; then
	skip fault-many-workloads "no timeout(1)"
elif [ -z "$problems" ]; then
	pass fault-many-workloads
else
	fail fault-many-workloads "$problems"
fi
rm -f "$tmpdir/many.yaml"

# Symbolic links that loop: two links to their own directory made 2^32
# paths; each directory is read once, here and under --follow.
mkdir "$tmpdir/loop"
cp "$top_srcdir/tests/data/check/good/chat.yaml" "$tmpdir/loop/"
ln -s . "$tmpdir/loop/x" && ln -s . "$tmpdir/loop/y"
$to "$EL" check "$tmpdir/loop" >"$tmpdir/out" 2>"$tmpdir/err"
st=$?
if [ "$st" -eq 0 ] && grep -q "1 file, 1 workload, 4 runs" "$tmpdir/out" &&
	[ "$(grep -c 'symbolic link loop' "$tmpdir/err")" -eq 2 ]; then
	pass fault-symlink-loop
else
	fail fault-symlink-loop "exit $st: $(tail -n 1 "$tmpdir/out"); $(head -c 300 "$tmpdir/err")"
fi

# A path that never ends (/dev/zero) was read until memory ran out; every
# reader stops at 1 GiB. Not under ASan, whose copy of 1 GiB costs more.
if grep -qa __asan_init "$EL" 2>/dev/null; then
	skip fault-endless-input "a sanitizer build"
else
	problems=
	for args in "check /dev/zero" "import mlenergy /dev/zero" \
		"predict --fitted /dev/zero --tp 1 --pp 1 --batch 1 --input 1 --output 1"; do
		# shellcheck disable=SC2086
		$to "$EL" $args >/dev/null 2>"$tmpdir/err"
		st=$?
		if bad_status "$st" 65 66 || ! grep -qi "too large" "$tmpdir/err"; then
			problems="$problems '$args': exit $st, $(head -c 200 "$tmpdir/err");"
		fi
	done
	if [ -z "$problems" ]; then pass fault-endless-input; else fail fault-endless-input "$problems"; fi
fi

# --- outputs that cannot be written: exit 73, nothing half-written -------------
ml() { "$EL" import mlenergy "$top_srcdir/tests/data/import/mlenergy-small.csv" --input-tokens gpqa=300 "$@"; }
fitcmd() { "$EL" fit "$top_srcdir/tests/data/fit/two-layouts.yaml" "$@"; }
outdir=$tmpdir/outdir
mkdir "$outdir"
no_temp_left() { ! ls -A "$1" | grep -q '^\.'; }

# A directory the user may not write in. Root ignores permissions, so as
# root the command runs as nobody (setpriv), if it can reach the binary.
ro=$tmpdir/ro
mkdir "$ro"
chmod 755 "$tmpdir" "$ro"
as_user=
if [ "$(id -u)" -eq 0 ]; then
	if ! command -v setpriv >/dev/null 2>&1; then
		as_user=none
		why="running as root without setpriv (util-linux)"
	elif ! setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$EL" --version >/dev/null 2>&1 ||
		! setpriv --reuid=65534 --regid=65534 --clear-groups \
			test -r "$top_srcdir/tests/data/fit/two-layouts.yaml"; then
		as_user=none
		why="nobody (uid 65534) cannot reach $EL or the test data"
	else
		as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
else
	chmod 555 "$ro"
fi
for verb in import fit; do
	if [ "$as_user" = none ]; then
		skip "fault-$verb-o-unwritable-dir" "$why"
		continue
	fi
	if [ "$verb" = import ]; then
		(cd "$top_srcdir" && $as_user "$EL" import mlenergy tests/data/import/mlenergy-small.csv \
			--input-tokens gpqa=300 -o "$ro/x.yaml") >/dev/null 2>"$tmpdir/err"
	else
		(cd "$top_srcdir" && $as_user "$EL" fit tests/data/fit/two-layouts.yaml \
			-o "$ro/x.yaml") >/dev/null 2>"$tmpdir/err"
	fi
	st=$?
	if [ "$st" -eq 73 ] && [ -z "$(ls -A "$ro")" ] &&
		grep -q "$ro/x.yaml: Permission denied" "$tmpdir/err"; then
		pass "fault-$verb-o-unwritable-dir"
	else
		fail "fault-$verb-o-unwritable-dir" "exit $st, left: $(ls -A "$ro"), stderr: $(head -c 200 "$tmpdir/err")"
	fi
done
chmod 755 "$ro"

# /dev/full, as -o and as standard output: the device stays a device (a
# temporary file renamed over it replaced it when run as root).
for verb in import fit; do
	cmd=ml
	[ "$verb" = fit ] && cmd=fitcmd
	$cmd -o /dev/full >/dev/null 2>"$tmpdir/err"
	st=$?
	if [ "$st" -eq 73 ] && [ -c /dev/full ] &&
		grep -q "/dev/full: No space left on device" "$tmpdir/err"; then
		pass "fault-$verb-o-dev-full"
	else
		fail "fault-$verb-o-dev-full" "exit $st, $(ls -l /dev/full): $(head -c 200 "$tmpdir/err")"
	fi
	$cmd >/dev/full 2>"$tmpdir/err"
	st=$?
	if [ "$st" -eq 73 ] && grep -q "No space left on device" "$tmpdir/err"; then
		pass "fault-$verb-stdout-dev-full"
	else
		fail "fault-$verb-stdout-dev-full" "exit $st: $(head -c 200 "$tmpdir/err")"
	fi
done
"$EL" check "$top_srcdir/tests/data/check/good" >/dev/full 2>"$tmpdir/err"
st=$?
if [ "$st" -eq 73 ] && grep -q "No space left on device" "$tmpdir/err"; then
	pass fault-check-stdout-dev-full
else
	fail fault-check-stdout-dev-full "exit $st: $(head -c 200 "$tmpdir/err")"
fi

# A disk that fills up while writing over an existing file: the file size
# limit makes the write fail (EFBIG, with SIGXFSZ ignored), the old file is
# untouched and no temporary file is left.
for verb in import fit; do
	cmd=ml
	[ "$verb" = fit ] && cmd=fitcmd
	echo precious >"$outdir/keep.yaml"
	(trap '' XFSZ && ulimit -f 4 && $cmd -o "$outdir/keep.yaml") >/dev/null 2>"$tmpdir/err"
	st=$?
	if [ "$st" -eq 73 ] && [ "$(cat "$outdir/keep.yaml")" = precious ] &&
		no_temp_left "$outdir" && grep -q "File too large" "$tmpdir/err"; then
		pass "fault-$verb-o-disk-full-keeps-old"
	else
		fail "fault-$verb-o-disk-full-keeps-old" "exit $st, file: $(head -c 40 "$outdir/keep.yaml"), dir: $(ls -A "$outdir"), stderr: $(head -c 200 "$tmpdir/err")"
	fi
done

# --- degenerate data: a message or a fit, never a NaN shown as a result ---------
deg=$tmpdir/deg
mkdir "$deg"
head='energylens: 1
workload: {name: w, model: m/x, hardware: H100, params_b: 8, input_tokens: 512, output_tokens: 128, shape: {layers: 32, hidden_size: 4096, kv_elements: 1024}}
runs:'
run() { echo "  - {tp: $1, pp: 1, batch_size: $2, energy: {total_j: $3}, latency: {e2e_s: $4}}"; }
{ echo "$head"; run 1 8 10 2; } >"$deg/one-run.yaml"
{ echo "$head"; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do run 1 8 10 2; done; } >"$deg/identical.yaml"
{ echo "$head"; for b in 1 2 4 8 16 32 64 128 256 512 1024 2048; do run 2 "$b" $((4000 / b + 5)) 3; done; } >"$deg/one-layout.yaml"
{ echo "$head"; for t in 1 2 4; do for b in 1 4 16 64; do run "$t" "$b" 42 3; done; done; } >"$deg/equal-energy.yaml"
{
	echo "$head"
	i=0
	for t in 1 2 4; do for b in 1 4 16 64; do
		run "$t" "$b" "1e$i" "1e$((i - 6))"
		i=$((i + 1))
	done; done
} >"$deg/span-1e12.yaml"
knobs="--batch 8 --input 512 --output 128"
for f in one-run identical one-layout equal-energy span-1e12; do
	problems=
	for args in "fit" "fit --json" "fit --by workload" "rank $knobs" \
		"rank --json $knobs" "rank --gpus 8 $knobs" \
		"predict --tp 1 --pp 1 $knobs" "predict --json --tp 2 --pp 1 $knobs" \
		"divergence --batches 1,8,64 --inputs 128,512"; do
		# shellcheck disable=SC2086
		$to "$EL" $args "$deg/$f.yaml" >"$tmpdir/out" 2>"$tmpdir/err"
		st=$?
		if bad_status "$st" 0 1 65; then
			problems="$problems '$args': exit $st;"
		elif grep -qiwE 'nan|-?inf|infinity' "$tmpdir/out" "$tmpdir/err"; then
			problems="$problems '$args': $(grep -iwE 'nan|-?inf|infinity' "$tmpdir/out" "$tmpdir/err" | head -n 1);"
		elif [ "$st" -ne 0 ] && [ ! -s "$tmpdir/err" ]; then
			problems="$problems '$args': exit $st without a message;"
		fi
	done
	for view in main fit map; do
		LC_ALL=C $to "$EL" snapshot --view $view --width 120 --height 40 \
			"$deg/$f.yaml" >"$tmpdir/out" 2>"$tmpdir/err"
		st=$?
		if bad_status "$st" 0 65; then
			problems="$problems 'snapshot --view $view': exit $st;"
		elif grep -qiwE 'nan|-?inf|infinity' "$tmpdir/out"; then
			problems="$problems 'snapshot --view $view': $(grep -iwE 'nan|-?inf|infinity' "$tmpdir/out" | head -n 1);"
		fi
	done
	if [ -z "$problems" ]; then pass "fault-degenerate-$f"; else fail "fault-degenerate-$f" "$problems"; fi
done

# --- signals to the explorer on a real terminal: the terminal is sane after ---
# The explorer runs in a tmux pane; after the signal the pane's shell runs
# stty -a on the same terminal: echo and canonical mode must be back, and
# the alternate screen left (no core file: QUIT and SEGV would write one
# into the source tree). INT, TERM, HUP and QUIT end it cleanly (it
# dies of the signal, as a shell expects); SEGV stands for a crash.
if ! command -v tmux >/dev/null 2>&1; then
	if [ "$CI" = true ]; then
		fail fault-signals "tmux is not installed (apt-get install -y tmux)"
	else
		skip fault-signals "tmux is not installed"
	fi
	exit 0
fi
sock=energylens-fault-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; sleep 0.2; rm -rf "$tmpdir"' EXIT
for sig in INT TERM HUP QUIT SEGV; do
	s=sig$sig
	tm new-session -d -s "$s" -x 100 -y 30 -c "$top_srcdir" \
		"ulimit -c 0; sh -c 'echo \$\$ >$tmpdir/$s.pid; exec env LC_ALL=C \"$EL\" sample-profiles/synthetic'; echo \$? >$tmpdir/$s.exit; stty -a >$tmpdir/$s.stty 2>&1; sleep 60"
	i=0
	while [ $i -lt 100 ] && ! tm capture-pane -p -t "$s" 2>/dev/null | grep -q "OPTIMA DIVERGE"; do
		sleep 0.1
		i=$((i + 1))
	done
	pid=$(cat "$tmpdir/$s.pid" 2>/dev/null)
	if [ $i -ge 100 ] || [ -z "$pid" ]; then
		fail "fault-sig$sig-terminal-sane" "the explorer did not draw: $(tm capture-pane -p -t "$s" | head -n 3)"
		continue
	fi
	kill -"$sig" "$pid"
	i=0
	while [ $i -lt 100 ] && [ ! -s "$tmpdir/$s.stty" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	st=$(cat "$tmpdir/$s.exit" 2>/dev/null)
	alt=$(tm display -p -t "$s" '#{alternate_on}')
	case $sig in INT) want=130 ;; TERM) want=143 ;; HUP) want=129 ;; QUIT) want=131 ;; *) want=any ;; esac
	if grep -qE '(^| )echo( |;|$)' "$tmpdir/$s.stty" &&
		grep -qE '(^| )icanon( |;|$)' "$tmpdir/$s.stty" && [ "$alt" = 0 ] &&
		{ [ "$want" = any ] && [ -n "$st" ] && [ "$st" != 0 ] || [ "$st" = "$want" ]; }; then
		pass "fault-sig$sig-terminal-sane"
	else
		fail "fault-sig$sig-terminal-sane" "exit '$st' (expected $want), alternate screen '$alt', stty: $(grep -oE '(^| )-?(echo|icanon)( |;|$)' "$tmpdir/$s.stty" | tr -d '\n')"
	fi
	# the session stays until the end: killing the last one ends the
	# server, and the next session could be started on the dying one
done
