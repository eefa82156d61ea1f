#!/bin/sh
# test-compiled-out.sh — libmap built without LIBMAP_TRACING (the
# -DLIBMAP_TRACING=OFF build) holds no tracepoint code: no LTTng sections,
# symbols or strings; the default build holds the libmap provider's
# tracepoints (dynamic linkage) and still needs no LTTng library.
. "$(dirname "$0")/lib.sh"

note "compiled out: $LIBMAP_NOTRACE_SO"
readelf -SW "$LIBMAP_NOTRACE_SO" | grep -q lttng && fail "LTTng sections in the no-tracing build"
nm -a "$LIBMAP_NOTRACE_SO" | grep -qi lttng && fail "LTTng symbols in the no-tracing build"
strings "$LIBMAP_NOTRACE_SO" | grep -qi lttng && fail "LTTng strings in the no-tracing build"

note "compiled in: $LIBMAP_SO"
readelf -SW "$LIBMAP_SO" | grep -q " lttng_ust_tracepoints " || fail "no tracepoint section in libmap.so"
for ev in new free assign delete clear grow evacuate grow_done panic lookup iter_init iterate iter_end; do
    nm "$LIBMAP_SO" | grep -q " lttng_ust_tracepoint_libmap___$ev\$" || fail "no tracepoint libmap:$ev"
done
readelf -d "$LIBMAP_SO" | grep NEEDED | grep -qi lttng && fail "libmap.so links an LTTng library"
echo PASS
