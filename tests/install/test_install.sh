#!/usr/bin/env bash
# test_install.sh — ctest driver for tests/install: installs the current
# build into a temporary prefix with `cmake --install`, checks the files a
# user relies on are there, then builds tests/install/consumer against the
# prefix with pkg-config and with find_package (shared and static targets)
# and runs each program. Exit 0 passes. LIBMAP_KEEP_TMP=1 keeps the prefix.
set -euo pipefail

BUILD= SRC= CMAKE=cmake CC_=cc LIBDIR=lib INCLUDEDIR=include SANITIZE=
while (($#)); do
    case "$1" in
        --build-dir) BUILD=$2 ;;
        --source-dir) SRC=$2 ;;
        --cmake) CMAKE=$2 ;;
        --cc) CC_=$2 ;;
        --libdir) LIBDIR=$2 ;;
        --includedir) INCLUDEDIR=$2 ;;
        --sanitize) SANITIZE=$2 ;;
        *) echo "test_install: unknown argument $1" >&2; exit 2 ;;
    esac
    shift 2
done
[[ -n "$BUILD" && -n "$SRC" ]] || { echo "test_install: --build-dir and --source-dir are required" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/libmap-install-test.XXXXXX")
if [[ "${LIBMAP_KEEP_TMP:-0}" == 1 ]]; then
    echo "test_install: keeping $TMP"
else
    trap 'rm -rf "$TMP"' EXIT
fi
PREFIX=$TMP/prefix
fail() { echo "test_install: FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

# Programs built against a sanitized libmap need the sanitizer runtime too.
SANFLAGS=()
if [[ -n "$SANITIZE" ]]; then
    SANFLAGS=(-fsanitize="$SANITIZE")
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
fi

step "cmake --install $BUILD --prefix $PREFIX"
"$CMAKE" --install "$BUILD" --prefix "$PREFIX" >"$TMP/install.log" 2>&1 \
    || { cat "$TMP/install.log" >&2; fail "cmake --install failed"; }

case "$LIBDIR" in /*) LIB=$LIBDIR ;; *) LIB=$PREFIX/$LIBDIR ;; esac
case "$INCLUDEDIR" in /*) INC=$INCLUDEDIR ;; *) INC=$PREFIX/$INCLUDEDIR ;; esac

step "installed files"
compgen -G "$LIB/libmap.so*" >/dev/null || fail "no $LIB/libmap.so*"
for f in "$LIB/libmap.so" "$LIB/libmap.a" "$INC/libmap/map.h" "$INC/libmap/debug.h" \
         "$LIB/pkgconfig/libmap.pc" "$LIB/cmake/libmap/libmapConfig.cmake" \
         "$LIB/cmake/libmap/libmapConfigVersion.cmake"; do
    [[ -e "$f" ]] || fail "missing $f"
    echo "ok   ${f#"$PREFIX"/}"
done
# The headers must stand alone (C11, no private includes).
for h in map.h debug.h; do
    echo "#include <libmap/$h>" | "$CC_" -std=c11 -Wall -Werror -fsyntax-only \
        -I"$INC" -x c - || fail "<libmap/$h> does not compile on its own"
done

step "pkg-config"
export PKG_CONFIG_PATH=$LIB/pkgconfig
pc_prefix=$(pkg-config --variable=prefix libmap) || fail "pkg-config does not find libmap"
[[ "$pc_prefix" -ef "$PREFIX" ]] || fail "libmap.pc names prefix '$pc_prefix', installed into '$PREFIX'"
read -r -a PCFLAGS <<<"$(pkg-config --cflags --libs libmap)"
echo "pkg-config --cflags --libs libmap: ${PCFLAGS[*]}"
"$CC_" -std=c11 -Wall -Werror "${SANFLAGS[@]}" "$SRC/main.c" "${PCFLAGS[@]}" \
    -o "$TMP/consumer_pc" || fail "build with pkg-config flags"
LD_LIBRARY_PATH=$LIB "$TMP/consumer_pc" || fail "consumer built with pkg-config"
LD_LIBRARY_PATH=$LIB ldd "$TMP/consumer_pc" | grep -F "$LIB/libmap.so" >/dev/null \
    || fail "consumer_pc does not load the installed libmap.so"

step "find_package(libmap): libmap::libmap and libmap::libmap_static"
cflags="${SANFLAGS[*]}"
"$CMAKE" -S "$SRC" -B "$TMP/consumer-build" -DCMAKE_PREFIX_PATH="$PREFIX" \
    -DCMAKE_C_COMPILER="$CC_" -DCMAKE_C_FLAGS="$cflags" -DCMAKE_BUILD_TYPE=Release \
    >"$TMP/consumer-cmake.log" 2>&1 \
    || { cat "$TMP/consumer-cmake.log" >&2; fail "configure consumer with find_package"; }
"$CMAKE" --build "$TMP/consumer-build" >"$TMP/consumer-build.log" 2>&1 \
    || { cat "$TMP/consumer-build.log" >&2; fail "build consumer with find_package"; }
# Shared: runs from the build RPATH CMake set, no LD_LIBRARY_PATH.
(unset LD_LIBRARY_PATH; "$TMP/consumer-build/consumer_shared") || fail "consumer_shared"
(unset LD_LIBRARY_PATH; ldd "$TMP/consumer-build/consumer_shared") | grep -F "$LIB/libmap.so" >/dev/null \
    || fail "consumer_shared does not load the installed libmap.so"
# Static: must not need libmap.so at all.
(unset LD_LIBRARY_PATH; "$TMP/consumer-build/consumer_static") || fail "consumer_static"
if ldd "$TMP/consumer-build/consumer_static" | grep 'libmap\.so' >/dev/null; then
    fail "consumer_static depends on libmap.so"
fi

echo "test_install: all three consumers built and ran against $PREFIX"
