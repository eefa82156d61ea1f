# shellcheck shell=sh
# bench/lib.sh — what the scripts that measure several libmap build trees
# side by side share (sourced by callgrind-read-path.sh and growth-peak.sh):
# their scratch directory and the description of each build tree they
# compile a driver against.

# bench_workdir KEEP PREFIX: sets $work to KEEP (created) or to a fresh
# temporary directory removed at exit.
bench_workdir() {
    if [ -n "$1" ]; then
        mkdir -p "$1"
        work=$(cd "$1" && pwd)
    else
        work=$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")
        trap 'rm -rf "$work"' EXIT
    fi
    trap 'exit 130' INT TERM
}

# bench_tree SCRIPT N BUILD_DIR BUILD TARGETS...: checks that BUILD_DIR is a
# configured build tree, builds TARGETS in it unless BUILD is empty, sets
# $tree (its absolute path) and $src (its source tree), and prints which
# sources build N measures: the commit and a hash of libmap's sources.
bench_tree() {
    _script=$1 _n=$2 _b=$3 _build=$4
    shift 4
    [ -f "$_b/CMakeCache.txt" ] || { echo "$_script: $_b is not a build tree" >&2; exit 2; }
    tree=$(cd "$_b" && pwd)
    src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$tree/CMakeCache.txt")
    if [ -n "$_build" ]; then
        cmake --build "$tree" --target "$@" >/dev/null
    fi
    _rev=$(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown)
    _sha=$(cat "$src"/libmap/src/* "$src"/libmap/include/libmap/* | sha256sum | cut -c1-16)
    # with --no-build the library may be older than the sources hashed
    _note=; [ -n "$_build" ] || _note=' (of the sources now: --no-build)'
    echo "[$_n] $tree: sources $src ($_rev), libmap/src + include hash $_sha$_note"
}
