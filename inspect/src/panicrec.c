/*
 * panicrec.c — read the panic record and walk the registry list (capped,
 * cycle-checked) through the layout descriptor (see panicrec.h); names of
 * operations and panic kinds from debug.h's contract table.
 */
#include "panicrec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"

/* Names of operations and panic kinds: the contract table (debug.h) */
const char *op_name(uint32_t op)
{
#define NAME(NAME, value, name) [value] = name,
    static const char *const names[] = {LIBMAP_OPS(NAME)};
#undef NAME
    return op < sizeof names / sizeof names[0] ? names[op] : "unknown";
}

const char *panic_kind_name(uint32_t kind)
{
#define NAME(NAME, value, name, message) [value] = name,
    static const char *const names[] = {LIBMAP_PANIC_KINDS(NAME)};
#undef NAME
    /* a record is written only for a detection: kind none is not one */
    return kind != LIBMAP_PANIC_NONE && kind < sizeof names / sizeof names[0] ? names[kind]
                                                                              : "unknown";
}

void panic_read(struct panic_info *pi, const struct lm_layout *l, struct lmi_mem *mem)
{
    const struct libmap_layout *d = &l->d;
    memset(pi, 0, sizeof *pi);
    pi->addr = l->panic_addr;
    if (l->panic_addr == 0) {
        snprintf(pi->error, sizeof pi->error, "libmap_panic_record not found in %s",
                 l->module[0] ? l->module : "the program");
        return;
    }
    uint8_t buf[65536];
    struct lmi_fault f;
    if (lmi_read(mem, l->panic_addr, buf, d->panic_size, &f) != 0) {
        pi->unreadable = 1;
        snprintf(pi->error, sizeof pi->error, "libmap_panic_record at 0x%" PRIx64 " is %s",
                 f.addr, lmi_status_str(f.status));
        return;
    }
    if (lmi_uint(mem, buf + d->panic_magic, 8) != LIBMAP_PANIC_MAGIC) {
        snprintf(pi->error, sizeof pi->error,
                 "no panic record: libmap did not detect a concurrent access in this process");
        return;
    }
    pi->present = 1;
    pi->kind = (uint32_t)lmi_uint(mem, buf + d->panic_kind, 4);
    pi->map = lmi_uint(mem, buf + d->panic_map, l->ptr);
    pi->op = (uint32_t)lmi_uint(mem, buf + d->panic_op, 4);
    pi->writer_op = (uint32_t)lmi_uint(mem, buf + d->panic_writer_op, 4);
    pi->tid = (int32_t)lmi_uint(mem, buf + d->panic_tid, 4);
    pi->writer_tid = (int32_t)lmi_uint(mem, buf + d->panic_writer_tid, 4);
    pi->pid = (int32_t)lmi_uint(mem, buf + d->panic_pid, 4);
    pi->writer_held = (uint32_t)lmi_uint(mem, buf + d->panic_writer_held, 4);
    pi->realtime_ns = (int64_t)lmi_uint(mem, buf + d->panic_realtime_ns, 8);
    pi->monotonic_ns = (int64_t)lmi_uint(mem, buf + d->panic_monotonic_ns, 8);
    size_t n = d->panic_message_size < sizeof pi->message ? d->panic_message_size
                                                          : sizeof pi->message - 1;
    memcpy(pi->message, buf + d->panic_message, n);
    pi->message[n] = 0;
    pi->message[strnlen(pi->message, n)] = 0;
}

void registry_read(struct registry_info *ri, const struct lm_layout *l, struct lmi_mem *mem)
{
    const struct libmap_layout *d = &l->d;
    memset(ri, 0, sizeof *ri);
    ri->addr = l->registry_addr;
    if (l->registry_addr == 0) {
        snprintf(ri->error, sizeof ri->error, "libmap_registry not found");
        return;
    }
    uint8_t buf[65536];
    struct lmi_fault f;
    if (lmi_read(mem, l->registry_addr, buf, d->registry_size, &f) != 0) {
        ri->unreadable = 1;
        snprintf(ri->error, sizeof ri->error, "libmap_registry at 0x%" PRIx64 " is %s", f.addr,
                 lmi_status_str(f.status));
        return;
    }
    if (lmi_uint(mem, buf + d->registry_magic, 8) != LIBMAP_REGISTRY_MAGIC) {
        snprintf(ri->error, sizeof ri->error, "libmap_registry has bad magic");
        return;
    }
    ri->present = 1;
    ri->count = lmi_uint(mem, buf + d->registry_count, 8);
    uint64_t m = lmi_uint(mem, buf + d->registry_head, l->ptr);
    struct addrset seen;
    addrset_init(&seen, REGISTRY_MAX_MAPS);
    size_t cap = 0;
    while (m != 0) {
        if (ri->n >= REGISTRY_MAX_MAPS) {
            snprintf(ri->error, sizeof ri->error, "registry walk stopped after %zu maps", ri->n);
            break;
        }
        if (addrset_put(&seen, m, 0, NULL) != 0) {
            snprintf(ri->error, sizeof ri->error,
                     "registry list loops back to map 0x%" PRIx64 " (corrupt registry)", m);
            break;
        }
        if (ri->n == cap) {
            cap = cap ? cap * 2 : 16;
            uint64_t *nm = realloc(ri->maps, cap * sizeof *nm);
            if (nm == NULL)
                break;
            ri->maps = nm;
        }
        ri->maps[ri->n++] = m;
        uint8_t nb[8];
        if (lmi_read(mem, m + d->map_reg_next, nb, l->ptr, &f) != 0) {
            ri->unreadable = 1;
            snprintf(ri->error, sizeof ri->error,
                     "registry link of map 0x%" PRIx64 " at 0x%" PRIx64 " is %s", m, f.addr,
                     lmi_status_str(f.status));
            break;
        }
        m = lmi_uint(mem, nb, l->ptr);
    }
    if (ri->error[0] == 0 && ri->n != ri->count)
        snprintf(ri->error, sizeof ri->error,
                 "registry count is %" PRIu64 " but the list has %zu maps", ri->count, ri->n);
    addrset_free(&seen);
}

void registry_free(struct registry_info *ri)
{
    free(ri->maps);
    ri->maps = NULL;
    ri->n = 0;
}
