/*
 * bare-tp.h — the benchmark's own LTTng-UST provider `libmap_bench`: one
 * event `write` with exactly the fields of libmap's write class, so that
 * bench-bare measures what a bare event with those fields costs.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER libmap_bench

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "bare-tp.h"

#if !defined(LIBMAP_BARE_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define LIBMAP_BARE_TP_H

#include <stdint.h>

#include <lttng/tracepoint.h>

LTTNG_UST_TRACEPOINT_EVENT(libmap_bench, write,
    LTTNG_UST_TP_ARGS(const void *, map, uint64_t, hash, uint64_t, bucket, int32_t, result,
                      uint64_t, count, uint8_t, B, uint64_t, start_ns),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, map, (uintptr_t)map)
        lttng_ust_field_integer_hex(uint64_t, hash, hash)
        lttng_ust_field_integer(uint64_t, bucket, bucket)
        lttng_ust_field_integer(int32_t, result, result)
        lttng_ust_field_integer(uint64_t, count, count)
        lttng_ust_field_integer(uint8_t, B, B)
        lttng_ust_field_integer(uint64_t, start_ns, start_ns)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(libmap_bench, write, LTTNG_UST_TRACEPOINT_LOGLEVEL_INFO)

#endif /* LIBMAP_BARE_TP_H */

#include <lttng/tracepoint-event.h>
