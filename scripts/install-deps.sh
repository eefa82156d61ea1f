#!/usr/bin/env bash
# install-deps.sh — install the Debian 12 packages the libmap suite needs to
# build, test and run its story (the map, tracepoints, core analyzer, gdb
# scripts, timeline viewer, benchmarks). Idempotent: when every package is
# already installed it only checks with dpkg-query and returns at once.
# Needs root (or sudo). Quiet unless something goes wrong.
#
# Usage: scripts/install-deps.sh          install what is missing
#        scripts/install-deps.sh --list   print the package list and exit
#        scripts/install-deps.sh --force  run apt-get even if all are present
#        LIBMAP_SKIP_DEPS=1 ...           do nothing (machines set up by hand)
set -euo pipefail

PACKAGES=(
    # build
    cmake gcc g++ make pkg-config
    # the map: XXH3 (header-only use), GLib for the benchmark comparison
    libxxhash-dev libglib2.0-dev
    # benchmark: Go 1.19's classic map, side by side; absl::flat_hash_map,
    # a peer of libmap_sync / libmap_shard (bench/safe/)
    golang-go libabsl-dev
    # tracepoints and libmap-record
    liblttng-ust-dev lttng-tools
    # viewer: babeltrace2 plugin and command, Python bindings for tests
    babeltrace2 libbabeltrace2-dev python3-bt2
    # core-dump analyzer (elfutils libdw/libdwfl) and its tests
    libdw-dev libelf-dev elfutils debuginfod
    # gdb scripts, allocation-failure tests
    gdb valgrind
    # viewer's HTML page, checked in headless Chromium
    chromium
)

force=0
case "${1:-}" in
    --list) printf '%s\n' "${PACKAGES[@]}"; exit 0 ;;
    --force) force=1 ;;
    "") ;;
    *) echo "usage: $0 [--list|--force]" >&2; exit 2 ;;
esac
if [[ "${LIBMAP_SKIP_DEPS:-0}" == "1" ]]; then
    echo "install-deps: LIBMAP_SKIP_DEPS=1, not checking packages"
    exit 0
fi

# Fast path: every package already installed -> nothing to do.
# One dpkg-query for all (unknown names only print to stderr).
declare -A installed=()
while read -r name status; do
    [[ "$status" == "installed" ]] && installed[$name]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for p in "${PACKAGES[@]}"; do
    [[ -n "${installed[$p]:-}" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0 && force == 0)); then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]:-(forced)}"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "install-deps: not root and no sudo; install as root: ${missing[*]:-${PACKAGES[*]}}" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp "${TMPDIR:-/tmp}/libmap-apt.XXXXXX")
trap 'rm -f "$log"' EXIT
apt_opts=(-q -y -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef
          -o Dpkg::Options::=--force-confold)
if ! "${SUDO[@]}" apt-get "${apt_opts[@]}" update >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-deps: apt-get update failed" >&2
    exit 1
fi
# --no-install-recommends: lttng-tools would otherwise pull kernel-module
# builds, chromium a desktop's worth of extras. The whole list is passed so
# apt resolves them together; installed ones are left as they are.
if ! "${SUDO[@]}" apt-get "${apt_opts[@]}" install --no-install-recommends \
        "${PACKAGES[@]}" </dev/null >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-deps: apt-get install failed" >&2
    exit 1
fi
echo "install-deps: done"
