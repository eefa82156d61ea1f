/*
 * test_inspect_layout.c — what libmap-inspect tells a tool about finding
 * and reading libmap's debug contract: lmi_layout_value against this
 * process's libmap_layout, field by field of the contract table, and on an
 * older (shorter) descriptor; lmi_open's messages for a descriptor that is
 * not libmap's or of another version; lmi_note_decode on hand-built note
 * images (both byte orders, notes of other names, types and versions, a
 * short or truncated descriptor, several notes in a row) and on this
 * process's own PT_NOTE segments.
 */
#include <inttypes.h>
#include <libmap/debug.h>
#include <libmap/inspect.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "inspect_self.h"

#define ADDR(p) ((uint64_t)(uintptr_t)(p))

static void test_values(void)
{
    lmi_target *t = open_self();
    uint64_t v;
    size_t n = 0;
#define SAME(type, field, KIND, a, b)                                                        \
    v = ~(uint64_t)0;                                                                        \
    CHECK_EQ(lmi_layout_value(t, #field, &v), 0);                                            \
    CHECK_EQ(v, (uint64_t)libmap_layout.field);                                              \
    n++;
    LIBMAP_LAYOUT_FIELDS(SAME)
#undef SAME
    CHECK(n > 90);
    CHECK_EQ(lmi_layout_value(t, "no_such_field", &v), -1);
    CHECK_EQ(lmi_layout_value(t, "", &v), -1);
    CHECK_EQ(lmi_layout_value(t, "bucket_cn", &v), -1);
    CHECK_EQ(lmi_layout_value(t, NULL, &v), -1);
    lmi_close(t);
}

/* A descriptor from before the write sequence: its size stops at
 * writer_seq_shift. The fields it has are given, the later ones are not. */
static void test_older_descriptor(void)
{
    struct libmap_layout d = libmap_layout;
    d.size = (uint32_t)offsetof(struct libmap_layout, writer_seq_shift);
    lmi_target *t = open_with(&d);
    uint64_t v = 0;
    CHECK_EQ(lmi_layout_value(t, "size", &v), 0);
    CHECK_EQ(v, offsetof(struct libmap_layout, writer_seq_shift));
    CHECK_EQ(lmi_layout_value(t, "writer_panic", &v), 0);
    CHECK_EQ(v, LIBMAP_WRITER_PANIC);
    CHECK_EQ(lmi_layout_value(t, "empty_rest", &v), 0);
    CHECK_EQ(v, libmap_layout.empty_rest);
    CHECK_EQ(lmi_layout_value(t, "writer_seq_shift", &v), -1);
    CHECK_EQ(lmi_layout_value(t, "writer_seq_mask", &v), -1);
    CHECK_EQ(lmi_layout_value(t, "noverflow_max_b", &v), -1);
    lmi_close(t);
}

static int open_err(const struct libmap_layout *d, char *err, size_t errlen)
{
    struct lmi_target_config c = {.read = self_read, .pointer_size = sizeof(void *),
                                  .layout_addr = ADDR(d)};
    lmi_target *t = (lmi_target *)&c;
    int rc = lmi_open(&c, &t, err, errlen);
    CHECK(t == NULL);
    return rc;
}

/* What a gdb user or the analyzer's reader sees when the descriptor is not
 * one this library reads. */
static void test_open_errors(void)
{
    char err[256], want[256];
    struct libmap_layout d = libmap_layout;
    d.magic = UINT64_C(0x1122334455667788);
    CHECK_EQ(open_err(&d, err, sizeof err), -1);
    snprintf(want, sizeof want,
             "libmap_layout at 0x%" PRIx64 " has bad magic 0x1122334455667788 (not libmap's "
             "layout descriptor)",
             ADDR(&d));
    CHECK(strcmp(err, want) == 0);
    d = libmap_layout;
    d.version = LIBMAP_LAYOUT_VERSION + 1;
    CHECK_EQ(open_err(&d, err, sizeof err), -1);
    snprintf(want, sizeof want,
             "libmap_layout version %u is not supported (libmap-inspect reads version %u)",
             LIBMAP_LAYOUT_VERSION + 1, LIBMAP_LAYOUT_VERSION);
    CHECK(strcmp(err, want) == 0);
    CHECK_EQ(open_err((const struct libmap_layout *)16, err, sizeof err), -1);
    CHECK(strcmp(err, "libmap_layout at 0x10 is unreadable") == 0);
}

/* ---- the note ---- */

struct image {
    uint8_t b[512];
    size_t len;
    int big;
};

static void put(struct image *im, uint64_t v, unsigned n)
{
    CHECK(im->len + n <= sizeof im->b);
    for (unsigned i = 0; i < n; i++)
        im->b[im->len + (im->big ? n - 1 - i : i)] = (uint8_t)(v >> (8 * i));
    im->len += n;
}

static void pad4(struct image *im)
{
    while (im->len % 4)
        put(im, 0, 1);
}

/* A note record with the name's namesz bytes (its NUL included when
 * namesz says so); returns where its descriptor starts. */
static size_t note(struct image *im, const char *name, uint32_t namesz, uint32_t type,
                   const uint8_t *desc, uint32_t descsz)
{
    put(im, namesz, 4);
    put(im, descsz, 4);
    put(im, type, 4);
    for (uint32_t i = 0; i < namesz; i++)
        put(im, i < strlen(name) ? (uint8_t)name[i] : 0, 1);
    pad4(im);
    size_t at = im->len;
    CHECK(im->len + descsz <= sizeof im->b);
    memcpy(im->b + im->len, desc, descsz);
    im->len += descsz;
    pad4(im);
    return at;
}

/* A note of the given name and type with a descriptor of libmap's format
 * (version, offsets; descsz bytes, cut or filled); returns where its
 * descriptor starts. */
static size_t desc_note(struct image *im, const char *name, uint32_t namesz, uint32_t type,
                        uint32_t version, const int64_t off[3], uint32_t descsz)
{
    struct image d = {.big = im->big};
    put(&d, version, 4);
    put(&d, 0, 4);
    for (int k = 0; k < 3; k++)
        put(&d, (uint64_t)off[k], 8);
    while (d.len < descsz)
        put(&d, 0xee, 1);
    return note(im, name, namesz, type, d.b, descsz);
}

/* libmap's note with the given version and offsets. */
static size_t libmap_note(struct image *im, uint32_t version, const int64_t off[3],
                          uint32_t descsz)
{
    return desc_note(im, LIBMAP_NOTE_NAME, sizeof LIBMAP_NOTE_NAME, LIBMAP_NOTE_TYPE, version,
                     off, descsz);
}

static const uint8_t build_id[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};

static void expect_none(const struct image *im, uint64_t addr)
{
    struct lmi_note_addrs a;
    memset(&a, 0xff, sizeof a);
    CHECK_EQ(lmi_note_decode(im->b, im->len, addr, im->big, &a), 0);
    struct lmi_note_addrs zero;
    memset(&zero, 0, sizeof zero);
    CHECK(memcmp(&a, &zero, sizeof a) == 0);
}

static void test_note_decode(int big)
{
    const uint64_t addr = UINT64_C(0x555555554000);
    const int64_t off[3] = {0x1000, -0x2468, INT64_C(0x123456789)};
    struct lmi_note_addrs a;

    /* a build ID note, then libmap's */
    struct image im = {.big = big};
    note(&im, "GNU", 4, 3, build_id, sizeof build_id);
    size_t desc = libmap_note(&im, LIBMAP_NOTE_VERSION, off, 32);
    CHECK_EQ(desc, 12 + 4 + 20 + 12 + 8);
    CHECK_EQ(im.len, desc + 32);
    memset(&a, 0xff, sizeof a);
    CHECK_EQ(lmi_note_decode(im.b, im.len, addr, big, &a), 1);
    CHECK_EQ(a.version, LIBMAP_NOTE_VERSION);
    CHECK_EQ(a.layout, addr + desc + 8 + 0x1000);
    CHECK_EQ(a.panic_record, addr + desc + 16 - 0x2468);
    CHECK_EQ(a.registry, addr + desc + 24 + 0x123456789);
    /* read in the other byte order it is no note of libmap's */
    CHECK_EQ(lmi_note_decode(im.b, im.len, addr, !big, &a), 0);
    /* a longer descriptor (a later version's fields) is read the same */
    im = (struct image){.big = big};
    desc = libmap_note(&im, LIBMAP_NOTE_VERSION, off, 45);
    CHECK_EQ(im.len, desc + 48);
    CHECK_EQ(lmi_note_decode(im.b, im.len, 0, big, &a), 1);
    CHECK_EQ(a.layout, desc + 8 + 0x1000);
    /* offsets wrap modulo 2^64 */
    im = (struct image){.big = big};
    desc = libmap_note(&im, LIBMAP_NOTE_VERSION, (const int64_t[3]){-1, -16, 0}, 32);
    CHECK_EQ(lmi_note_decode(im.b, im.len, 0, big, &a), 1);
    CHECK_EQ(a.layout, desc + 8 - 1);
    CHECK_EQ(a.panic_record, desc + 16 - 16);
    CHECK_EQ(a.registry, desc + 24);

    /* another name, type or version; a short or truncated descriptor */
    im = (struct image){.big = big};
    desc_note(&im, "libmaq", 7, LIBMAP_NOTE_TYPE, LIBMAP_NOTE_VERSION, off, 32);
    expect_none(&im, addr);
    im = (struct image){.big = big};
    desc_note(&im, "libmap", 6, LIBMAP_NOTE_TYPE, LIBMAP_NOTE_VERSION, off, 32); /* no NUL */
    expect_none(&im, addr);
    im = (struct image){.big = big};
    desc_note(&im, "libmap", 7, LIBMAP_NOTE_TYPE + 1, LIBMAP_NOTE_VERSION, off, 32);
    expect_none(&im, addr);
    im = (struct image){.big = big};
    libmap_note(&im, LIBMAP_NOTE_VERSION + 1, off, 32);
    expect_none(&im, addr);
    im = (struct image){.big = big};
    libmap_note(&im, LIBMAP_NOTE_VERSION, off, 24);
    expect_none(&im, addr);
    im = (struct image){.big = big};
    libmap_note(&im, LIBMAP_NOTE_VERSION, off, 32);
    im.len -= 4; /* the descriptor runs past the image */
    expect_none(&im, addr);
    im.len = 11; /* not even a header */
    expect_none(&im, addr);
    im.len = 0;
    expect_none(&im, addr);
    /* a name size that runs past everything */
    im = (struct image){.big = big};
    put(&im, 0xffffffffu, 4);
    put(&im, 32, 4);
    put(&im, LIBMAP_NOTE_TYPE, 4);
    put(&im, 0, 8);
    expect_none(&im, addr);

    /* several notes in a row: others, an older libmap note, then the one */
    im = (struct image){.big = big};
    note(&im, "GNU", 4, 1, build_id, 16);
    note(&im, "stapsdt", 8, 3, build_id, 13); /* descriptor padded to 16 */
    desc_note(&im, "libmap", 7, LIBMAP_NOTE_TYPE + 1, LIBMAP_NOTE_VERSION, off, 20);
    libmap_note(&im, LIBMAP_NOTE_VERSION + 1, off, 32);
    note(&im, "", 0, 0, build_id, 0);
    desc = libmap_note(&im, LIBMAP_NOTE_VERSION, off, 32);
    CHECK_EQ(desc, (12 + 4 + 16) + (12 + 8 + 16) + (12 + 8 + 20) + (12 + 8 + 32) + 12 + 12 + 8);
    CHECK_EQ(lmi_note_decode(im.b, im.len, addr, big, &a), 1);
    CHECK_EQ(a.layout, addr + desc + 8 + 0x1000);
    CHECK_EQ(a.registry, addr + desc + 24 + 0x123456789);
    /* the first of two libmap notes */
    libmap_note(&im, LIBMAP_NOTE_VERSION, (const int64_t[3]){0, 0, 0}, 32);
    CHECK_EQ(lmi_note_decode(im.b, im.len, addr, big, &a), 1);
    CHECK_EQ(a.layout, addr + desc + 8 + 0x1000);
    /* a broken record before libmap's hides it: nothing after it is read */
    im = (struct image){.big = big};
    put(&im, 4, 4);
    put(&im, 1000, 4);
    put(&im, 1, 4);
    put(&im, 0, 4);
    libmap_note(&im, LIBMAP_NOTE_VERSION, off, 32);
    expect_none(&im, addr);
}

/* The note libmap itself carries, in this process's PT_NOTE segments. */
struct found {
    int n;
    struct lmi_note_addrs a;
};

static int on_object(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct found *f = arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        uint64_t at = info->dlpi_addr + ph->p_vaddr;
        struct lmi_note_addrs a;
        if (lmi_note_decode((const void *)(uintptr_t)at, ph->p_memsz, at,
                            __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__, &a) == 1) {
            f->n++;
            f->a = a;
        }
    }
    return 0;
}

static void test_own_note(void)
{
    struct found f = {0};
    dl_iterate_phdr(on_object, &f);
    CHECK_EQ(f.n, 1);
    CHECK_EQ(f.a.version, LIBMAP_NOTE_VERSION);
    /* libmap's own objects (the program may hold copies of them) */
    const struct libmap_layout *l = (const void *)(uintptr_t)f.a.layout;
    CHECK(memcmp(l, &libmap_layout, sizeof *l) == 0);
    const struct libmap_registry *r = (const void *)(uintptr_t)f.a.registry;
    CHECK_EQ(r->magic, LIBMAP_REGISTRY_MAGIC);
    CHECK(f.a.panic_record != 0 && f.a.panic_record != f.a.layout &&
          f.a.panic_record != f.a.registry);
}

int main(void)
{
    test_values();
    test_older_descriptor();
    test_open_errors();
    test_note_decode(0);
    test_note_decode(1);
    test_own_note();
    printf("test_inspect_layout: ok\n");
    return 0;
}
