#!/bin/sh
# Man page tests: every page under man/ must format without a warning, and
# every example in it must really run and print what the page shows.
#
# The examples are run by tests/examples.sh, which also runs those of
# README.md and docs/*.md (tests/docs.sh) and rewrites them all with
# `make update-docs`; its header gives the convention. In short: in a man
# page, the blocks (.EX/.EE or .nf/.fi) of the EXAMPLES section are run,
# and elsewhere those after a '.\" example' comment; a line starting with
# "$ " is a command, the lines after it are what it prints ("..." elides).
. "${top_srcdir:?}/tests/lib.sh"

case $EL in
/*) ;;
*) EL=$PWD/$EL ;;
esac

pages=$(ls "$top_srcdir"/man/*.[1-9] 2>/dev/null)
if [ -z "$pages" ]; then
	fail "man pages" "no man pages under $top_srcdir/man"
	exit 1
fi

# (a) groff must format every page without a single warning.
for page in $pages; do
	name=man/$(basename "$page")
	if [ -z "${GROFF:-}" ]; then
		skip "$name: groff" "groff not found (GROFF is empty)"
		continue
	fi
	LC_ALL=C.UTF-8 "$GROFF" -ww -z -man "$page" >"$tmpdir/groff.out" 2>&1
	status=$?
	if [ "$status" -ne 0 ] || [ -s "$tmpdir/groff.out" ]; then
		fail "$name: groff" "status $status: $(head -c 600 "$tmpdir/groff.out")"
	else
		pass "$name: groff"
	fi
done

# (b) every example runs, with the exit status and the output it shows.
# shellcheck disable=SC2086 # the page names have no spaces
sh "$top_srcdir/tests/examples.sh" $pages
exit 0
