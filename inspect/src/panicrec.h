/*
 * panicrec.h — libmap's panic record and map registry as the core holds
 * them, read through the layout descriptor. Also the names of the debug
 * contract's enums (operations, panic kinds).
 */
#ifndef LIBMAP_INSPECT_PANICREC_H
#define LIBMAP_INSPECT_PANICREC_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "layout.h"

struct panic_info {
    int present;          /* magic found: the record is complete */
    int unreadable;       /* the record's memory is missing from the core */
    char error[320];      /* why not, when not */
    uint64_t addr;
    uint32_t version, kind, op, writer_op, writer_held;
    int32_t tid, writer_tid, pid;
    uint64_t map;
    int64_t realtime_ns, monotonic_ns;
    char message[256];
};

/* Most registry entries walked, and the failure text when it stops. */
#define REGISTRY_MAX_MAPS (1u << 20)

struct registry_info {
    int present;
    int unreadable;       /* some of the list's memory is missing from the core */
    char error[256];      /* why the walk stopped early, or "" */
    uint64_t addr;
    uint64_t count;       /* the registry's count field */
    uint64_t *maps;       /* addresses in list order */
    size_t n;
};

void panic_read(struct panic_info *pi, const struct lm_layout *l, struct lmi_mem *mem);
void registry_read(struct registry_info *ri, const struct lm_layout *l, struct lmi_mem *mem);
void registry_free(struct registry_info *ri);

const char *op_name(uint32_t op);
const char *panic_kind_name(uint32_t kind);

#endif
