#!/bin/sh
# The public header must compile on its own, warning-free, as C89, C99 and
# C11, and as C++98 and C++17 when a C++ compiler is given.
# usage: header-standalone.sh INCLUDE_DIR C_COMPILER [CXX_COMPILER]
set -eu
inc=$1 cc=$2 cxx=${3:-}
prog='#include "prcurve.h"
int main(void) { return prc_version_number() == PRC_VERSION_NUMBER ? 0 : 1; }'

for std in c89 c99 c11; do
    printf '%s\n' "$prog" | "$cc" -std=$std -Wall -Wextra -Wpedantic -Werror \
        -I"$inc" -fsyntax-only -x c -
    echo "header: $std ok"
done
[ -n "$cxx" ] || exit 0
for std in c++98 c++17; do
    printf '%s\n' "$prog" | sed 's/(void)/()/' |
        "$cxx" -std=$std -Wall -Wextra -Wpedantic -Werror -I"$inc" \
            -fsyntax-only -x c++ -
    echo "header: $std ok"
done
