/*
 * testalloc.h — a counting libmap_allocator for tests: tracks live blocks and
 * bytes, checks that every free names a live block with the size it was
 * allocated with, and can make the Nth allocation fail (fault injection).
 */
#ifndef LIBMAP_TEST_TESTALLOC_H
#define LIBMAP_TEST_TESTALLOC_H

#include <stddef.h>
#include <stdint.h>

#include <libmap/map.h>

#define TALLOC_TRACE 64

struct talloc {
    libmap_allocator a;  /* pass &t->a as libmap_config.allocator */
    size_t live_bytes;
    size_t live_blocks;
    uint64_t calls;      /* alloc calls since talloc_arm (failed ones included) */
    uint64_t fail_at;    /* 0: never fail; else fail call number fail_at */
    uint64_t failures;   /* allocations made to fail since talloc_arm */
    uint64_t total_allocs; /* successful allocations since talloc_init */
    size_t call_size[TALLOC_TRACE]; /* sizes requested by the first calls since arm */
};

void talloc_init(struct talloc *t);
/* Fail the nth allocation from now (1-based); 0 disarms. Resets calls. */
void talloc_arm(struct talloc *t, uint64_t nth);

#endif
