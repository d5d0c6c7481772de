#!/bin/sh
# embed.sh NAME FILE: prints FILE as a C string constant named NAME, so a
# text file can be compiled in (the built-in model files).
set -eu
printf 'const char %s[] =\n' "$1"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$2"
printf '\t"";\n'
