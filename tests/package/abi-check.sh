#!/bin/sh
# Compares the built shared object with the ABI baseline of the released
# interface.  abidiff's exit status is a bit mask; a changed signature or
# type layout sets only the "change" bit, so any non-zero status fails.
# Added functions are allowed (--no-added-syms).
# usage: abi-check.sh LIBRARY BASELINE HEADERS_DIR
set -u
lib=$1 baseline=$2 headers=$3

abidiff --no-added-syms --hd2 "$headers" "$baseline" "$lib"
status=$?
if [ $status -ne 0 ]; then
    echo "abi-check: $lib differs from $baseline (abidiff status $status)" >&2
    echo "abi-check: an intended, compatible addition updates the baseline" \
         "with: abidw --headers-dir include --no-corpus-path" \
         "--out-file $baseline $lib" >&2
    exit 1
fi
echo "abi-check: no incompatible change against $(basename "$baseline")"
