#!/bin/sh
# sandbox.sh — run a command in a private LTTng world, so that a test's own
# session and relay daemons never meet the system's or another test's.
#
# As root the session daemon's sockets, lock and PID files live in
# /run/lttng and its shared memory in /dev/shm whatever LTTNG_HOME says
# (lttng-sessiond uses LTTNG_HOME only for non-root daemons), so the command
# runs in a private mount namespace with a fresh tmpfs on both. LTTNG_HOME is
# always a fresh directory. Non-root: LTTNG_HOME alone isolates the daemons.
#
# usage: sandbox.sh [--hide-lttng] COMMAND [ARGS...]
#   --hide-lttng  also make every LTTng-UST library unloadable (root only):
#                 each liblttng-ust*.so* file is covered by /dev/null.
# Exits 77 (ctest: skipped) when a namespace cannot be made.
set -eu

hide=0
if [ "${1-}" = --inside ]; then
    shift
    if [ "${1-}" = --hide-lttng ]; then hide=1; shift; fi
    mount -t tmpfs -o mode=0755 libmap-test-run /run/lttng
    mount -t tmpfs -o mode=1777 libmap-test-shm /dev/shm
    if [ "$hide" = 1 ]; then
        for f in /usr/lib/*/liblttng-ust*.so* /usr/lib/liblttng-ust*.so* \
                 /usr/local/lib/liblttng-ust*.so*; do
            if [ -f "$f" ] && [ ! -L "$f" ]; then mount --bind /dev/null "$f"; fi
        done
    fi
    exec "$@"
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/libmap-lttng-home.XXXXXX")
export LTTNG_HOME="$home"
trap 'rm -rf "$home"' EXIT

if [ "$(id -u)" != 0 ]; then
    if [ "${1-}" = --hide-lttng ]; then
        echo "sandbox.sh: --hide-lttng needs root; skipping" >&2
        exit 77
    fi
    "$@"
    exit $?
fi

mkdir -p /run/lttng
if ! unshare --mount --propagation private true 2>/dev/null; then
    echo "sandbox.sh: cannot create a mount namespace (unshare --mount); skipping" >&2
    exit 77
fi
status=0
unshare --mount --propagation private -- sh "$0" --inside "$@" || status=$?
exit "$status"
