#!/bin/sh
# The explorer under two loads a user makes without meaning to, on a real
# terminal (a tmux pane, 100 x 30), for docs/performance.md:
#
#   bench/tui-hostile.sh ENERGYLENS paste BYTES [KEY]
#       pastes BYTES copies of KEY (default x) and then '?', and prints the
#       seconds until the help is on screen and the explorer's CPU seconds
#       meanwhile;
#   bench/tui-hostile.sh ENERGYLENS follow FILES [SECONDS]
#       runs --follow on a directory of one profile and FILES other files,
#       and prints the explorer's CPU seconds over SECONDS (default 10)
#       idle, after it has drawn.
#
# Run from the source tree (it reads sample-profiles/ and
# tests/data/check/good/chat.yaml). Needs tmux.
set -u
el=$1 what=$2 n=$3
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || exit 1
sock=energylens-bench-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; sleep 0.2; rm -rf "$tmp"' EXIT

# cpu PID: user + system seconds so far
cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}
now() { date +%s.%N; }

# run PATTERN ARGS...: the explorer in a pane; its pid in $pid once it
# shows PATTERN
run() {
	ready=$1
	shift
	tm new-session -d -s b -x 100 -y 30 -c "$top" \
		"echo \$\$ >$tmp/pid; exec env ENERGYLENS_DATADIR=$top LC_ALL=C $el --no-color $*"
	i=0
	until tm capture-pane -p -t b 2>/dev/null | grep -q "$ready"; do
		sleep 0.1
		i=$((i + 1))
		[ $i -lt 3000 ] || { echo "the explorer did not draw" >&2; exit 1; }
	done
	pid=$(cat "$tmp/pid")
}

case $what in
paste)
	key=${4:-x}
	run "OPTIMA DIVERGE" sample-profiles/synthetic
	head -c "$n" /dev/zero | tr '\0' "$key" >"$tmp/paste"
	printf '?' >>"$tmp/paste"
	tm load-buffer "$tmp/paste"
	c0=$(cpu "$pid") t0=$(now)
	tm paste-buffer -t b
	until tm capture-pane -p -t b | grep -q "every key"; do sleep 0.05; done
	t1=$(now) c1=$(cpu "$pid")
	echo "paste of $n x '$key': $(echo "$t1 - $t0" | bc) s to the last key's redraw, $(echo "$c1 - $c0" | bc) CPU s"
	;;
follow)
	secs=${4:-10}
	mkdir "$tmp/d"
	cp "$top/tests/data/check/good/chat.yaml" "$tmp/d/"
	(cd "$tmp/d" && seq -f note%06g.txt "$n" | xargs touch)
	run "1 file," --follow "$tmp/d"
	sleep 2 # the first look after the start
	c0=$(cpu "$pid")
	sleep "$secs"
	c1=$(cpu "$pid")
	echo "--follow, 1 profile + $n files, idle: $(echo "$c1 - $c0" | bc) CPU s over $secs s"
	;;
*)
	echo "usage: $0 ENERGYLENS paste BYTES [KEY] | follow FILES [SECONDS]" >&2
	exit 1
	;;
esac
