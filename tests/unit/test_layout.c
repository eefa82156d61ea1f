/*
 * test_layout.c — the layout drift test: every field of the exported
 * libmap_layout descriptor (debug.h) is compared with offsetof/sizeof and
 * the constants of a build of libmap/src/internal.h, so that postmortem
 * tools reading the descriptor can never disagree with the real structures.
 * A field added to struct libmap_layout without a check here fails the
 * byte-for-byte comparison at the end.
 */
#include <string.h>

#include "check.h"
#include "internal.h"

static unsigned checked_u32;      /* uint32_t fields checked */
static struct libmap_layout want; /* every checked field's expected value, else 0 */

#define FIELD(name, value)                                                                   \
    do {                                                                                     \
        _Static_assert(sizeof(libmap_layout.name) == 4, #name " is not a uint32_t field");  \
        CHECK_EQ(libmap_layout.name, (value));                                               \
        want.name = (uint32_t)(value);                                                       \
        checked_u32++;                                                                       \
    } while (0)
#define OFF(type, field) offsetof(type, field)
#define WIDTH(type, field) sizeof(((type *)0)->field)

static uint64_t user_hash(const void *key, size_t n, uint64_t seed, void *ctx)
{
    (void)key, (void)n, (void)ctx;
    return seed;
}

int main(void)
{
    const struct libmap_layout *L = &libmap_layout;
    CHECK(L->magic == LIBMAP_LAYOUT_MAGIC);
    CHECK(memcmp(&L->magic, "lblayout", 8) == 0);
    CHECK(L->map_magic == MAP_MAGIC);
    want.magic = LIBMAP_LAYOUT_MAGIC;
    want.map_magic = MAP_MAGIC;
    FIELD(version, LIBMAP_LAYOUT_VERSION);
    FIELD(size, sizeof(struct libmap_layout));

    FIELD(bucket_cnt, BUCKET_CNT);
    FIELD(max_inline, LIBMAP_MAX_INLINE);
    FIELD(load_factor_num, LOAD_FACTOR_NUM);
    FIELD(load_factor_den, LOAD_FACTOR_DEN);
    FIELD(empty_rest, EMPTY_REST);
    FIELD(empty_one, EMPTY_ONE);
    FIELD(evacuated_x, EVAC_X);
    FIELD(evacuated_y, EVAC_Y);
    FIELD(evacuated_empty, EVAC_EMPTY);
    FIELD(min_tophash, MIN_TOPHASH);
    FIELD(flag_iterator, F_ITERATOR);
    FIELD(flag_old_iterator, F_OLD_ITERATOR);
    FIELD(flag_same_size_grow, F_SAME_SIZE_GROW);
    FIELD(writer_op_mask, LIBMAP_WRITER_OP_MASK);
    FIELD(writer_held, LIBMAP_WRITER_HELD);
    FIELD(writer_tid_shift, LIBMAP_WRITER_TID_SHIFT);
    FIELD(key_kind_bytes, LIBMAP_KEY_BYTES);
    FIELD(key_kind_u32, LIBMAP_KEY_U32);
    FIELD(key_kind_u64, LIBMAP_KEY_U64);
    FIELD(key_kind_string, LIBMAP_KEY_STRING);
    FIELD(type_flag_indirect_key, T_INDIRECT_KEY);
    FIELD(type_flag_indirect_value, T_INDIRECT_VALUE);

    /* Go's values, which the gdb scripts and analyzer also document */
    CHECK_EQ(L->bucket_cnt, 8);
    CHECK_EQ(L->empty_rest, 0);
    CHECK_EQ(L->empty_one, 1);
    CHECK_EQ(L->evacuated_x, 2);
    CHECK_EQ(L->evacuated_y, 3);
    CHECK_EQ(L->evacuated_empty, 4);
    CHECK_EQ(L->min_tophash, 5);
    CHECK_EQ(L->flag_iterator, 1);
    CHECK_EQ(L->flag_old_iterator, 2);
    CHECK_EQ(L->flag_same_size_grow, 8);
    CHECK_EQ(L->max_inline, 128);

    FIELD(map_size, sizeof(struct libmap));
    FIELD(map_magic_off, OFF(struct libmap, magic));
    FIELD(map_count, OFF(struct libmap, count));
    FIELD(map_flags, OFF(struct libmap, flags));
    FIELD(map_B, OFF(struct libmap, B));
    FIELD(map_noverflow, OFF(struct libmap, noverflow));
    FIELD(map_hash0, OFF(struct libmap, hash0));
    FIELD(map_buckets, OFF(struct libmap, buckets));
    FIELD(map_oldbuckets, OFF(struct libmap, oldbuckets));
    FIELD(map_nevacuate, OFF(struct libmap, nevacuate));
    FIELD(map_next_overflow, OFF(struct libmap, next_overflow));
    FIELD(map_writer, OFF(struct libmap, writer));
    FIELD(map_clearseq, OFF(struct libmap, clearseq));
    FIELD(map_reg_next, OFF(struct libmap, reg_next));
    FIELD(map_reg_prev, OFF(struct libmap, reg_prev));
    FIELD(map_type, OFF(struct libmap, t));

    FIELD(type_key_kind, OFF(struct libmap_type, key_kind));
    FIELD(type_flags, OFF(struct libmap_type, flags));
    FIELD(type_key_size, OFF(struct libmap_type, key_size));
    FIELD(type_value_size, OFF(struct libmap_type, value_size));
    FIELD(type_key_slot, OFF(struct libmap_type, key_slot));
    FIELD(type_value_slot, OFF(struct libmap_type, value_slot));
    FIELD(type_bucket_size, OFF(struct libmap_type, bucket_size));
    FIELD(type_key_offset, OFF(struct libmap_type, key_offset));
    FIELD(type_value_offset, OFF(struct libmap_type, value_offset));
    FIELD(type_overflow_offset, OFF(struct libmap_type, overflow_offset));
    FIELD(width_count, WIDTH(struct libmap, count));
    FIELD(width_B, WIDTH(struct libmap, B));
    FIELD(width_flags, WIDTH(struct libmap, flags));
    FIELD(width_noverflow, WIDTH(struct libmap, noverflow));
    FIELD(width_key_size, WIDTH(struct libmap_type, key_size));
    FIELD(width_value_size, WIDTH(struct libmap_type, value_size));
    FIELD(width_key_slot, WIDTH(struct libmap_type, key_slot));
    FIELD(width_value_slot, WIDTH(struct libmap_type, value_slot));
    FIELD(width_bucket_size, WIDTH(struct libmap_type, bucket_size));
    FIELD(width_offsets, WIDTH(struct libmap_type, value_offset));
    /* width_offsets is the width of the value and overflow offsets */
    CHECK_EQ(WIDTH(struct libmap_type, overflow_offset), L->width_offsets);
    FIELD(width_key_kind, WIDTH(struct libmap_type, key_kind));
    FIELD(width_type_flags, WIDTH(struct libmap_type, flags));
    FIELD(width_key_offset, WIDTH(struct libmap_type, key_offset));
    FIELD(width_nevacuate, WIDTH(struct libmap, nevacuate));
    FIELD(width_hash0, WIDTH(struct libmap, hash0));
    FIELD(width_pointer, sizeof(void *));
    FIELD(type_hash, OFF(struct libmap_type, hash));
    FIELD(writer_panic, LIBMAP_WRITER_PANIC);
    FIELD(writer_seq_shift, LIBMAP_WRITER_SEQ_SHIFT);
    FIELD(writer_seq_mask, LIBMAP_WRITER_SEQ_MASK);

    FIELD(str_size, sizeof(libmap_str));
    FIELD(str_ptr, OFF(libmap_str, ptr));
    FIELD(str_len, OFF(libmap_str, len));

    FIELD(panic_size, sizeof(struct libmap_panic_record));
    FIELD(panic_magic, OFF(struct libmap_panic_record, magic));
    FIELD(panic_kind, OFF(struct libmap_panic_record, kind));
    FIELD(panic_map, OFF(struct libmap_panic_record, map));
    FIELD(panic_op, OFF(struct libmap_panic_record, op));
    FIELD(panic_writer_op, OFF(struct libmap_panic_record, writer_op));
    FIELD(panic_tid, OFF(struct libmap_panic_record, tid));
    FIELD(panic_writer_tid, OFF(struct libmap_panic_record, writer_tid));
    FIELD(panic_pid, OFF(struct libmap_panic_record, pid));
    FIELD(panic_writer_held, OFF(struct libmap_panic_record, writer_held));
    FIELD(panic_realtime_ns, OFF(struct libmap_panic_record, realtime_ns));
    FIELD(panic_monotonic_ns, OFF(struct libmap_panic_record, monotonic_ns));
    FIELD(panic_message, OFF(struct libmap_panic_record, message));
    FIELD(panic_message_size, WIDTH(struct libmap_panic_record, message));

    FIELD(registry_size, sizeof(struct libmap_registry));
    FIELD(registry_magic, OFF(struct libmap_registry, magic));
    FIELD(registry_head, OFF(struct libmap_registry, head));
    FIELD(registry_count, OFF(struct libmap_registry, count));

    /* Every field is checked: the descriptor equals, byte for byte, one
     * holding only the values checked above (a new field set in layout.c
     * differs), and those fields fill it up to its trailing padding. */
    size_t covered = 2 * sizeof(uint64_t) + checked_u32 * sizeof(uint32_t);
    if (memcmp(&want, L, sizeof want) != 0 || sizeof want - covered >= 8)
        fprintf(stderr, "libmap_layout has %zu bytes, this test checks %zu: a field is new\n",
                sizeof want, covered);
    CHECK(memcmp(&want, L, sizeof want) == 0);
    CHECK(covered <= sizeof want && sizeof want - covered < 8);

    /* The descriptor also matches a live map's type descriptor. */
    libmap_config c = {.key_kind = LIBMAP_KEY_BYTES, .key_size = 200, .value_size = 24};
    libmap *m;
    CHECK_EQ(libmap_new(&c, &m), 0);
    const uint8_t *raw = (const uint8_t *)m, *t = raw + L->map_type;
    uint64_t magic;
    memcpy(&magic, raw + L->map_magic_off, 8);
    CHECK(magic == L->map_magic);
    uint8_t flags = t[L->type_flags];
    CHECK_EQ(flags, L->type_flag_indirect_key);
    uint32_t bsize;
    memcpy(&bsize, t + L->type_bucket_size, 4);
    CHECK_EQ(bsize, ((struct libmap *)m)->t.bucket_size);
    /* tophash[8], 8 key pointers, 8 values of 24, the overflow pointer */
    CHECK_EQ(bsize, 8 + 8 * sizeof(void *) + 8 * 24 + sizeof(void *));
    /* type_hash: NULL without a user hash, the callback with one */
    void *hp;
    memcpy(&hp, t + L->type_hash, sizeof hp);
    CHECK(hp == NULL);
    libmap_free(m);
    c.hash = user_hash;
    CHECK_EQ(libmap_new(&c, &m), 0);
    t = (const uint8_t *)m + L->map_type;
    libmap_hash_fn fn;
    memcpy(&fn, t + L->type_hash, sizeof fn);
    CHECK(fn == user_hash);
    libmap_free(m);
    printf("test_layout: ok (%u fields)\n", checked_u32 + 2);
    return 0;
}
