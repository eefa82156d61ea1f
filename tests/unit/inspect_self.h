/*
 * inspect_self.h — libmap-inspect on this test process's own memory: a
 * read callback over it (addresses below 4096 "unreadable", for the error
 * paths) and a target opened on libmap's own descriptor (or a given copy),
 * panic record and registry. For the inspector's unit tests.
 */
#ifndef LIBMAP_TEST_INSPECT_SELF_H
#define LIBMAP_TEST_INSPECT_SELF_H

#include <libmap/debug.h>
#include <libmap/inspect.h>
#include <string.h>

#include "check.h"

static inline int self_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    (void)ctx;
    if (addr < 4096)
        return -1;
    memcpy(buf, (const void *)(uintptr_t)addr, len);
    return 0;
}

/* A target on this process with the layout descriptor at layout (a test
 * may give a modified copy of libmap_layout). */
static inline lmi_target *open_with(const struct libmap_layout *layout)
{
    struct lmi_target_config c = {
        .read = self_read,
        .pointer_size = sizeof(void *),
        .layout_addr = (uint64_t)(uintptr_t)layout,
        .panic_addr = (uint64_t)(uintptr_t)&libmap_panic_record,
        .registry_addr = (uint64_t)(uintptr_t)&libmap_registry,
    };
    lmi_target *t;
    char err[256];
    CHECK(lmi_open(&c, &t, err, sizeof err) == 0);
    return t;
}

static inline lmi_target *open_self(void) { return open_with(&libmap_layout); }

#endif
