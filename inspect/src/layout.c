/*
 * layout.c — read and check libmap's layout descriptor (see layout.h),
 * decoded by the contract table of debug.h.
 */
#include "layout.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The descriptor as first defined, before the appended width fields. */
#define LAYOUT_BASE_SIZE (offsetof(struct libmap_layout, registry_count) + sizeof(uint32_t))
#define LAYOUT_EXT_SIZE (offsetof(struct libmap_layout, type_hash) + sizeof(uint32_t))
/* Appended fields are present when the descriptor's size covers them; a
 * shorter descriptor leaves them zero (decode): the writer word's PANIC bit
 * and write sequence are then unknown. */
#define LAYOUT_SEQ_SIZE (offsetof(struct libmap_layout, writer_seq_mask) + sizeof(uint32_t))
/* The safe maps' locks (map_guard and the lock_* fields). */
#define LAYOUT_GUARD_SIZE (offsetof(struct libmap_layout, lock_word_readers) + sizeof(uint32_t))
#define LAYOUT_SLOTS_SIZE (offsetof(struct libmap_layout, lock_slot_readers) + sizeof(uint32_t))

/* Convert the raw target bytes to host order, field by field of the
 * contract table (debug.h, LIBMAP_LAYOUT_FIELDS); a field the target's
 * descriptor does not reach (n bytes) stays zero. */
static void decode(struct libmap_layout *d, const uint8_t *raw, size_t n, const struct lmi_mem *mem)
{
    memset(d, 0, sizeof *d);
#define DECODE(type, field, KIND, a, b)                                                      \
    if (offsetof(struct libmap_layout, field) + sizeof(type) <= n)                           \
        d->field = (type)lmi_uint(mem, raw + offsetof(struct libmap_layout, field), sizeof(type));
    LIBMAP_LAYOUT_FIELDS(DECODE)
#undef DECODE
}

static int width_ok(uint32_t w) { return w == 1 || w == 2 || w == 4 || w == 8; }

/* Every value the analyzer will use must be sane, or reads of the map go
 * astray: offsets inside their structure, widths of 1/2/4/8 bytes. */
static int check(const struct lm_layout *l, char *err, size_t errlen)
{
    const struct libmap_layout *d = &l->d;
#define FIELD(off, w, size, what)                                                           \
    if (!width_ok(w) || (uint64_t)(off) + (w) > (size)) {                                  \
        snprintf(err, errlen, "layout descriptor: %s (offset %u, width %u) outside its "   \
                 "structure (%u bytes)", what, (unsigned)(off), (unsigned)(w), (unsigned)(size)); \
        return -1;                                                                          \
    }
    if (d->map_size == 0 || d->map_size > 65536 || d->panic_size > 65536 ||
        d->registry_size > 65536) {
        snprintf(err, errlen, "layout descriptor: implausible structure sizes");
        return -1;
    }
    unsigned p = l->ptr;
    FIELD(d->map_magic_off, 8, d->map_size, "map magic");
    FIELD(d->map_count, d->width_count, d->map_size, "map count");
    FIELD(d->map_flags, d->width_flags, d->map_size, "map flags");
    FIELD(d->map_B, d->width_B, d->map_size, "map B");
    FIELD(d->map_noverflow, d->width_noverflow, d->map_size, "map noverflow");
    FIELD(d->map_hash0, d->width_hash0, d->map_size, "map hash0");
    FIELD(d->map_buckets, p, d->map_size, "map buckets");
    FIELD(d->map_oldbuckets, p, d->map_size, "map oldbuckets");
    FIELD(d->map_nevacuate, d->width_nevacuate, d->map_size, "map nevacuate");
    FIELD(d->map_next_overflow, p, d->map_size, "map next_overflow");
    FIELD(d->map_writer, 8, d->map_size, "map writer");
    FIELD(d->map_clearseq, 8, d->map_size, "map clearseq");
    FIELD(d->map_reg_next, p, d->map_size, "map reg_next");
    FIELD(d->map_reg_prev, p, d->map_size, "map reg_prev");
    if (d->map_type >= d->map_size) {
        snprintf(err, errlen, "layout descriptor: type descriptor offset outside the map");
        return -1;
    }
    uint32_t tsize = d->map_size - d->map_type;
    FIELD(d->type_key_kind, d->width_key_kind, tsize, "type key_kind");
    FIELD(d->type_flags, d->width_type_flags, tsize, "type flags");
    FIELD(d->type_key_size, d->width_key_size, tsize, "type key_size");
    FIELD(d->type_value_size, d->width_value_size, tsize, "type value_size");
    FIELD(d->type_key_slot, d->width_key_slot, tsize, "type key_slot");
    FIELD(d->type_value_slot, d->width_value_slot, tsize, "type value_slot");
    FIELD(d->type_bucket_size, d->width_bucket_size, tsize, "type bucket_size");
    FIELD(d->type_key_offset, d->width_key_offset, tsize, "type key_offset");
    FIELD(d->type_value_offset, d->width_offsets, tsize, "type value_offset");
    FIELD(d->type_overflow_offset, d->width_offsets, tsize, "type overflow_offset");
    if (l->extended)
        FIELD(d->type_hash, p, tsize, "type hash callback");
    FIELD(d->str_ptr, p, d->str_size, "string pointer");
    FIELD(d->str_len, p, d->str_size, "string length");
    FIELD(d->panic_magic, 8, d->panic_size, "panic magic");
    FIELD(d->panic_kind, 4, d->panic_size, "panic kind");
    FIELD(d->panic_map, p, d->panic_size, "panic map");
    FIELD(d->panic_op, 4, d->panic_size, "panic op");
    FIELD(d->panic_writer_op, 4, d->panic_size, "panic writer_op");
    FIELD(d->panic_tid, 4, d->panic_size, "panic tid");
    FIELD(d->panic_writer_tid, 4, d->panic_size, "panic writer_tid");
    FIELD(d->panic_pid, 4, d->panic_size, "panic pid");
    FIELD(d->panic_writer_held, 4, d->panic_size, "panic writer_held");
    FIELD(d->panic_realtime_ns, 8, d->panic_size, "panic realtime_ns");
    FIELD(d->panic_monotonic_ns, 8, d->panic_size, "panic monotonic_ns");
    if ((uint64_t)d->panic_message + d->panic_message_size > d->panic_size ||
        d->panic_message_size == 0) {
        snprintf(err, errlen, "layout descriptor: panic message outside the record");
        return -1;
    }
    FIELD(d->registry_magic, 8, d->registry_size, "registry magic");
    FIELD(d->registry_head, p, d->registry_size, "registry head");
    FIELD(d->registry_count, 8, d->registry_size, "registry count");
    if (l->has_guard) {
        if (d->lock_size == 0 || d->lock_size > 65536) {
            snprintf(err, errlen, "layout descriptor: implausible lock size %u", d->lock_size);
            return -1;
        }
        FIELD(d->map_guard, p, d->map_size, "map guard");
        FIELD(d->lock_word, 4, d->lock_size, "lock state word");
        FIELD(d->lock_owner, 4, d->lock_size, "lock owner");
        FIELD(d->lock_magic_off, 4, d->lock_size, "lock magic");
        FIELD(d->lock_kind, 4, d->lock_size, "lock kind");
        FIELD(d->lock_shard, 4, d->lock_size, "lock shard");
        FIELD(d->lock_nshards, 4, d->lock_size, "lock nshards");
        FIELD(d->lock_parent, p, d->lock_size, "lock parent");
        FIELD(d->lock_map, p, d->lock_size, "lock map");
        if (l->has_lock_slots && d->lock_nslots != 0) {
            if (d->lock_nslots > 64 || d->lock_slot_size == 0 ||
                (uint64_t)d->lock_slots + (uint64_t)d->lock_nslots * d->lock_slot_size >
                    d->lock_size) {
                snprintf(err, errlen, "layout descriptor: reader slots outside the lock");
                return -1;
            }
            FIELD(d->lock_slot_readers, 4, d->lock_slot_size, "lock slot readers");
        }
    }
#undef FIELD
    if (d->bucket_cnt == 0 || d->bucket_cnt > 64 || d->min_tophash > 255 ||
        d->empty_rest >= d->min_tophash || d->empty_one >= d->min_tophash ||
        d->evacuated_x >= d->min_tophash || d->evacuated_y >= d->min_tophash ||
        d->evacuated_empty >= d->min_tophash || d->load_factor_den == 0 ||
        d->noverflow_max_b == 0 || d->noverflow_max_b >= 64 ||
        d->writer_tid_shift >= 64 ||
        (l->has_writer_seq && (d->writer_seq_shift >= 32 ||
                               (d->writer_seq_mask >> d->writer_seq_shift) == 0))) {
        snprintf(err, errlen, "layout descriptor: implausible constants");
        return -1;
    }
    return 0;
}

static int rd(struct lmi_mem *mem, int file_only, uint64_t addr, void *buf, size_t len,
              struct lmi_fault *f)
{
    return file_only ? lmi_read_file(mem, addr, buf, len, f) : lmi_read(mem, addr, buf, len, f);
}

int layout_read(struct lm_layout *l, struct lmi_mem *mem, int file_only, uint64_t addr,
                char *err, size_t errlen)
{
    l->ptr = mem->ptr;
    l->addr = addr;
    uint8_t raw[sizeof(struct libmap_layout)];
    struct lmi_fault f;
    if (rd(mem, file_only, addr, raw, 16, &f) != 0) {
        snprintf(err, errlen, "libmap_layout at 0x%" PRIx64 " is %s", f.addr,
                 lmi_status_str(f.status));
        return -1;
    }
    uint64_t magic = lmi_uint(mem, raw, 8);
    uint32_t version = (uint32_t)lmi_uint(mem, raw + 8, 4);
    uint32_t size = (uint32_t)lmi_uint(mem, raw + 12, 4);
    if (magic != LIBMAP_LAYOUT_MAGIC) {
        snprintf(err, errlen,
                 "libmap_layout at 0x%" PRIx64 " has bad magic 0x%016" PRIx64
                 " (not libmap's layout descriptor)",
                 addr, magic);
        return -1;
    }
    if (version != LIBMAP_LAYOUT_VERSION) {
        snprintf(err, errlen,
                 "libmap_layout version %u is not supported (libmap-inspect reads version %u)",
                 version, (unsigned)LIBMAP_LAYOUT_VERSION);
        return -1;
    }
    if (size < LAYOUT_BASE_SIZE || size > 65536) {
        snprintf(err, errlen, "libmap_layout claims %u bytes; at least %zu expected", size,
                 (size_t)LAYOUT_BASE_SIZE);
        return -1;
    }
    size_t n = size < sizeof raw ? size : sizeof raw;
    if (rd(mem, file_only, addr, raw, n, &f) != 0) {
        snprintf(err, errlen, "libmap_layout byte at 0x%" PRIx64 " is %s", f.addr,
                 lmi_status_str(f.status));
        return -1;
    }
    decode(&l->d, raw, n, mem);
    l->extended = n >= LAYOUT_EXT_SIZE;
    l->has_writer_seq = n >= LAYOUT_SEQ_SIZE && l->d.writer_seq_mask != 0;
    l->has_guard = n >= LAYOUT_GUARD_SIZE && l->d.lock_magic != 0;
    l->has_lock_slots = l->has_guard && n >= LAYOUT_SLOTS_SIZE;
    if (!l->extended) {
        /* A descriptor without the appended widths: the fields are those
         * of the first libmap release. */
        l->d.width_key_kind = 1;
        l->d.width_type_flags = 1;
        l->d.width_key_offset = l->d.width_key_slot;
        l->d.width_nevacuate = l->ptr;
        l->d.width_hash0 = 8;
        l->d.width_pointer = l->ptr;
        l->d.type_hash = UINT32_MAX; /* unknown: placement of bytes keys unverifiable */
    }
    /* 0: a libmap from before the field (it took the descriptor's trailing
     * padding), whose threshold was the table's */
    if (l->d.noverflow_max_b == 0)
        l->d.noverflow_max_b = LIBMAP_NOVERFLOW_MAX_B;
    if (l->d.width_pointer != l->ptr) {
        snprintf(err, errlen, "libmap_layout: pointer width %u does not match the core's %u",
                 l->d.width_pointer, l->ptr);
        return -1;
    }
    return check(l, err, errlen);
}


int layout_value(const struct lm_layout *l, const char *field, uint64_t *out)
{
#define VALUE(type, f, KIND, a, b)                                                           \
    if (strcmp(field, #f) == 0) {                                                            \
        if (offsetof(struct libmap_layout, f) + sizeof(type) > l->d.size)                    \
            return -1;                                                                       \
        *out = l->d.f;                                                                       \
        return 0;                                                                            \
    }
    LIBMAP_LAYOUT_FIELDS(VALUE)
#undef VALUE
    return -1;
}
