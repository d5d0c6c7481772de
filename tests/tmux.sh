# The real binary on a real terminal: the explorer runs in a detached tmux
# session (100 x 30), keys are sent, and the pane is read back. Without
# colour the pane must equal 'energylens snapshot' after the same keys, so
# the headless tests speak for the terminal too. Also: a knob redraws with
# the numbers updated, the unit key is remembered in the config file, q and SIGTERM give the terminal back, stderr held
# during the session is shown after it, and --follow sees new runs.
. "$top_srcdir/tests/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	# CI installs tmux, so there a missing one is a failure.
	if [ "$CI" = true ]; then
		fail tmux "tmux is not installed (apt-get install -y tmux)"
	else
		skip tmux "tmux is not installed"
	fi
	exit 0
fi
ENERGYLENS_DATADIR=$top_srcdir
export ENERGYLENS_DATADIR
sock=energylens-test-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
# The panes' shells may still write their exit files as the server dies:
# let them, or the directory cannot be removed.
trap 'tm kill-server 2>/dev/null; sleep 0.2; rm -rf "$tmpdir"' EXIT

# start NAME ENV-AND-ARGS...: a session running the explorer, its exit
# status written to $tmpdir/NAME.exit when it ends.
start() {
	name=$1
	shift
	rm -f "$tmpdir/$name.exit"
	tm new-session -d -s "$name" -x 100 -y 30 -c "$top_srcdir" \
		"env $* ; echo \$? >$tmpdir/$name.exit; sleep 60"
}

# wait_for NAME PATTERN: until the pane shows PATTERN (10 s at most).
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		tm capture-pane -p -t "$1" 2>/dev/null | grep -q -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

wait_exit() {
	i=0
	while [ $i -lt 100 ] && [ ! -s "$tmpdir/$1.exit" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	cat "$tmpdir/$1.exit" 2>/dev/null
}

# same_as_snapshot CASE SESSION KEYS: the pane equals the snapshot after
# KEYS (a key script).
same_as_snapshot() {
	printf '%s\n' "$3" >"$tmpdir/keys"
	(cd "$top_srcdir" && LC_ALL=C "$EL" snapshot --width 100 --height 30 \
		--keys "$tmpdir/keys" sample-profiles) >"$tmpdir/want" 2>/dev/null
	# the last draw may still be on its way: give it a moment
	i=0
	while [ $i -lt 50 ]; do
		tm capture-pane -p -t "$2" | sed 's/ *$//' >"$tmpdir/got"
		cmp -s "$tmpdir/want" "$tmpdir/got" && break
		sleep 0.1
		i=$((i + 1))
	done
	if diff -u "$tmpdir/want" "$tmpdir/got" >"$tmpdir/diff"; then
		pass "$1"
	else
		fail "$1" "the pane differs from the snapshot:
$(head -n 30 "$tmpdir/diff")"
	fi
}

# --- without colour, the pane is the snapshot ---------------------------------
start plain LC_ALL=C "$EL" --no-color sample-profiles
if wait_for plain "OPTIMA DIVERGE"; then
	same_as_snapshot tmux-opens-as-snapshot plain ""
	tm capture-pane -p -t plain >"$tmpdir/before"
	tm send-keys -t plain +
	same_as_snapshot tmux-knob-redraws plain "+"
	tm capture-pane -p -t plain >"$tmpdir/after"
	# the energy of the optimum, before and after batch 32 -> 64
	b=$(grep '^ .*\* *>t' "$tmpdir/before" |
		sed -E 's/.*>t[0-9pd]+ +([0-9.]+ [kmM]?J).*/\1/')
	a=$(grep '^ .*\* *>t' "$tmpdir/after" |
		sed -E 's/.*>t[0-9pd]+ +([0-9.]+ [kmM]?J).*/\1/')
	if [ -n "$b" ] && [ -n "$a" ] && [ "$a" != "$b" ] &&
		grep -q 'batch 64' "$tmpdir/after"; then
		pass tmux-knob-numbers-change
	else
		fail tmux-knob-numbers-change "energy '$b' then '$a'"
	fi
	tm send-keys -t plain = 6 4 Enter Right = 1 0 2 4 Enter Right = 2 5 6 Enter
	same_as_snapshot tmux-newcomer plain \
		"+ =64<Enter> <Right> =1024<Enter> <Right> =256<Enter>"
	# c: the two optima term by term, and c again back to the bars
	tm send-keys -t plain c
	same_as_snapshot tmux-compare plain \
		"+ =64<Enter> <Right> =1024<Enter> <Right> =256<Enter> c"
	if tm capture-pane -p -t plain | grep -q '^.* \* t2p1 against ! t8p1, term by term' &&
		tm capture-pane -p -t plain | grep -q 'total .* -> .*'; then
		pass tmux-compare-shown
	else
		fail tmux-compare-shown "$(tm capture-pane -p -t plain | sed -n 3,16p)"
	fi
	tm send-keys -t plain c m
	same_as_snapshot tmux-map plain \
		"+ =64<Enter> <Right> =1024<Enter> <Right> =256<Enter> c c m"
	# a resize and back: the explorer writes only what changed since its
	# last draw, so after a new size it must write everything again
	tm resize-window -t plain -x 72 -y 20
	wait_for plain "too small\\|OPTIMA\\|Energy-optimal" >/dev/null
	sleep 0.3
	tm resize-window -t plain -x 100 -y 30
	same_as_snapshot tmux-resize-redraws-whole plain \
		"+ =64<Enter> <Right> =1024<Enter> <Right> =256<Enter> c c m"
	tm send-keys -t plain q
	tm send-keys -t plain q
	st=$(wait_exit plain)
	if [ "$st" = 0 ] && [ "$(tm display -p -t plain '#{alternate_on}')" = 0 ]; then
		pass tmux-quit-restores
	else
		fail tmux-quit-restores "exit '$st', alternate screen $(tm display -p -t plain '#{alternate_on}')"
	fi
else
	fail tmux-opens-as-snapshot "the explorer did not draw: $(tm capture-pane -p -t plain | head -5)"
fi

# --- NO_COLOR is --no-color ---------------------------------------------------
start nocolor LC_ALL=C NO_COLOR=1 "$EL" sample-profiles
if wait_for nocolor "OPTIMA DIVERGE"; then
	same_as_snapshot tmux-no-color-env nocolor ""
	tm send-keys -t nocolor q
else
	fail tmux-no-color-env "the explorer did not draw"
fi

# --- in colour under UTF-8: blocks and marks, and a knob redraws --------------
if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
	start colour LC_ALL=C.UTF-8 TERM=screen-256color "$EL" sample-profiles/synthetic
	if wait_for colour "OPTIMA DIVERGE" &&
		tm capture-pane -p -t colour | grep -q "█" &&
		tm capture-pane -p -t colour | grep -q "★"; then
		tm send-keys -t colour ]
		if wait_for colour "batch 64"; then
			pass tmux-colour
		else
			fail tmux-colour "batch did not turn to 64"
		fi
	else
		fail tmux-colour "no blocks or star: $(tm capture-pane -p -t colour | head -8)"
	fi
	# SIGTERM: the terminal is given back and the process dies of it.
	pid=$(pgrep -f "^$EL sample-profiles/synthetic\$" | head -n 1)
	[ -n "$pid" ] && kill -TERM "$pid"
	st=$(wait_exit colour)
	if [ "$st" = 143 ] && [ "$(tm display -p -t colour '#{alternate_on}')" = 0 ]; then
		pass tmux-sigterm-restores
	else
		fail tmux-sigterm-restores "exit '$st' (expected 143), alternate screen $(tm display -p -t colour '#{alternate_on}')"
	fi
else
	skip tmux-colour "no C.UTF-8 locale"
fi

# --- units: u turns them, the config file remembers, the next start uses it ----
cfg=$tmpdir/units-config
start units LC_ALL=C XDG_CONFIG_HOME=$cfg "$EL" --no-color sample-profiles/synthetic
if wait_for units "OPTIMA DIVERGE"; then
	tm send-keys -t units u u
	if wait_for units "kWh/Mtok" && wait_for units "unit: kWh/Mtok, .*(remembered)" &&
		grep -qx 'unit = kwh-mtok' "$cfg/energylens/config"; then
		pass tmux-unit-key-remembered
	else
		fail tmux-unit-key-remembered "$(tm capture-pane -p -t units | tail -n 1); config: $(cat "$cfg/energylens/config" 2>&1)"
	fi
	tm send-keys -t units q
	wait_exit units >/dev/null
	start units2 LC_ALL=C XDG_CONFIG_HOME=$cfg "$EL" --no-color sample-profiles/synthetic
	if wait_for units2 "OPTIMA DIVERGE" && wait_for units2 " kWh/Mtok "; then
		pass tmux-unit-next-start
	else
		fail tmux-unit-next-start "$(tm capture-pane -p -t units2 | grep layout)"
	fi
	tm send-keys -t units2 q
else
	fail tmux-unit-key-remembered "the explorer did not draw"
fi

# --- bad runs: shown after the session, not over the screen ----------------------
start bad LC_ALL=C "$EL" tests/data/check/good tests/data/check/bad.yaml
if wait_for bad "errors in the profiles"; then
	tm send-keys -t bad q
	wait_exit bad >/dev/null
	if tm capture-pane -p -t bad | grep -q "bad.yaml:[0-9]*:[0-9]*:"; then
		pass tmux-errors-after-exit
	else
		fail tmux-errors-after-exit "$(tm capture-pane -p -t bad | head -5)"
	fi
else
	fail tmux-errors-after-exit "no message: $(tm capture-pane -p -t bad | head -5)"
fi

# --- --follow: a new profile file appears and is loaded ----------------------------
mkdir "$tmpdir/sweep"
cp "$top_srcdir/tests/data/check/good/chat.yaml" "$tmpdir/sweep/"
start follow LC_ALL=C "$EL" --follow "$tmpdir/sweep"
if wait_for follow "1 file,"; then
	cp "$top_srcdir/tests/data/check/good/summarise.yml" "$tmpdir/sweep/b.yaml"
	if wait_for follow "2 files,"; then
		pass tmux-follow
	else
		fail tmux-follow "$(tm capture-pane -p -t follow | head -3)"
	fi
	tm send-keys -t follow q
else
	fail tmux-follow "did not start: $(tm capture-pane -p -t follow | head -3)"
fi

# --- --follow and a file still being written ------------------------------------
# A sweep writes a profile in pieces, each cut mid-line; the explorer looks
# every second. A piece that does not load is a reload error shown on the
# status line, the runs loaded before stay on screen, and the process goes
# on; the finished file loads.
mkdir "$tmpdir/sweep2"
cp "$top_srcdir/tests/data/check/good/chat.yaml" "$tmpdir/sweep2/"
start follow2 LC_ALL=C "$EL" --follow "$tmpdir/sweep2"
src=$top_srcdir/tests/data/check/good/summarise.yml
part=$tmpdir/sweep2/b.yaml
if wait_for follow2 "1 file, 4 runs"; then
	problems=
	# the second document cut in the middle of a flow mapping
	head -c 520 "$src" >"$part"
	if ! wait_for follow2 "reload: .*error"; then
		problems="no reload error after a half-written file: $(tm capture-pane -p -t follow2 | tail -n 2);"
	elif ! tm capture-pane -p -t follow2 | grep -q "1 file, 4 runs"; then
		problems="the runs loaded before are not shown: $(tm capture-pane -p -t follow2 | head -n 2);"
	fi
	for off in 520 530 540; do
		tail -c +$((off + 1)) "$src" | head -c 10 >>"$part"
		sleep 1.1
		[ -s "$tmpdir/follow2.exit" ] && problems="$problems exited $(cat "$tmpdir/follow2.exit") at byte $off;" && break
	done
	tail -c +551 "$src" >>"$part"
	if ! wait_for follow2 "2 files, 7 runs"; then
		problems="$problems the finished file was not loaded: $(tm capture-pane -p -t follow2 | head -n 2);"
	fi
	if [ -z "$problems" ]; then
		pass tmux-follow-half-written
	else
		fail tmux-follow-half-written "$problems"
	fi
	tm send-keys -t follow2 q
else
	fail tmux-follow-half-written "did not start: $(tm capture-pane -p -t follow2 | head -3)"
fi
