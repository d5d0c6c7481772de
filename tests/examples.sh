#!/bin/sh
# Examples in the docs: runs every example in README.md, docs/*.md and the
# man pages, compares what the program prints with what the doc shows, and
# with --update rewrites the doc to show what the program prints.
#
# Usage: tests/examples.sh [--update] [--slow] [--quiet] FILE...
#   (no option)  check: a FAIL line, with a unified diff of the doc against
#                what it would say, for each example that has drifted, and
#                exit status 1 if any did.
#   --update     rewrite each FILE where an example has drifted (whole, by
#                temp file and rename), printing an UPDATED line for each.
#                `make update-docs` runs this with --slow on every doc.
#   --slow       run the examples marked slow too (see below); without it
#                they are left out (with a "#" line that counts them), as
#                in `make check`.
#   --quiet      no PASS lines, and one SKIP line per reason.
# Environment: EL (the energylens binary), top_srcdir (where sample-profiles
# is). tests/docs.sh and tests/man.sh run it from `make check`.
#
# The convention (write examples this way, or they are not run):
#
#  * An example is a block of display text: in Markdown a fenced code block
#    (``` or ~~~), in a man page the text between .EX and .EE (or .nf and
#    .fi). These blocks are run:
#      - in Markdown, every block whose first line starts with "$ ";
#      - in a man page, every block in the EXAMPLES section (from
#        ".SH EXAMPLES" to the next ".SH");
#      - anywhere, a block right after a marker (below).
#    Other blocks (a schematic JSON, a list of messages for files that are
#    not in the tree, a command line for data you must fetch) are not run:
#    say beside them, in the text, that they are not the program's output
#    as printed.
#  * A marker is a comment on the line(s) right before the block: in
#    Markdown "<!-- example ... -->" before the opening fence (it may span
#    lines), in a man page '.\" example ...' before .EX. Its forms:
#      example                 run the block's "$ " commands (needed only
#                              where the block would not be run anyway)
#      example: COMMAND        the block is only output: what COMMAND prints
#                              (an explorer screen, say). In a man page a
#                              COMMAND ending in a backslash goes on on the
#                              next '.\"' line; in Markdown the whole comment
#                              up to "-->" is the command.
#      example slow ...        also slow: run only with --slow (make
#                              update-docs, make check-docs), not by make
#                              check, which must stay quick (say so in
#                              the doc, too)
#      example xgboost ...     the output has the XGBoost baseline: run only
#                              by a build configured --with-xgboost (SKIPped,
#                              and left as it is by --update, otherwise)
#      not run: WHY            a block starting with "$ " that is not run
#    Flags combine: "example slow xgboost: energylens eval ...".
#  * In a block, a line starting with "$ " is a command, run with sh. A
#    command whose line ends in a backslash goes on on the next line, and
#    one with a here document ("<<'EOF'") takes the lines up to the
#    terminator with it. The lines after a command, up to the next "$ "
#    line, are what it prints (standard error and standard output
#    together) and must match it line for line, except that a shown line
#    ending in "..." need only begin the printed line, and a shown line of
#    just "..." stands for any number of printed lines (an excerpt). A
#    command shown without output must print nothing.
#  * A command must exit with status 0, unless it is followed (after any
#    output lines) by the two lines
#        $ echo $?
#        65
#    which say the status it must exit with instead. "$ echo $?" itself is
#    not run.
#  * The commands of one file run in order in one fresh directory, so an
#    example may use files an earlier one made. That directory holds
#    "sample-profiles", a link to the source tree's, and "energylens" on
#    PATH runs $EL; HOME and XDG_CONFIG_HOME point into it, so your own
#    themes do not change what is printed, and LC_ALL is C.UTF-8 (an
#    example can set LC_ALL=C itself to show the ASCII form). Use only
#    sample-profiles/ and files made by earlier examples: nothing outside
#    the source tree, and nothing written into sample-profiles/.
#  * In a man page the roff escapes \- \e \\ \& \% \(aq \(dq \(ti \(ha \(ga
#    \(rs \(S2 \(<- \(-> \(em \(en \(bu \[uXXXX] and the font changes \fB \fI
#    \fR \fP are undone before a command runs or output is compared; any
#    other escape fails the test, so add it here first. Request lines
#    (starting with "." or "'") in a block are not text.
#
# How --update rewrites an example whose output drifted: the shown lines
# are aligned with the printed ones (an edit distance in which a "..."
# line takes printed lines for free, and a shown line pairs with a printed
# one most readily where they differ only in their numbers, begin with the
# same word, or share the first half), then
#  * a line shown in full that differs becomes the printed line;
#  * a "..." line stays, standing for what it stood for;
#  * a line ending in "..." stays while the printed line still begins with
#    its text; otherwise it becomes as many characters of the printed line
#    (to the end of a word) followed by "...";
#  * a shown line with no printed counterpart is dropped, and a printed
#    line that no "..." covers is added.
# Lines that still match keep their spelling (roff escapes included), so
# the rewrite touches only what changed, and a second run changes nothing.
# New text in a man page is escaped as above (non-ASCII as \[uXXXX]). An
# example whose exit status is wrong is reported, never rewritten: its
# command needs a person.
update=0 slow=0 quiet=0
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1 ;;
	--slow) slow=1 ;;
	--quiet) quiet=1 ;;
	--) shift; break ;;
	-*)
		echo "usage: tests/examples.sh [--update] [--slow] [--quiet] FILE..." >&2
		exit 1
		;;
	*) break ;;
	esac
	shift
done

. "${top_srcdir:?}/tests/lib.sh"
# lib.sh's echo would take the backslashes of a man page's diff for escapes.
pass() { [ "$quiet" -eq 1 ] || printf 'PASS: %s\n' "$1"; }
fail() { printf 'FAIL: %s: %s\n' "$1" "$2"; }
skip() {
	if [ "$quiet" -eq 0 ]; then
		printf 'SKIP: %s: %s\n' "$1" "$2"
	elif ! grep -qxF -- "$2" "$tmpdir/skipped" 2>/dev/null; then
		printf 'SKIP: %s (and the like)\n' "$2"
		echo "$2" >>"$tmpdir/skipped"
	fi
}

case $EL in
/*) ;;
*) EL=$PWD/$EL ;;
esac

bindir=$tmpdir/bin
mkdir "$bindir" || exit 1
printf '#!/bin/sh\nexec "%s" "$@"\n' "$EL" >"$bindir/energylens"
chmod +x "$bindir/energylens"

# A build without XGBoost refuses the baseline by name.
if "$EL" eval --baselines xgboost /nonexistent 2>&1 </dev/null |
	grep -q 'unknown baseline'; then
	have_xgboost=0
else
	have_xgboost=1
fi

# The roff escapes, both ways, shared by the awk programs below (run in the
# C locale, so that they see bytes).
ROFF_AWK='
function roff_init(    i) {
	for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i
	named["aq"] = "\047"; named["dq"] = "\""; named["ti"] = "~"
	named["ha"] = "^"; named["ga"] = "`"; named["rs"] = "\\"
	named["S2"] = utf8(178); named["<-"] = utf8(8592)
	named["->"] = utf8(8594); named["em"] = utf8(8212)
	named["en"] = utf8(8211); named["bu"] = utf8(8226)
}
function utf8(c) {
	if (c < 128) return sprintf("%c", c)
	if (c < 2048)
		return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
	if (c < 65536)
		return sprintf("%c%c%c", 224 + int(c / 4096),
		    128 + int(c / 64) % 64, 128 + c % 64)
	return sprintf("%c%c%c%c", 240 + int(c / 262144),
	    128 + int(c / 4096) % 64, 128 + int(c / 64) % 64, 128 + c % 64)
}
function hexval(h,    i, v) {
	v = 0
	for (i = 1; i <= length(h); i++)
		v = v * 16 + index("0123456789ABCDEF", toupper(substr(h, i, 1))) - 1
	return v
}
# The text a line of roff shows; sets bad to the first escape it does not
# know.
function unescape(s,    out, c, two, end) {
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
		} else if (c == "&" || c == "%") {
			s = substr(s, 3)
		} else if (c == "f" && substr(s, 3, 1) ~ /[BIRP]/) {
			s = substr(s, 4)
		} else if (c == "(") {
			two = substr(s, 3, 2)
			if (!(two in named)) { bad = substr(s, 1, 4); return out }
			out = out named[two]
			s = substr(s, 5)
		} else if (c == "[" && substr(s, 3) ~ /^u[0-9A-Fa-f]+\]/) {
			end = index(s, "]")
			out = out utf8(hexval(substr(s, 4, end - 4)))
			s = substr(s, end + 1)
		} else {
			bad = substr(s, 1, 2)
			return out
		}
	}
	return out
}
# The roff for a line of printed text (in .EX, no fill).
function escape(s,    out, c, b, n, cp, k) {
	if (s == "") return "\\&"
	out = ""
	while (s != "") {
		c = substr(s, 1, 1)
		b = ord[c]
		if (c == "\\") out = out "\\e"
		else if (c == "-") out = out "\\-"
		else if (c == "\047") out = out "\\(aq"
		else if (c == "~") out = out "\\(ti"
		else if (c == "^") out = out "\\(ha"
		else if (c == "`") out = out "\\(ga"
		else if (b < 128) out = out c
		else {
			n = b >= 240 ? 4 : b >= 224 ? 3 : b >= 192 ? 2 : 1
			cp = n == 4 ? b - 240 : n == 3 ? b - 224 : n == 2 ? b - 192 : b
			for (k = 2; k <= n; k++) cp = cp * 64 + ord[substr(s, k, 1)] - 128
			out = out sprintf("\\[u%04X]", cp)
			s = substr(s, n + 1)
			continue
		}
		s = substr(s, 2)
	}
	if (out ~ /^[.\047]/) out = "\\&" out
	return out
}
'

# Splits the examples of doc $1 (kind $3: md or roff) into DIR=$2/N.sh
# (command N), N.status (the exit status it must have), N.flags, N.line
# (the command'"'"'s line in the doc), N.out (the output shown, as text),
# N.raw (the same lines as written in the doc) and N.region ("FROM TO":
# the lines of the doc they occupy; TO is FROM - 1 where none are shown,
# and the output goes before line FROM); N.fixed where the region cannot
# be rewritten. Prints "error: ..." lines for what it cannot read.
extract() {
	LC_ALL=C awk -v dir="$2" -v kind="$3" "$ROFF_AWK"'
	function put(file, text) { print text > (dir "/" n "." file) }
	function done_file(file) { close(dir "/" n "." file) }
	function finish() {
		if (n == 0) return
		done_file("sh")
		done_file("out")
		done_file("raw")
		put("region", from " " (last_out ? last_out : from - 1))
		done_file("region")
		collecting = 0
	}
	# A new example n: its command'"'"'s first line (already undone).
	function begin_example(cmd, line) {
		finish()
		n++
		put("sh", cmd)
		put("status", 0); done_file("status")
		put("flags", block_flags); done_file("flags")
		put("line", line); done_file("line")
		printf "" > (dir "/" n ".out")
		printf "" > (dir "/" n ".raw")
		last_out = 0
		req_seen = 0
		want_status = 0
	}
	# A marker comment: "example [FLAGS][: COMMAND]" or "not run: WHY".
	function read_marker(text, line,    colon, words, i, nw) {
		sub(/^[ \t]+/, "", text)
		sub(/[ \t]+$/, "", text)
		marker_line = line
		marker_cmd = ""
		marker_flags = ""
		if (text ~ /^not run([ \t:]|$)/) { marker = "norun"; return }
		marker = "example"
		text = substr(text, 8)
		colon = index(text, ":")
		if (colon) {
			marker_cmd = substr(text, colon + 1)
			sub(/^[ \t]+/, "", marker_cmd)
			text = substr(text, 1, colon - 1)
		}
		nw = split(text, words, /[ \t]+/)
		for (i = 1; i <= nw; i++) {
			if (words[i] == "") continue
			if (words[i] != "slow" && words[i] != "xgboost")
				print "error: line " line ": unknown example flag \"" words[i] "\" (expected slow or xgboost)"
			marker_flags = marker_flags " " words[i]
		}
	}
	function open_block(line) {
		display = 1
		first_line = 1
		heredoc = ""; more = 0
		block_flags = ""
		run_block = kind == "roff" ? examples : -1
		marked = 0
		block_n = n
		if (marker != "" && marker_end == line - 1) {
			if (marker == "norun") run_block = 0
			else {
				run_block = 1
				marked = 1
				block_flags = marker_flags
				if (marker_cmd != "") {
					begin_example(marker_cmd, marker_line)
					from = line + 1
					collecting = 1
					output_only = 1
				}
			}
		}
		marker = ""
	}
	function close_block(line) {
		if (heredoc != "") print "error: line " line ": here document not closed before the end of the block"
		if (more) print "error: line " line ": continued command not closed before the end of the block"
		if (want_status) print "error: line " line ": \"$ echo $?\" with no status after it"
		if (marked && n == block_n) print "error: line " line ": an example marker before a block with no \"$ \" command"
		finish()
		display = 0; heredoc = ""; more = 0; output_only = 0
		want_status = 0
	}
	BEGIN { roff_init() }

	# Markers: Markdown comments, roff comments.
	kind == "md" && !display && in_marker {
		marker_text = marker_text "\n" $0
		if (index($0, "-->")) {
			in_marker = 0
			sub(/-->.*$/, "", marker_text)
			read_marker(marker_text, marker_start)
			marker_end = NR
		}
		next
	}
	kind == "md" && !display && /^<!--[ \t]*(example|not run)([ \t:]|-->|$)/ {
		marker_text = $0
		sub(/^<!--[ \t]*/, "", marker_text)
		marker_start = NR
		if (index(marker_text, "-->")) {
			sub(/-->.*$/, "", marker_text)
			read_marker(marker_text, NR)
			marker_end = NR
		} else in_marker = 1
		next
	}
	kind == "roff" && !display && roff_marker_more {
		if ($0 ~ /^\.\\"/) {
			t = $0; sub(/^\.\\" ?/, "", t)
			marker_cmd = marker_cmd "\n" t
			roff_marker_more = (t ~ /\\$/)
			marker_end = NR
			next
		}
		roff_marker_more = 0
	}
	kind == "roff" && !display && /^\.\\"[ \t]*(example|not run)([ \t:]|$)/ {
		t = $0; sub(/^\.\\"[ \t]*/, "", t)
		read_marker(t, NR)
		marker_end = NR
		roff_marker_more = (marker_cmd ~ /\\$/)
		next
	}

	# Blocks.
	kind == "md" && !display && /^ ? ? ?(```|~~~)/ {
		fence = $0; sub(/^ */, "", fence)
		fence = substr(fence, 1, 3)
		open_block(NR)
		next
	}
	kind == "md" && display && substr($0, 1, 3) == fence && $0 ~ /^(```|~~~)+[ \t]*$/ {
		close_block(NR)
		next
	}
	kind == "roff" && /^\.SH/ {
		examples = ($0 ~ /^\.SH +"?EXAMPLES"?[ \t]*$/)
		next
	}
	kind == "roff" && !display && /^\.(EX|nf)([ \t]|$)/ { open_block(NR); next }
	kind == "roff" && display && /^\.(EE|fi)([ \t]|$)/ { close_block(NR); next }
	!display { next }
	kind == "roff" && /^[.\047]/ {
		if (collecting) req_seen = 1
		next
	}
	{
		raw = $0
		line = raw
		if (kind == "roff") {
			bad = ""
			line = unescape(raw)
			if (bad != "") {
				print "error: line " NR ": unknown roff escape " bad " (add it to tests/examples.sh)"
				next
			}
		}
		if (first_line && run_block == -1) run_block = (line ~ /^\$ /)
		first_line = 0
	}
	!run_block { next }
	output_only {
		if (line ~ /^\$ /) print "error: line " NR ": a \"$ \" command in a block marked with its command"
	}
	heredoc != "" {
		put("sh", line)
		if (line == heredoc) { heredoc = ""; from = NR + 1; collecting = 1 }
		next
	}
	more {
		put("sh", line)
		more = (line ~ /\\$/)
		if (!more && heredoc == "") { from = NR + 1; collecting = 1 }
		next
	}
	!output_only && line ~ /^\$ echo \$\?[ \t]*$/ {
		if (n == 0) print "error: line " NR ": \"$ echo $?\" with no command before it"
		want_status = 1
		collecting = 0
		next
	}
	!output_only && line ~ /^\$ / {
		begin_example(substr(line, 3), NR)
		more = (line ~ /\\$/)
		if (match(line, /<<-?[ \t]*[\047"]?[A-Za-z_][A-Za-z0-9_]*/)) {
			heredoc = substr(line, RSTART, RLENGTH)
			sub(/^<<-?[ \t]*[\047"]?/, "", heredoc)
		}
		if (!more && heredoc == "") { from = NR + 1; collecting = 1 }
		next
	}
	want_status {
		if (line !~ /^[0-9]+$/) print "error: line " NR ": expected an exit status after \"$ echo $?\", found: " line
		else { put("status", line); done_file("status") }
		want_status = 0
		next
	}
	n > 0 && collecting {
		put("out", line)
		put("raw", raw)
		last_out = NR
		if (req_seen) { put("fixed", "a request line inside"); done_file("fixed") }
	}
	END {
		if (display) print "error: a block not closed at the end of the file"
		finish()
	}
	' "$1"
}

# What example $1 (DIR/N) should show, given what it printed ($2): the shown
# lines aligned with the printed ones and rewritten as the header says,
# written to DIR/N.new as doc text (kind $3).
rewrite() {
	LC_ALL=C awk -v shown="$1.out" -v raw="$1.raw" -v kind="$3" "$ROFF_AWK"'
	function first_word(s) {
		sub(/^[ \t]+/, "", s)
		sub(/[ \t].*$/, "", s)
		return s
	}
	# The line with each number as "#".
	function shape(s) {
		gsub(/[0-9]+([.,][0-9]+)*/, "#", s)
		return s
	}
	# Whether two lines are one line changed (the same but for numbers,
	# the same first word, or half the shorter one in common at the
	# start) rather than two lines.
	function similar(x, y,    n, i) {
		if (shape(x) == shape(y)) return 1
		if (first_word(x) != "" && first_word(x) == first_word(y)) return 1
		n = length(x) < length(y) ? length(x) : length(y)
		for (i = 1; i <= n && substr(x, i, 1) == substr(y, i, 1); i++)
			;
		return n > 0 && i - 1 >= n / 2
	}
	function prefix_line(s) { return s ~ /\.\.\.$/ }
	function matches(k, j,    p) {
		if (prefix_line(u[k])) {
			p = substr(u[k], 1, length(u[k]) - 3)
			return substr(a[j], 1, length(p)) == p
		}
		return u[k] == a[j]
	}
	# Shown excerpt line k, no longer a prefix of printed line j: as much
	# of the printed line, to the end of a word.
	function new_prefix(k, j,    cut) {
		cut = length(u[k]) - 3
		while (cut < length(a[j]) && cut > 0 &&
		    substr(a[j], cut, 1) != " " && substr(a[j], cut + 1, 1) != " ")
			cut++
		if (cut >= length(a[j])) return a[j]
		return substr(a[j], 1, cut) "..."
	}
	BEGIN {
		roff_init()
		nu = na = 0
		while ((getline l < shown) > 0) {
			u[++nu] = l
			getline r < raw
			if (!(l in spelt)) spelt[l] = r
		}
	}
	{ a[++na] = $0 }
	END {
		DEL = 2; INS = 2
		c[0, 0] = 0
		for (j = 1; j <= na; j++) { c[0, j] = c[0, j - 1] + INS; mv[0, j] = "L" }
		for (k = 1; k <= nu; k++) {
			gap = (u[k] == "...")
			c[k, 0] = c[k - 1, 0] + (gap ? 0 : DEL)
			mv[k, 0] = gap ? "E" : "U"
			for (j = 1; j <= na; j++) {
				if (gap) {
					best = c[k, j - 1]; m = "G"
					if (c[k - 1, j] <= best) { best = c[k - 1, j]; m = "E" }
				} else {
					s = matches(k, j) ? 0 : similar(u[k], a[j]) ? 1 : 4
					best = c[k - 1, j - 1] + s; m = "D"
					if (c[k - 1, j] + DEL < best) { best = c[k - 1, j] + DEL; m = "U" }
					if (c[k, j - 1] + INS < best) { best = c[k, j - 1] + INS; m = "L" }
				}
				c[k, j] = best; mv[k, j] = m
			}
		}
		k = nu; j = na; nn = 0
		while (k > 0 || j > 0) {
			m = mv[k, j]
			if (m == "D") {
				if (matches(k, j)) t = u[k]
				else if (prefix_line(u[k])) t = new_prefix(k, j)
				else t = a[j]
				out[++nn] = t; k--; j--
			} else if (m == "U") k--
			else if (m == "L") { out[++nn] = a[j]; j-- }
			else if (m == "G") j--
			else if (m == "E") { out[++nn] = "..."; k-- }
			else exit 70

		}
		for (i = nn; i >= 1; i--) {
			t = out[i]
			if (t in spelt) print spelt[t]
			else if (kind == "roff") print escape(t)
			else print t
		}
	}
	' "$2" >"$1.new"
}

# Doc $1 with the examples listed in $3 (numbers, in DIR=$2) replaced by
# their N.new, on standard output.
assemble() {
	LC_ALL=C awk -v dir="$2" -v list="$3" '
	BEGIN {
		nl = split(list, ex, " ")
		for (i = 1; i <= nl; i++) {
			f = dir "/" ex[i] ".region"
			getline r < f; close(f)
			split(r, ft, " ")
			at[ft[1] + 0] = ex[i]
			upto[ex[i]] = ft[2] + 0
		}
	}
	FNR in at {
		e = at[FNR]
		f = dir "/" e ".new"
		while ((getline l < f) > 0) print l
		close(f)
		skip_to = upto[e]
	}
	FNR <= skip_to { next }
	{ print }
	' "$1"
}

failed=0
fileno=0
slow_left=0
for file in "$@"; do
	fileno=$((fileno + 1))
	case $file in
	"$top_srcdir"/*) name=${file#"$top_srcdir"/} ;;
	*) name=$file ;;
	esac
	case $file in
	*.md | *.markdown) kind=md ;;
	*) kind=roff ;;
	esac
	d=$tmpdir/ex.$fileno
	work=$tmpdir/work.$fileno
	mkdir "$d" "$work" "$work/.config" || exit 1
	ln -s "$top_srcdir/sample-profiles" "$work/sample-profiles"
	if [ ! -r "$file" ]; then
		fail "$name: examples" "cannot read $file"
		failed=1
		continue
	fi
	before=$(cksum <"$file")
	extract "$file" "$d" "$kind" >"$tmpdir/extract.out"
	if [ -s "$tmpdir/extract.out" ]; then
		fail "$name: examples" "$(cat "$tmpdir/extract.out")"
		failed=1
		continue
	fi
	changed=
	n=1
	while [ -f "$d/$n.sh" ]; do
		want=$(cat "$d/$n.status")
		flags=$(cat "$d/$n.flags")
		case_name="$name:$(cat "$d/$n.line"): $(head -n 1 "$d/$n.sh" | sed 's/[[:blank:]]*\\$/ .../')"
		case " $flags " in
		*" slow "*)
			if [ "$slow" -eq 0 ]; then
				slow_left=$((slow_left + 1))
				n=$((n + 1))
				continue
			fi
			;;
		esac
		case " $flags " in
		*" xgboost "*)
			if [ "$have_xgboost" -eq 0 ]; then
				skip "$case_name" "shows the XGBoost baseline, and this build has none (./configure --with-xgboost)"
				n=$((n + 1))
				continue
			fi
			;;
		esac
		(cd "$work" && PATH="$bindir:$PATH" LC_ALL=C.UTF-8 \
			HOME=$work XDG_CONFIG_HOME=$work/.config \
			sh "$d/$n.sh") >"$d/$n.printed" 2>&1 </dev/null
		status=$?
		if [ "$status" -ne "$want" ]; then
			fail "$case_name" "exit status $status, expected $want (not rewritten: fix the command); output: $(head -c 600 "$d/$n.printed")"
			failed=1
			n=$((n + 1))
			continue
		fi
		if ! rewrite "$d/$n" "$d/$n.printed" "$kind"; then
			fail "$case_name" "tests/examples.sh could not align the output with the doc (a bug in it)"
			failed=1
			n=$((n + 1))
			continue
		fi
		if cmp -s "$d/$n.new" "$d/$n.raw"; then
			pass "$case_name"
		elif [ -f "$d/$n.fixed" ]; then
			fail "$case_name" "output differs from the doc, and its block has a roff request among the output lines, so it cannot be rewritten.
--- shown:
$(head -n 30 "$d/$n.out")
--- printed:
$(head -n 30 "$d/$n.printed")"
			failed=1
		elif [ "$update" -eq 1 ]; then
			echo "UPDATED: $case_name"
			changed="$changed $n"
		else
			assemble "$file" "$d" "$n" >"$d/$n.doc"
			fail "$case_name" "the doc shows other output than the program prints (make update-docs rewrites it):
$(diff -u -L "$name (in the doc)" -L "$name (as printed)" "$file" "$d/$n.doc" | head -n 80)"
			failed=1
		fi
		n=$((n + 1))
	done
	if [ "$n" -eq 1 ] && [ "$kind" = roff ]; then
		skip "$name: examples" "no example in it"
	fi
	if [ -n "$changed" ] && [ "$(cksum <"$file")" != "$before" ]; then
		fail "$name: update" "the file changed while its examples ran; not rewritten (run again)"
		failed=1
	elif [ -n "$changed" ]; then
		# Written whole: a copy (with the file's mode) filled, then renamed.
		if ! { assemble "$file" "$d" "$changed" >"$d/doc.new" &&
			cp "$file" "$file.examples-tmp" &&
			cat "$d/doc.new" >"$file.examples-tmp" &&
			mv "$file.examples-tmp" "$file"; }; then
			rm -f "$file.examples-tmp"
			fail "$name: update" "cannot write $file"
			failed=1
		fi
	fi
done
# Not a SKIP: nothing is missing, they are left out on purpose.
if [ "$slow_left" -gt 0 ]; then
	echo "# examples marked slow, not run: $slow_left (make check-docs and make update-docs run them)"
fi
exit "$failed"
