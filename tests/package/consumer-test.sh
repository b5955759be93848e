#!/bin/sh
# Installs the build tree into a fresh prefix, then builds and runs the
# consumer program against it twice: with pkg-config and with find_package.
# usage: consumer-test.sh BUILD_DIR SOURCE_DIR WORK_DIR C_COMPILER
set -eu
build=$1 src=$2 work=$3 cc=$4

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null

libdir=$(find "$prefix" -name 'libprcurve.so*' -o -name 'libprcurve.a' |
         head -n 1 | xargs dirname)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

echo "== pkg-config: $(pkg-config --modversion prcurve)"
# shellcheck disable=SC2046
"$cc" -Wall -Wextra -Wpedantic -Werror -o "$work/consumer-pc" \
    "$src/consumer.c" $(pkg-config --cflags --libs prcurve) -lm
"$work/consumer-pc"

echo "== find_package"
cmake -S "$src" -B "$work/cmake-build" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
"$work/cmake-build/consumer"
