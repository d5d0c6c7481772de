# The README's quick start, as a newcomer copies it: its first command
# must run to the end as root on a machine without sudo and as a user
# with sudo (the package manager, the build and the program stubbed, so
# only the shell logic runs), and its second command is what CI runs.
. "$top_srcdir/tests/lib.sh"

readme=$top_srcdir/README.md
# The first line of the first sh block after "## Quick start".
first=$(awk '/^## Quick start/ { q = 1 } q && /^```sh$/ { getline; print; exit }' "$readme")
# The first line of the next sh block: the test command.
second=$(awk '/^## Quick start/ { q = 1 } q && /^```sh$/ { n++; if (n == 2) { getline; print; exit } }' "$readme")

# stubs DIR WITH_SUDO: a PATH holding only logging stand-ins.
stubs() {
	mkdir -p "$1"
	for t in apt-get autoreconf make; do
		printf '#!/bin/sh\necho "%s $*" >>"%s/log"\n' "$t" "$tmpdir" >"$1/$t"
		chmod +x "$1/$t"
	done
	if [ "$2" = yes ]; then
		printf '#!/bin/sh\necho "sudo $1" >>"%s/log"\nexec "$@"\n' "$tmpdir" >"$1/sudo"
		chmod +x "$1/sudo"
	fi
}
work=$tmpdir/work
mkdir "$work"
for t in configure energylens; do
	printf '#!/bin/sh\necho "./%s $*" >>"%s/log"\n' "$t" "$tmpdir" >"$work/$t"
	chmod +x "$work/$t"
done

for who in root-without-sudo user-with-sudo; do
	: >"$tmpdir/log"
	sudo=no
	[ "$who" = user-with-sudo ] && sudo=yes
	stubs "$tmpdir/bin-$who" $sudo
	(cd "$work" && PATH=$tmpdir/bin-$who /bin/sh -c "$first") \
		>"$tmpdir/out" 2>&1
	st=$?
	want_sudo=$([ $sudo = yes ] && echo 2 || echo 0)
	if [ $st -eq 0 ] && grep -q '^apt-get update' "$tmpdir/log" &&
		grep -q '^apt-get install -y .*build-essential' "$tmpdir/log" &&
		[ "$(grep -c '^sudo apt-get' "$tmpdir/log")" -eq "$want_sudo" ] &&
		[ "$(tail -n 1 "$tmpdir/log")" = "./energylens " ]; then
		pass "readme-quick-start-$who"
	else
		fail "readme-quick-start-$who" "status $st: $(cat "$tmpdir/out" "$tmpdir/log" | head -c 400)"
	fi
done

# The second command runs the tests, and is the one .ci/run runs.
ci=$top_srcdir/.ci/run
case $second in
*"make check"*)
	if grep -qxF "$(echo "$second" | sed 's/make check/make -j2 check/')" "$ci"; then
		pass readme-test-command-is-ci
	else
		fail readme-test-command-is-ci ".ci/run does not run '$second'"
	fi ;;
*) fail readme-test-command-is-ci "the second command is not 'make check': $second" ;;
esac

# Every package the README installs, CI installs too.
missing=
for p in $(echo "$first" | sed -n 's/.*apt-get install -y \([^&]*\)&&.*/\1/p'); do
	grep -q "[( 	]$p[ )]" "$ci" || grep -q "[( 	]$p\$" "$ci" || missing="$missing $p"
done
if [ -n "$(echo "$first" | sed -n 's/.*apt-get install -y \([^&]*\)&&.*/\1/p')" ] &&
	[ -z "$missing" ]; then
	pass readme-packages-in-ci
else
	fail readme-packages-in-ci "not in .ci/run:$missing"
fi

# A skipped test names nothing outside the project (tests/runner.sh fails
# a SKIP line with a path outside the source and build trees).
printf '#!/bin/sh\necho "SKIP: x: no %s/../elsewhere/data"\necho "SKIP: y: no /dev/full"\n' \
	"$top_srcdir" >"$tmpdir/skips.sh"
(top_srcdir=$top_srcdir top_builddir=${top_builddir:-$top_srcdir} \
	sh "$top_srcdir/tests/runner.sh" "$tmpdir/skips.sh") >"$tmpdir/out" 2>&1
if grep -q "^FAIL: .*a SKIP names a path outside the project: .*/\.\./elsewhere/data *$" "$tmpdir/out" &&
	grep -q "^0 passed, 1 failed" "$tmpdir/out"; then
	pass runner-skip-outside-path
else
	fail runner-skip-outside-path "$(cat "$tmpdir/out")"
fi
