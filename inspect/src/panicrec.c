/*
 * panicrec.c — read the panic record and walk the registry list (capped,
 * cycle-checked) through the layout descriptor (see panicrec.h).
 */
#include "panicrec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"

const char *op_name(uint32_t op)
{
    switch (op) {
    case LIBMAP_OP_NONE:
        return "none";
    case LIBMAP_OP_ASSIGN:
        return "assign";
    case LIBMAP_OP_DELETE:
        return "delete";
    case LIBMAP_OP_CLEAR:
        return "clear";
    case LIBMAP_OP_LOOKUP:
        return "lookup";
    case LIBMAP_OP_ITERATE:
        return "iterate";
    }
    return "unknown";
}

const char *panic_kind_name(uint32_t kind)
{
    switch (kind) {
    case LIBMAP_PANIC_CONCURRENT_WRITES:
        return "concurrent_writes";
    case LIBMAP_PANIC_READ_WRITE:
        return "read_write";
    case LIBMAP_PANIC_ITERATION_WRITE:
        return "iteration_write";
    }
    return "unknown";
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
