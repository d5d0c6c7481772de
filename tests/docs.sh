#!/bin/sh
# Docs that cannot drift: every example in README.md and docs/*.md must
# print what the doc shows (tests/examples.sh, whose header gives the
# convention; tests/man.sh does the same for the man pages, and
# `make update-docs` rewrites them all). Then tests of the checker itself:
# it must catch a wrong number, say where with a diff, exit non-zero, and
# its --update must put the doc right and be idempotent.
. "${top_srcdir:?}/tests/lib.sh"

case $EL in
/*) ;;
*) EL=$PWD/$EL ;;
esac
examples="$top_srcdir/tests/examples.sh"

# (a) the examples of the docs, as committed.
sh "$examples" "$top_srcdir/README.md" "$top_srcdir"/docs/*.md

# (b) the checker. Each case runs it on docs made here from what the
# program prints now, so nothing below depends on today's numbers.

# check_doc NAME FILE [OPTION...]: runs the checker on FILE into
# $tmpdir/NAME.log; its exit status is the checker's.
check_doc() {
	log=$tmpdir/$1.log doc=$2
	shift 2
	sh "$examples" "$@" "$doc" >"$log" 2>&1
}

# corrupt FILE: the first digit of the first output line under the first
# "$ " command that has one, changed, as a doc with a wrong number would
# be. Fails if there is no such digit.
corrupt() {
	awk '
	/^\$ / { cmd = 1; more = /\\$/; print; next }
	more { more = /\\$/; print; next }
	!done && cmd && /[0-9]/ {
		match($0, /[0-9]/)
		d = substr($0, RSTART, 1)
		$0 = substr($0, 1, RSTART - 1) ((d + 1) % 10) substr($0, RSTART + 1)
		done = 1
	}
	{ print }
	END { exit !done }
	' "$1" >"$1.bad" && mv "$1.bad" "$1"
}

# doc_cycle NAME FILE: FILE has one example with no output shown. The
# checker must fail on it, --update must fill it in, the checker must then
# pass; a wrong number must fail with a diff naming the line, --update
# must undo it, and a second --update must change nothing.
doc_cycle() {
	name=$1 doc=$2
	if check_doc "$name-empty" "$doc" ||
		! grep -q '^FAIL: ' "$tmpdir/$name-empty.log"; then
		fail "$name: an example shown without its output fails" "$(head -c 600 "$tmpdir/$name-empty.log")"
		return
	fi
	pass "$name: an example shown without its output fails"
	if ! check_doc "$name-fill" "$doc" --update ||
		! grep -q '^UPDATED: ' "$tmpdir/$name-fill.log" ||
		! check_doc "$name-filled" "$doc"; then
		fail "$name: --update fills it in and the check passes" "$(cat "$tmpdir/$name-fill.log" "$tmpdir/$name-filled.log" | head -c 800)"
		return
	fi
	pass "$name: --update fills it in and the check passes"
	cp "$doc" "$doc.good"
	if ! corrupt "$doc"; then
		fail "$name: a wrong number" "no digit in the output of $doc to change"
		return
	fi
	wrong=$(diff "$doc.good" "$doc" | sed -n 's/^> //p')
	right=$(diff "$doc.good" "$doc" | sed -n 's/^< //p')
	if check_doc "$name-wrong" "$doc"; then
		fail "$name: a wrong number fails the check" "exit status 0; $(head -c 600 "$tmpdir/$name-wrong.log")"
	elif ! grep -qxF -- "-$wrong" "$tmpdir/$name-wrong.log" ||
		! grep -qxF -- "+$right" "$tmpdir/$name-wrong.log" ||
		! grep -q '^@@ ' "$tmpdir/$name-wrong.log"; then
		fail "$name: a wrong number fails the check" "no diff of \"$wrong\" against \"$right\" in: $(head -c 800 "$tmpdir/$name-wrong.log")"
	else
		pass "$name: a wrong number fails the check, with the diff"
	fi
	check_doc "$name-undo" "$doc" --update
	if ! cmp -s "$doc" "$doc.good"; then
		fail "$name: --update undoes a wrong number" "$(diff "$doc.good" "$doc" | head -n 20)"
		return
	fi
	pass "$name: --update undoes a wrong number"
	check_doc "$name-again" "$doc" --update
	if ! cmp -s "$doc" "$doc.good" || grep -q '^UPDATED: ' "$tmpdir/$name-again.log"; then
		fail "$name: a second --update changes nothing" "$(head -c 600 "$tmpdir/$name-again.log")"
	else
		pass "$name: a second --update changes nothing"
	fi
}

mkdir "$tmpdir/docs" || exit 1

# Markdown: a "$ " block, and an output-only block after a marker.
cat >"$tmpdir/docs/cycle.md" <<'EOF'
# A doc

Text.

```console
$ energylens check sample-profiles/synthetic
```

<!-- not run: a made-up command -->
```sh
$ energylens this is not run, it is not an example
```
EOF
doc_cycle "docs checker: Markdown" "$tmpdir/docs/cycle.md"

cat >"$tmpdir/docs/marker.md" <<'EOF'
The screen:

<!-- example: energylens snapshot --width 80 --height 24 \
    --batch 64 sample-profiles/synthetic -->
```
```
EOF
# The output-only form has no "$ " line, so corrupt() needs one: check it
# through the same cycle, but with its own corruption below.
if check_doc marker-fill "$tmpdir/docs/marker.md" --update &&
	check_doc marker-filled "$tmpdir/docs/marker.md" &&
	[ "$(grep -c . "$tmpdir/docs/marker.md")" -gt 10 ]; then
	pass "docs checker: an output-only block after <!-- example: COMMAND --> is filled in"
else
	fail "docs checker: an output-only block after <!-- example: COMMAND --> is filled in" "$(cat "$tmpdir/marker-fill.log" "$tmpdir/marker-filled.log" "$tmpdir/docs/marker.md" | head -c 800)"
fi

# A man page: a marked block outside EXAMPLES; its output has hyphens, so
# the rewrite must escape them (and read them back).
cat >"$tmpdir/docs/cycle.1" <<'EOF'
.TH CYCLE 1
.SH NAME
cycle \- a page
.SH DESCRIPTION
Output:
.PP
.\" example
.EX
$ energylens check sample\-profiles/synthetic
.EE
EOF
doc_cycle "docs checker: man page" "$tmpdir/docs/cycle.1"
if grep -q 'synthetic\\-sweep' "$tmpdir/docs/cycle.1"; then
	pass "docs checker: man page: printed text is escaped"
else
	fail "docs checker: man page: printed text is escaped" "$(cat "$tmpdir/docs/cycle.1")"
fi

# A copy of the README with one number of its first example wrong.
cp "$top_srcdir/README.md" "$tmpdir/docs/README.md"
if ! corrupt "$tmpdir/docs/README.md"; then
	fail "docs checker: README.md with a wrong number" "no example output with a digit in README.md"
elif check_doc readme "$tmpdir/docs/README.md" ||
	! grep -q '^FAIL: .*README.md:[0-9]*: .*make update-docs' "$tmpdir/readme.log" ||
	! grep -q '^+++ ' "$tmpdir/readme.log"; then
	fail "docs checker: README.md with a wrong number" "not reported: $(head -c 800 "$tmpdir/readme.log")"
else
	pass "docs checker: README.md with a wrong number fails, with the diff"
fi

# Excerpts: "..." lines stay, a line ending in "..." stays while it still
# begins the printed line and is cut anew where it does not, lines shown
# in full are rewritten.
out=$tmpdir/docs/printed
(cd "$top_srcdir" && "$EL" check sample-profiles/synthetic) >"$out" 2>&1
head=$(sed -n 1p "$out")
row=$(sed -n 2p "$out")
last=$(sed -n 3p "$out")
{
	echo '```'
	echo '$ energylens check sample-profiles/synthetic'
	echo "${head%% *} ..."
	echo '...'
	echo "$last" | sed 's/[0-9][0-9]*/9999/'
	echo '```'
	echo
	echo '```'
	echo '$ energylens check sample-profiles/synthetic'
	echo "${head%% *} X..."
	echo '...'
	echo '```'
} >"$tmpdir/docs/excerpt.md"
{
	echo '```'
	echo '$ energylens check sample-profiles/synthetic'
	echo "${head%% *} ..."
	echo '...'
	echo "$last"
	echo '```'
	echo
	echo '```'
	echo '$ energylens check sample-profiles/synthetic'
	echo "$(printf '%s' "$head" | cut -c 1-10)..."
	echo '...'
	echo '```'
} >"$tmpdir/docs/excerpt.want"
if [ -z "$row" ] || [ -z "$last" ]; then
	fail "docs checker: excerpts" "check printed fewer than 3 lines: $(cat "$out")"
elif check_doc excerpt "$tmpdir/docs/excerpt.md"; then
	fail "docs checker: excerpts" "the wrong excerpt passed: $(cat "$tmpdir/excerpt.log")"
else
	check_doc excerpt-update "$tmpdir/docs/excerpt.md" --update
	if cmp -s "$tmpdir/docs/excerpt.md" "$tmpdir/docs/excerpt.want" &&
		check_doc excerpt-again "$tmpdir/docs/excerpt.md"; then
		pass "docs checker: excerpts keep their \"...\" lines when rewritten"
	else
		fail "docs checker: excerpts keep their \"...\" lines when rewritten" "$(diff -u "$tmpdir/docs/excerpt.want" "$tmpdir/docs/excerpt.md")"
	fi
fi

# A wrong exit status is reported and never rewritten; a slow example is
# skipped without --slow.
cat >"$tmpdir/docs/status.md" <<'EOF'
```
$ energylens check sample-profiles/no-such-dir
```

<!-- example slow -->
```
$ energylens check sample-profiles/synthetic
```
EOF
cp "$tmpdir/docs/status.md" "$tmpdir/docs/status.orig"
if ! check_doc status "$tmpdir/docs/status.md" --update &&
	grep -q '^FAIL: .*exit status 66, expected 0' "$tmpdir/status.log" &&
	grep -q '^# examples marked slow, not run: 1 ' "$tmpdir/status.log" &&
	cmp -s "$tmpdir/docs/status.md" "$tmpdir/docs/status.orig"; then
	pass "docs checker: a wrong exit status fails and is not rewritten; slow examples skipped"
else
	fail "docs checker: a wrong exit status fails and is not rewritten; slow examples skipped" "$(head -c 800 "$tmpdir/status.log")"
fi
exit 0
