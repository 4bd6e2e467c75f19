#!/bin/sh
# embed.sh FILE NAME - write a C file that holds FILE's bytes as the
# NUL-terminated string NAME (and NAME_len), one source line per line.
set -eu
file=$1
name=$2
echo "/* Generated from $file by mk/embed.sh: edit $file, not this. */"
echo "#include <stddef.h>"
echo
echo "const char ${name}[] ="
awk '{
	gsub(/\\/, "\\\\")
	gsub(/"/, "\\\"")
	gsub(/\t/, "\\t")
	printf "    \"%s\\n\"\n", $0
}' "$file"
echo "    \"\";"
echo "const size_t ${name}_len = sizeof(${name}) - 1;"
