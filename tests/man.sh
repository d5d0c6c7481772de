#!/bin/sh
# Man page tests: every page under man/ must format without a warning, and
# every example in its EXAMPLES section must really run.
#
# The example convention (write examples this way, or they are not run):
#
#  * Only the EXAMPLES section counts (from ".SH EXAMPLES" to the next
#    ".SH"), and in it only the text between .EX and .EE (or .nf and .fi).
#    Examples elsewhere in a page, such as one that needs data not in the
#    source tree, are not run.
#  * A line starting with "$ " is a command, run with sh. A command whose
#    line ends in a backslash goes on on the next line, and one with a here
#    document ("<<'EOF'") takes the lines up to the terminator with it.
#    The lines after a command, up to the next "$ " line, are what it
#    prints (standard error and standard output together) and must match
#    it line for line, except that a shown line ending in "..." need only
#    begin the printed line, and a shown line of just "..." stands for
#    any number of printed lines. A command shown without output must
#    print nothing.
#  * A command must exit with status 0, unless it is followed (after any
#    output lines) by the two lines
#        $ echo $?
#        65
#    which say the status it must exit with instead. "$ echo $?" itself is
#    not run.
#  * The commands of one page run in order in one fresh directory, so an
#    example may use files an earlier one made. That directory holds
#    "sample-profiles", a link to the source tree's, and "energylens" on
#    PATH runs $EL. Use only sample-profiles/ and files made by earlier
#    examples: nothing outside the source tree, and nothing written into
#    sample-profiles/.
#  * The roff escapes \- \e \\ \& \(aq \(dq \(ti \(ha \(ga \(rs and the
#    font changes \fB \fI \fR \fP are undone before a command runs; any
#    other escape in a command fails the test, so add it here first.
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

# Splits the EXAMPLES of a page into DIR/N.sh (command N) and DIR/N.status
# (its expected exit status); prints "error: ..." lines for what it cannot
# read.
extract() {
	awk -v dir="$2" '
	function unescape(s,    out, c, two) {
		out = ""
		while (s != "") {
			c = substr(s, 1, 1)
			if (c != "\\") {
				out = out c
				s = substr(s, 2)
				continue
			}
			c = substr(s, 2, 1)
			if (c == "-" || c == "\\") {
				out = out c; s = substr(s, 3)
			} else if (c == "e") {
				out = out "\\"; s = substr(s, 3)
			} else if (c == "&") {
				s = substr(s, 3)
			} else if (c == "f" && substr(s, 3, 1) ~ /[BIRP]/) {
				s = substr(s, 4)
			} else if (c == "(") {
				two = substr(s, 3, 2)
				if (two == "aq") out = out "\047"
				else if (two == "dq") out = out "\""
				else if (two == "ti") out = out "~"
				else if (two == "ha") out = out "^"
				else if (two == "ga") out = out "`"
				else if (two == "rs") out = out "\\"
				else { bad = substr(s, 1, 4); return out }
				s = substr(s, 5)
			} else {
				bad = substr(s, 1, 2)
				return out
			}
		}
		return out
	}
	function emit(text) {
		print text > (dir "/" n ".sh")
	}
	function finish() {
		if (n > 0) {
			close(dir "/" n ".sh")
			close(dir "/" n ".out")
		}
	}
	/^\.SH/ {
		examples = ($0 ~ /^\.SH +"?EXAMPLES"?[ \t]*$/)
		display = 0
		next
	}
	!examples { next }
	/^\.(EX|nf)([ \t]|$)/ { display = 1; next }
	/^\.(EE|fi)([ \t]|$)/ {
		if (heredoc != "") print "error: line " NR ": here document not closed before " $1
		if (more) print "error: line " NR ": continued command not closed before " $1
		display = 0; heredoc = ""; more = 0
		next
	}
	!display { next }
	/^[.\047]/ { next }
	{
		bad = ""
		line = unescape($0)
		if (bad != "") {
			print "error: line " NR ": unknown roff escape " bad " (add it to tests/man.sh)"
			next
		}
	}
	heredoc != "" {
		emit(line)
		if (line == heredoc) heredoc = ""
		next
	}
	more {
		emit(line)
		more = (line ~ /\\$/)
		next
	}
	line ~ /^\$ echo \$\?[ \t]*$/ {
		if (n == 0) print "error: line " NR ": \"$ echo $?\" with no command before it"
		want_status = 1
		next
	}
	line ~ /^\$ / {
		finish()
		n++
		emit(substr(line, 3))
		print 0 > (dir "/" n ".status"); close(dir "/" n ".status")
		printf "" > (dir "/" n ".out")
		more = (line ~ /\\$/)
		if (match(line, /<<-?[ \t]*[\047"]?[A-Za-z_][A-Za-z0-9_]*/)) {
			heredoc = substr(line, RSTART, RLENGTH)
			sub(/^<<-?[ \t]*[\047"]?/, "", heredoc)
		}
		want_status = 0
		next
	}
	want_status {
		if (line !~ /^[0-9]+$/) print "error: line " NR ": expected an exit status after \"$ echo $?\", found: " line
		else { print line > (dir "/" n ".status"); close(dir "/" n ".status") }
		want_status = 0
		next
	}
	n > 0 { print line > (dir "/" n ".out") }
	END {
		finish()
		if (want_status) print "error: \"$ echo $?\" at the end with no status after it"
	}
	' "$1"
}

# Whether the output in file $2 is what page example file $1 shows.
output_matches() {
	awk -v shown="$1" '
	function from(i, j,    k, prefix) {
		if (i > ne) return j > na
		if (e[i] == "...") {
			for (k = j; k <= na + 1; k++)
				if (from(i + 1, k)) return 1
			return 0
		}
		if (j > na) return 0
		if (e[i] ~ /\.\.\.$/) {
			prefix = substr(e[i], 1, length(e[i]) - 3)
			if (substr(a[j], 1, length(prefix)) != prefix) return 0
		} else if (e[i] != a[j]) return 0
		return from(i + 1, j + 1)
	}
	BEGIN { while ((getline l < shown) > 0) e[++ne] = l }
	{ a[++na] = $0 }
	END { exit !from(1, 1) }
	' "$2"
}

bindir=$tmpdir/bin
mkdir "$bindir" || exit 1
printf '#!/bin/sh\nexec "%s" "$@"\n' "$EL" >"$bindir/energylens"
chmod +x "$bindir/energylens"

# (b) every example runs, with the exit status it claims.
for page in $pages; do
	name=man/$(basename "$page")
	cmds=$tmpdir/cmds.$(basename "$page")
	work=$tmpdir/work.$(basename "$page")
	mkdir "$cmds" "$work" || exit 1
	ln -s "$top_srcdir/sample-profiles" "$work/sample-profiles"
	extract "$page" "$cmds" >"$tmpdir/extract.out"
	if [ -s "$tmpdir/extract.out" ]; then
		fail "$name: examples" "$(cat "$tmpdir/extract.out")"
		continue
	fi
	n=1
	while [ -f "$cmds/$n.sh" ]; do
		want=$(cat "$cmds/$n.status")
		first=$(head -n 1 "$cmds/$n.sh")
		case_name="$name: example $n: $first"
		# A UTF-8 terminal, as operators have; an example can set
		# LC_ALL=C itself to show the ASCII form.
		(cd "$work" && PATH="$bindir:$PATH" LC_ALL=C.UTF-8 \
			sh "$cmds/$n.sh") \
			>"$tmpdir/out" 2>&1 </dev/null
		status=$?
		if [ "$status" -ne "$want" ]; then
			fail "$case_name" "exit status $status, expected $want; output: $(head -c 600 "$tmpdir/out")"
		elif ! output_matches "$cmds/$n.out" "$tmpdir/out"; then
			fail "$case_name" "output differs from the page.
--- shown in the page:
$(head -n 30 "$cmds/$n.out")
--- printed:
$(head -n 30 "$tmpdir/out")"
		else
			pass "$case_name"
		fi
		n=$((n + 1))
	done
	if [ "$n" -eq 1 ]; then
		skip "$name: examples" "no \"\$ \" command in its EXAMPLES section"
	fi
done
exit 0
