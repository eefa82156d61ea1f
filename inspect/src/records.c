/*
 * records.c — the map header and the panic record decoded into the public
 * structures (lmi_map_header, lmi_panic), so that a tool describes them
 * without knowing where any field is: mapread.c and panicrec.c read them
 * through the layout descriptor.
 */
#include <libmap/inspect.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mapread.h"
#include "panicrec.h"
#include "target.h"

int lmi_map_header(lmi_target *t, uint64_t map, struct lmi_map *out, char *err, size_t errlen)
{
    const struct lm_layout *l = &t->lay;
    struct lm_map m;
    char why[256];
    memset(out, 0, sizeof *out);
    if (map_read(&m, l, &t->mem, map, why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot read map header (%" PRIu64 " bytes at 0x%" PRIx64 "): %s",
                 (uint64_t)l->d.map_size, map, why);
        return -1;
    }
    out->addr = m.addr;
    out->magic = m.magic;
    out->expected_magic = l->d.map_magic;
    out->magic_ok = m.magic_ok;
    out->count = m.count;
    out->flags = m.flags;
    out->B = m.B;
    out->noverflow = m.noverflow;
    out->hash0 = m.hash0;
    out->buckets = m.buckets;
    out->oldbuckets = m.oldbuckets;
    out->nevacuate = m.nevacuate;
    out->next_overflow = m.next_overflow;
    out->clearseq = m.clearseq;
    out->reg_next = m.reg_next;
    out->reg_prev = m.reg_prev;
    out->writer = m.writer;
    out->writer_held = writer_held(l, m.writer);
    out->writer_panic = writer_panic_marker(l, m.writer);
    out->writer_tid = writer_tid(l, m.writer);
    out->writer_op = writer_op(l, m.writer);
    out->writer_seq = writer_seq(l, m.writer);
    snprintf(out->writer_op_name, sizeof out->writer_op_name, "%s", op_name(out->writer_op));
    out->key_kind = m.key_kind;
    out->tflags = m.tflags;
    out->key_size = m.key_size;
    out->value_size = m.value_size;
    out->key_slot = m.key_slot;
    out->value_slot = m.value_slot;
    out->bucket_size = m.bucket_size;
    out->key_offset = m.key_offset;
    out->value_offset = m.value_offset;
    out->overflow_offset = m.overflow_offset;
    out->hash_fn = m.hash_fn;
    out->hash_fn_known = m.hash_fn_known;
    out->indirect_key = m.indirect_key;
    out->indirect_value = m.indirect_value;
    snprintf(out->kind, sizeof out->kind, "%s", key_kind_name(l, m.key_kind));
    out->growing = m.growing;
    out->same_size = m.same_size;
    out->nbuckets = m.nbuckets;
    out->noldbuckets = m.noldbuckets;
    out->walkable = m.walkable;
    snprintf(out->problem, sizeof out->problem, "%s", m.problem);
    const struct lm_guard *g = &m.guard;
    out->guard = g->addr;
    out->guard_ok = g->ok;
    out->guard_kind = g->kind;
    snprintf(out->guard_kind_name, sizeof out->guard_kind_name, "%s", g->kind_name);
    out->guard_parent = g->parent;
    out->guard_shard = g->shard;
    out->guard_nshards = g->nshards;
    out->lock_owner = g->owner;
    out->lock_writer = g->writer;
    out->lock_writer_waiting = g->writer_waiting;
    out->lock_readers = g->readers;
    snprintf(out->guard_problem, sizeof out->guard_problem, "%s", g->problem);
    return 0;
}

int lmi_panic(lmi_target *t, struct lmi_panic *out, char *err, size_t errlen)
{
    struct panic_info pi;
    memset(out, 0, sizeof *out);
    panic_read(&pi, &t->lay, &t->mem);
    out->addr = pi.addr;
    if (!pi.present) {
        snprintf(err, errlen, "%s", pi.error);
        return pi.addr == 0 || pi.unreadable ? -1 : 0;
    }
    out->map = pi.map;
    out->kind = pi.kind;
    out->op = pi.op;
    out->writer_op = pi.writer_op;
    out->writer_held = pi.writer_held;
    out->tid = pi.tid;
    out->writer_tid = pi.writer_tid;
    out->pid = pi.pid;
    out->realtime_ns = pi.realtime_ns;
    out->monotonic_ns = pi.monotonic_ns;
    snprintf(out->kind_name, sizeof out->kind_name, "%s", panic_kind_name(pi.kind));
    snprintf(out->op_name, sizeof out->op_name, "%s", op_name(pi.op));
    snprintf(out->writer_op_name, sizeof out->writer_op_name, "%s", op_name(pi.writer_op));
    snprintf(out->message, sizeof out->message, "%s", pi.message);
    return 1;
}
