#!/bin/sh
# Builds the fuzz targets with clang's libFuzzer, ASan and UBSan, straight
# from the library's sources (outside the configured build, whose compiler
# need not be clang), and runs each for FUZZ_SECONDS. Called by `make fuzz`,
# which passes what configure found:
#   FUZZ_CC FUZZ_CFLAGS FUZZ_CPPFLAGS FUZZ_LIBS  compiler, flags, libraries
#   FUZZ_SOURCES     the library's sources, relative to srcdir (or builddir
#                    for generated ones)
#   FUZZ_TARGETS     which targets (profile expr model theme import fitfile
#                    keys)
#   FUZZ_SECONDS     seconds per target; 0 builds without running
#   FUZZ_ARGS        more libFuzzer options, e.g. -jobs=1 -workers=1
# Usage: run.sh SRCDIR BUILDDIR. New inputs go to BUILDDIR/fuzz/corpus/NAME
# (the committed seeds in SRCDIR/tests/fuzz/corpus/NAME are only read);
# crashes to BUILDDIR/fuzz/artifacts/. Exits non-zero on any finding.
set -eu
srcdir=$1 builddir=$2
cc=${FUZZ_CC:-clang}
out=$builddir/fuzz
mkdir -p "$out/obj" "$out/artifacts"
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
	-fno-sanitize-recover=all ${FUZZ_CFLAGS:-}"

# Without libFuzzer nothing below can work: say what to install.
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);
int LLVMFuzzerTestOneInput(const char *d, unsigned long n)
{ (void)d; (void)n; return 0; }' >"$out/probe.c"
if ! $cc $flags -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" \
	>"$out/probe.log" 2>&1; then
	cat "$out/probe.log" >&2
	echo "make fuzz: '$cc' cannot build with -fsanitize=fuzzer" \
		"(Debian: apt-get install -y clang; set FUZZ_CC=clang-NN for" \
		"another version)" >&2
	exit 1
fi

# The library, compiled again with coverage instrumentation: an object is
# rebuilt when its source or any header is newer.
objs=
for src in $FUZZ_SOURCES; do
	case $src in *.c) ;; *) continue ;; esac
	if [ -f "$srcdir/$src" ]; then path=$srcdir/$src; else path=$builddir/$src; fi
	obj=$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
	objs="$objs $obj"
	if [ -f "$obj" ] && [ ! "$path" -nt "$obj" ] &&
		[ -z "$(find "$srcdir/src" -name '*.h' -newer "$obj" | head -n 1)" ]; then
		continue
	fi
	echo "  CC (fuzz) $src"
	# shellcheck disable=SC2086
	$cc $flags -fsanitize=fuzzer-no-link $FUZZ_CPPFLAGS -c "$path" -o "$obj"
done
rm -f "$out/libfuzz.a"
# shellcheck disable=SC2086
${AR:-ar} cr "$out/libfuzz.a" $objs

status=0
summary=
for t in $FUZZ_TARGETS; do
	echo "  CCLD (fuzz) fuzz-$t"
	# shellcheck disable=SC2086
	$cc $flags -fsanitize=fuzzer $FUZZ_CPPFLAGS -I"$srcdir/tests/fuzz" \
		"$srcdir/tests/fuzz/fuzz-$t.c" "$out/libfuzz.a" $FUZZ_LIBS \
		-o "$out/fuzz-$t"
done
[ "${FUZZ_SECONDS:-60}" -gt 0 ] || exit 0

for t in $FUZZ_TARGETS; do
	mkdir -p "$out/corpus/$t"
	dict=
	[ -f "$srcdir/tests/fuzz/$t.dict" ] && dict=-dict=$srcdir/tests/fuzz/$t.dict
	log=$out/fuzz-$t.log
	echo "== fuzz-$t: ${FUZZ_SECONDS:-60} s"
	# shellcheck disable=SC2086
	if "$out/fuzz-$t" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t-" $dict ${FUZZ_ARGS:-} \
		"$out/corpus/$t" "$srcdir/tests/fuzz/corpus/$t" >"$log" 2>&1; then
		result=ok
	else
		result=FAILED
		status=1
		grep -A 30 '^==[0-9]*==\|invariant broken\|runtime error\|ERROR: libFuzzer' \
			"$log" | head -n 60 >&2 || tail -n 40 "$log" >&2
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(ls "$out/corpus/$t" | wc -l)
	line="fuzz-$t: ${FUZZ_SECONDS:-60} s, ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, corpus $corp: $result"
	echo "$line"
	summary="$summary$line
"
done
echo "== fuzz summary"
printf '%s' "$summary"
ls "$out/artifacts" | sed 's/^/  artifact: /'
exit $status
