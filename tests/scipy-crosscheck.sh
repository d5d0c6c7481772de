#!/bin/sh
# energylens fit against scipy: export the energy least-squares problems
# (`fit --export-problem`), solve them again with
# scipy.optimize.least_squares from the same starts (tests/crosscheck.py),
# and require the same optimum: cost within 1e-6 and every informed
# parameter within 1e-3, relative. Needs a python3 with numpy and scipy
# (Debian: python3-numpy python3-scipy); without one the cases are skipped,
# except under CI=true, where they fail.
. "$top_srcdir/tests/lib.sh"

LC_ALL=C
export LC_ALL

cases="synthetic H100-80GB-HBM3 detects-wrong-optimum"

# The Debian python3 first: the one on PATH may be a separate installation
# without scipy.
py=
for p in /usr/bin/python3 "$(command -v python3 2>/dev/null)"; do
	if [ -n "$p" ] && [ -x "$p" ] &&
		"$p" -c 'import numpy, scipy.optimize' >/dev/null 2>&1; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	for c in $cases; do
		if [ "${CI:-}" = true ]; then
			fail "scipy-crosscheck $c" "no python3 with numpy and scipy (CI must run this; install python3-numpy python3-scipy)"
		else
			skip "scipy-crosscheck $c" "no python3 with numpy and scipy"
		fi
	done
	exit 0
fi

check="$top_srcdir/tests/crosscheck.py"

# crosscheck NAME PATH: fit PATH, then solve its problems with scipy.
crosscheck() {
	name=$1 path=$2
	if ! "$EL" fit --export-problem "$tmpdir/$name.json" "$path" \
		>"$tmpdir/$name.out" 2>"$tmpdir/$name.err"; then
		fail "scipy-crosscheck $name" "energylens fit failed: $(head -c 400 "$tmpdir/$name.err")"
		return
	fi
	# crosscheck.py prints its own PASS/FAIL line per group.
	"$py" "$check" "$tmpdir/$name.json" "scipy-crosscheck $name" 2>&1 ||
		echo "# crosscheck.py exited with status $?"
}

crosscheck synthetic "$top_srcdir/sample-profiles/synthetic"
crosscheck H100-80GB-HBM3 "$top_srcdir/sample-profiles/mlenergy-v2/H100-80GB-HBM3"

# The check must be able to fail: move energylens's answer for the
# synthetic sweep 1% off the optimum in one parameter (with the cost it has
# there, so the point is consistent, just not optimal) and expect a FAIL.
name="scipy-crosscheck detects-wrong-optimum"
if [ -f "$tmpdir/synthetic.json" ] &&
	"$py" - "$top_srcdir/tests" "$tmpdir/synthetic.json" "$tmpdir/wrong.json" <<'EOF'
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from crosscheck import Problem
doc = json.load(open(sys.argv[2]))
g = doc["groups"][0]
j = g["informed"].index(True)
g["solution"]["params"][j] *= 1.01
P = Problem(doc["model"], g)
r = P.residuals(np.log(P.el_params[P.free]))
g["solution"]["cost"] = 0.5 * float(np.sum(r * r))
json.dump(doc, open(sys.argv[3], "w"))
EOF
then
	if "$py" "$check" "$tmpdir/wrong.json" wrong >"$tmpdir/wrong.out" 2>&1; then
		fail "$name" "crosscheck.py accepted a parameter 1% off the optimum"
	elif grep -q '^FAIL: wrong .*cost: scipy' "$tmpdir/wrong.out"; then
		pass "$name"
	else
		fail "$name" "unexpected output: $(head -c 400 "$tmpdir/wrong.out")"
	fi
else
	fail "$name" "could not make the altered problem"
fi
