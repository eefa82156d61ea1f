/*
 * testalloc.c — the counting, fault-injecting allocator (see testalloc.h).
 * Each block carries a header with its size and a canary; non-zeroed blocks
 * are filled with garbage so that code relying on zeroed memory it did not
 * ask for fails; freed blocks are poisoned before release.
 */
#include "testalloc.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"

#define CANARY UINT64_C(0x7461616c6c6f6321)
#define DEAD UINT64_C(0x6465616462656566)

struct hdr {
    uint64_t canary;
    size_t size;
};

static void *t_alloc(size_t size, bool zero, void *ctx)
{
    struct talloc *t = ctx;
    CHECK(size > 0);
    if (t->calls < TALLOC_TRACE)
        t->call_size[t->calls] = size;
    t->calls++;
    if (t->fail_at != 0 && t->calls == t->fail_at) {
        t->failures++;
        return NULL;
    }
    /* absurd sizes fail as a real allocator would (and as ASan's would not) */
    if (size > ((size_t)1 << 36))
        return NULL;
    struct hdr *h = malloc(sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->canary = CANARY;
    h->size = size;
    memset(h + 1, zero ? 0 : 0xa5, size);
    t->live_bytes += size;
    t->live_blocks++;
    t->total_allocs++;
    return h + 1;
}

static void t_free(void *p, size_t size, void *ctx)
{
    struct talloc *t = ctx;
    CHECK(p != NULL);
    struct hdr *h = (struct hdr *)p - 1;
    CHECK(h->canary == CANARY);
    CHECK_EQ(h->size, size);
    CHECK(t->live_blocks > 0 && t->live_bytes >= size);
    t->live_bytes -= size;
    t->live_blocks--;
    h->canary = DEAD;
    memset(p, 0x5a, size);
    free(h);
}

void talloc_init(struct talloc *t)
{
    memset(t, 0, sizeof *t);
    t->a.alloc = t_alloc;
    t->a.free = t_free;
    t->a.ctx = t;
}

void talloc_arm(struct talloc *t, uint64_t nth)
{
    t->calls = 0;
    t->failures = 0;
    t->fail_at = nth;
}
