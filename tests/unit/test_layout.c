/*
 * test_layout.c — the layout drift test: every field of the exported
 * libmap_layout descriptor is compared, through the contract table of
 * debug.h (LIBMAP_LAYOUT_FIELDS), with offsetof/sizeof and the constants of
 * this program's build of libmap/src/internal.h, so that postmortem tools
 * reading the descriptor can never disagree with the real structures; the
 * values the table names are also checked against Go's.
 */
#include <string.h>

#include "check.h"
#include "internal.h"
#include "lock.h"

static unsigned checked; /* fields checked */

/* Each field of the contract table (debug.h, LIBMAP_LAYOUT_FIELDS): the
 * exported descriptor's value against this program's own build of the
 * table's offsetof/sizeof/constant on internal.h. */
#define CHECK_FIELD(type, field, KIND, a, b)                                                 \
    do {                                                                                     \
        _Static_assert(sizeof(libmap_layout.field) == sizeof(type), #field);                 \
        CHECK_EQ(libmap_layout.field, (type)LIBMAP_LAYOUT_VALUE(KIND, a, b));                \
        want.field = (type)LIBMAP_LAYOUT_VALUE(KIND, a, b);                                  \
        covered += sizeof(type);                                                             \
        checked++;                                                                           \
    } while (0);

static uint64_t user_hash(const void *key, size_t n, uint64_t seed, void *ctx)
{
    (void)key, (void)n, (void)ctx;
    return seed;
}

int main(void)
{
    const struct libmap_layout *L = &libmap_layout;
    struct libmap_layout want; /* every checked field's expected value, else 0 */
    memset(&want, 0, sizeof want);
    size_t covered = 0;
    LIBMAP_LAYOUT_FIELDS(CHECK_FIELD)
    CHECK(memcmp(&L->magic, "lblayout", 8) == 0);

    /* The values the table names, against the macros and enumerators
     * themselves, and Go's values, which the tools also document */
    CHECK_EQ(L->size, sizeof(struct libmap_layout));
    CHECK(L->map_magic == MAP_MAGIC);
    CHECK_EQ(L->bucket_cnt, BUCKET_CNT);
    CHECK_EQ(L->bucket_cnt, 8);
    CHECK_EQ(L->load_factor_num, 13);
    CHECK_EQ(L->load_factor_den, 2);
    CHECK_EQ(L->noverflow_max_b, 15);
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
    CHECK_EQ(L->writer_op_mask, 0x7f);
    CHECK_EQ(L->writer_held, 0x80);
    CHECK_EQ(L->writer_panic, 0x100);
    CHECK_EQ(L->writer_seq_shift, 9);
    CHECK_EQ(L->writer_seq_mask, 0xfffffe00u);
    CHECK_EQ(L->writer_tid_shift, 32);
    /* width_offsets is the width of the value and overflow offsets */
    CHECK_EQ(sizeof(((struct libmap_type *)0)->overflow_offset), L->width_offsets);
    /* the enumerators the tables generate keep their values (traces carry them) */
    CHECK_EQ(LIBMAP_OP_NONE, 0);
    CHECK_EQ(LIBMAP_OP_ASSIGN, 1);
    CHECK_EQ(LIBMAP_OP_ITERATE, 5);
    CHECK_EQ(LIBMAP_PANIC_CONCURRENT_WRITES, 1);
    CHECK_EQ(LIBMAP_PANIC_ITERATION_WRITE, 3);

    /* Every field is checked: the descriptor equals, byte for byte, one
     * holding only the values checked above (a field set in layout.c
     * outside the table differs), and the table's fields fill it up to its
     * trailing padding. */
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
    printf("test_layout: ok (%u fields)\n", checked);
    return 0;
}
