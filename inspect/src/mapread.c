/*
 * mapread.c — read a map's header and type descriptor (see mapread.h).
 */
#include "mapread.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *key_kind_name(const struct lm_layout *l, uint64_t kind)
{
    if (kind == l->d.key_kind_u32)
        return "u32";
    if (kind == l->d.key_kind_u64)
        return "u64";
    if (kind == l->d.key_kind_string)
        return "string";
    if (kind == l->d.key_kind_bytes)
        return "bytes";
    return "unknown";
}

/* The geometry must hold together before any bucket is read with it. */
static void check_geometry(struct lm_map *m, const struct lm_layout *l)
{
    const struct libmap_layout *d = &l->d;
    uint64_t cnt = d->bucket_cnt;
    m->walkable = 0;
    uint64_t want_kslot;
    if (m->key_kind == d->key_kind_u32)
        want_kslot = 4;
    else if (m->key_kind == d->key_kind_u64)
        want_kslot = 8;
    else if (m->key_kind == d->key_kind_string)
        want_kslot = d->str_size;
    else if (m->key_kind == d->key_kind_bytes)
        want_kslot = m->indirect_key ? l->ptr : m->key_size;
    else {
        snprintf(m->problem, sizeof m->problem, "unknown key kind %" PRIu64, m->key_kind);
        return;
    }
    if (m->key_kind != d->key_kind_bytes && m->indirect_key) {
        snprintf(m->problem, sizeof m->problem, "indirect-key flag on a %s map",
                 key_kind_name(l, m->key_kind));
        return;
    }
    if (m->key_kind == d->key_kind_bytes &&
        (m->key_size == 0 || (m->key_size > d->max_inline) != m->indirect_key)) {
        snprintf(m->problem, sizeof m->problem,
                 "key size %" PRIu64 " does not agree with the indirect-key flag", m->key_size);
        return;
    }
    if ((m->value_size > d->max_inline) != m->indirect_value) {
        snprintf(m->problem, sizeof m->problem,
                 "value size %" PRIu64 " does not agree with the indirect-value flag",
                 m->value_size);
        return;
    }
    uint64_t want_vslot = m->indirect_value ? l->ptr : m->value_size;
    if (m->key_slot != want_kslot || m->value_slot != want_vslot) {
        snprintf(m->problem, sizeof m->problem,
                 "slot sizes %" PRIu64 "/%" PRIu64 " do not match the key kind and value size "
                 "(%" PRIu64 "/%" PRIu64 ")",
                 m->key_slot, m->value_slot, want_kslot, want_vslot);
        return;
    }
    if (m->key_offset < cnt || m->value_offset < m->key_offset + cnt * m->key_slot ||
        m->overflow_offset < m->value_offset + cnt * m->value_slot ||
        m->bucket_size < m->overflow_offset + l->ptr || m->bucket_size > (1u << 20)) {
        snprintf(m->problem, sizeof m->problem,
                 "bucket geometry inconsistent (keys at %" PRIu64 ", values at %" PRIu64
                 ", overflow at %" PRIu64 ", bucket %" PRIu64 " bytes)",
                 m->key_offset, m->value_offset, m->overflow_offset, m->bucket_size);
        return;
    }
    if (m->B > 8 * (uint64_t)l->ptr - 9) {
        snprintf(m->problem, sizeof m->problem, "B = %" PRIu64 " is impossible", m->B);
        return;
    }
    if (m->growing && !m->same_size && m->B == 0) {
        snprintf(m->problem, sizeof m->problem, "doubling growth with B = 0");
        return;
    }
    m->walkable = 1;
}

int map_read(struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem, uint64_t addr,
             char *err, size_t errlen)
{
    const struct libmap_layout *d = &l->d;
    memset(m, 0, sizeof *m);
    m->addr = addr;
    uint8_t buf[65536];
    struct lmi_fault f;
    if (lmi_read(mem, addr, buf, d->map_size, &f) != 0) {
        snprintf(err, errlen, "map 0x%" PRIx64 ": byte at 0x%" PRIx64 " is %s", addr, f.addr,
                 lmi_status_str(f.status));
        return -1;
    }
#define U(off, w) lmi_uint(mem, buf + (off), (w))
    m->magic = U(d->map_magic_off, 8);
    m->magic_ok = m->magic == d->map_magic;
    m->count = U(d->map_count, d->width_count);
    m->flags = U(d->map_flags, d->width_flags);
    m->B = U(d->map_B, d->width_B);
    m->noverflow = U(d->map_noverflow, d->width_noverflow);
    m->noverflow_max_b = d->noverflow_max_b;
    m->hash0 = U(d->map_hash0, d->width_hash0);
    m->buckets = U(d->map_buckets, l->ptr);
    m->oldbuckets = U(d->map_oldbuckets, l->ptr);
    m->nevacuate = U(d->map_nevacuate, d->width_nevacuate);
    m->next_overflow = U(d->map_next_overflow, l->ptr);
    m->writer = U(d->map_writer, 8);
    m->clearseq = U(d->map_clearseq, 8);
    m->reg_next = U(d->map_reg_next, l->ptr);
    m->reg_prev = U(d->map_reg_prev, l->ptr);
    const uint8_t *t = buf + d->map_type;
    m->key_kind = lmi_uint(mem, t + d->type_key_kind, d->width_key_kind);
    m->tflags = lmi_uint(mem, t + d->type_flags, d->width_type_flags);
    m->key_size = lmi_uint(mem, t + d->type_key_size, d->width_key_size);
    m->value_size = lmi_uint(mem, t + d->type_value_size, d->width_value_size);
    m->key_slot = lmi_uint(mem, t + d->type_key_slot, d->width_key_slot);
    m->value_slot = lmi_uint(mem, t + d->type_value_slot, d->width_value_slot);
    m->bucket_size = lmi_uint(mem, t + d->type_bucket_size, d->width_bucket_size);
    m->key_offset = lmi_uint(mem, t + d->type_key_offset, d->width_key_offset);
    m->value_offset = lmi_uint(mem, t + d->type_value_offset, d->width_offsets);
    m->overflow_offset = lmi_uint(mem, t + d->type_overflow_offset, d->width_offsets);
#undef U
    if (l->extended) {
        m->hash_fn = lmi_uint(mem, t + d->type_hash, l->ptr);
        m->hash_fn_known = 1;
    }
    m->indirect_key = (m->tflags & d->type_flag_indirect_key) != 0;
    m->indirect_value = (m->tflags & d->type_flag_indirect_value) != 0;
    m->growing = m->oldbuckets != 0;
    m->same_size = m->growing && (m->flags & d->flag_same_size_grow) != 0;
    if (m->B < 64)
        m->nbuckets = m->buckets ? (uint64_t)1 << m->B : 0;
    if (m->growing && m->B < 64) {
        m->oldB = m->same_size || m->B == 0 ? m->B : m->B - 1;
        m->noldbuckets = (uint64_t)1 << m->oldB;
    }
    check_geometry(m, l);
    guard_read(l, mem, addr, &m->guard);
    return 0;
}

int map_hash_known(const struct lm_map *m, const struct lm_layout *l)
{
    if (m->key_kind != l->d.key_kind_bytes)
        return 1;
    return m->hash_fn_known && m->hash_fn == 0;
}
