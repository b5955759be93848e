#!/bin/sh
# Installs the Debian packages libprcurve needs, if any is missing.
# usage: sh .ci/deps.sh build   (library and examples)
#        sh .ci/deps.sh test    (everything the test suite uses)
# As root it installs with apt-get; otherwise it names what is missing.
set -eu

build="build-essential cmake ninja-build pkgconf libpng-dev libcmocka-dev"
test_extra="clang libclang-rt-14-dev valgrind python3-numpy python3-sklearn
            abigail-tools libopenmpi-dev openmpi-bin librsvg2-bin groff-base"

case "${1:-test}" in
build) wanted=$build ;;
test) wanted="$build $test_extra" ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=
for pkg in $wanted; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
    *" installed") ;;
    *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: install them with: sudo apt-get install$missing" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=900 update -qq </dev/null
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends \
    $missing </dev/null >/dev/null
