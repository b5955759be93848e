#!/bin/sh
# The shared object must export exactly the functions the public header
# declares with PRC_API, each under a version node of the version script,
# and nothing else.
# usage: exported-symbols.sh LIBRARY HEADER VERSION_SCRIPT
set -eu
lib=$1 header=$2 map=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Function names declared in the header: "PRC_API type name(" possibly
# with the name on the next line.
grep -v "^#" "$header" | tr "\n" " " | grep -o 'PRC_API [^;(]*(' |
    sed 's/($//; s/.*[ *]//' | sort -u >"$tmp/header"

nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' >"$tmp/versioned"
sed 's/@.*//' "$tmp/versioned" | sort -u >"$tmp/exported"

nodes=$(grep -o '^PRCURVE_[0-9.]*' "$map" | tr '\n' '|' | sed 's/|$//')
status=0
if ! diff -u "$tmp/header" "$tmp/exported"; then
    echo "exported functions differ from the header's PRC_API list" >&2
    status=1
fi
if grep -Ev "@@?($nodes)\$" "$tmp/versioned"; then
    echo "the symbols above carry no version node of $map" >&2
    status=1
fi
echo "$(wc -l <"$tmp/exported") functions exported, all declared and versioned"
exit $status
