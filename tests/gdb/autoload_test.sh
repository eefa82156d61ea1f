#!/usr/bin/env bash
# autoload_test.sh — the README's promise, for real: configure and build
# libmap and libmap-demo with a temporary install prefix, install them, make
# a core of `libmap-demo race write-write`, and check that gdb, given only
#     add-auto-load-safe-path PREFIX/share/gdb/auto-load
# auto-loads the scripts (through libmap.so's .debug_gdb_scripts section)
# and runs `libmap panic`; also that `source PREFIX/share/libmap/gdb/
# libmap-gdb.py` works by path with auto-load off.
# Usage: autoload_test.sh SOURCE_DIR [CMAKE]. LIBMAP_KEEP_TMP=1 keeps files.
set -u
SRC=$(realpath "$1") CMAKE=${2:-cmake}
GDB=${GDB:-gdb}
export LTTNG_UST_REGISTER_TIMEOUT=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/libmap-gdb-autoload.XXXXXX")
[[ "${LIBMAP_KEEP_TMP:-0}" == 1 ]] && echo "keeping $TMP" || trap 'rm -rf "$TMP"' EXIT
PREFIX=$TMP/prefix
fail() { echo "FAIL: $*"; exit 1; }

"$CMAKE" -S "$SRC" -B "$TMP/build" -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIBMAP_BUILD_TESTS=OFF -DLIBMAP_TRACING=OFF \
    -DLIBMAP_SANITIZE= >"$TMP/configure.log" 2>&1 || { cat "$TMP/configure.log"; fail configure; }
"$CMAKE" --build "$TMP/build" -j "$(nproc)" --target libmap libmap_static libmap-demo libmap_gdb_contract >"$TMP/build.log" 2>&1 \
    || { tail -30 "$TMP/build.log"; fail build; }
# install only what the story needs: the library, the demo, the gdb scripts
"$CMAKE" --install "$TMP/build/libmap" >"$TMP/install.log" 2>&1 || fail "install libmap"
"$CMAKE" --install "$TMP/build/examples" >>"$TMP/install.log" 2>&1 || fail "install examples"
"$CMAKE" --install "$TMP/build/gdb-scripts" >>"$TMP/install.log" 2>&1 || fail "install gdb-scripts"

so=$(cd "$PREFIX/lib" && ls libmap.so.*.*.* | head -1)
script=$PREFIX/share/gdb/auto-load$PREFIX/lib/$so-gdb.py
[[ -f "$script" ]] || fail "no $script"
[[ -f "$PREFIX/share/libmap/gdb/libmap_gdb/contract.py" ]] || fail "contract.py not installed with the package"
section=$(readelf -p .debug_gdb_scripts "$PREFIX/lib/$so" | sed -n 's/^ *\[ *[0-9]*\] *//p')
[[ "$section" == "$script" ]] || fail ".debug_gdb_scripts names '$section', expected '$script'"
echo "ok: $so names $section"

mkdir "$TMP/crash" && cd "$TMP/crash" || exit 1
ulimit -c unlimited
{ "$PREFIX/bin/libmap-demo" race write-write >demo.txt 2>&1; } 2>/dev/null
[[ -f core ]] || fail "no core from libmap-demo"

"$GDB" --batch -nx -iex "add-auto-load-safe-path $PREFIX/share/gdb/auto-load" \
    -ex "info auto-load python-scripts" -ex "libmap panic" -ex bt \
    "$PREFIX/bin/libmap-demo" core >gdb-auto.txt 2>&1
grep -q "^Yes .*$so-gdb.py" gdb-auto.txt || { cat gdb-auto.txt; fail "script not auto-loaded"; }
grep -q "^fatal error: concurrent map writes" gdb-auto.txt || { cat gdb-auto.txt; fail "libmap panic after auto-load"; }
grep -q "^\[Switching to writer thread" gdb-auto.txt || { cat gdb-auto.txt; fail "writer thread not selected"; }
echo "ok: auto-loaded with one add-auto-load-safe-path line; libmap panic works"

"$GDB" --batch -nx -iex "set auto-load python-scripts off" \
    -ex "source $PREFIX/share/libmap/gdb/libmap-gdb.py" -ex "libmap panic" \
    "$PREFIX/bin/libmap-demo" core >gdb-source.txt 2>&1
grep -q "^fatal error: concurrent map writes" gdb-source.txt || { cat gdb-source.txt; fail "source by path"; }
echo "ok: source by path of the installed script"
