/*
 * fixture_maps.c — builds the gdb tests' maps in known states (small, mid
 * doubling, mid same-size growth, growth under a live iterator, strings,
 * struct keys and values, indirect keys and values, a set, a user hash,
 * empty, cleared, and two damaged on purpose) and prints the expected
 * content from a reference model kept alongside. Reads libmap internals
 * (internal.h, key.h) only to steer into growth states and to damage maps.
 */
#include "fixture_maps.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "key.h" /* libmap/src: the map's layout and hash, to steer states */

libmap *fx_small, *fx_doubling, *fx_samesize, *fx_itergrow, *fx_strings, *fx_sessions, *fx_big,
    *fx_u32set, *fx_custom, *fx_empty, *fx_cleared, *fx_corrupt, *fx_badcount;
struct fx_session fx_session_src[20];
struct fx_key fx_key_src[20];
static libmap_iter itergrow_iter; /* stays live: evacuation keeps old chains */

static void die(const char *what)
{
    fprintf(stderr, "fixture: %s\n", what);
    exit(2);
}

/* ---- reference model ---- */

struct ref_entry {
    unsigned char *k, *v;
    size_t klen;
    int live;
};
struct ref {
    const char *name;
    libmap *m;
    int kind;
    size_t vsize;
    struct ref_entry *e;
    size_t n, cap;
};
static struct ref refs[16];
static size_t nrefs;

static struct ref *ref_new(const char *name, libmap *m, int kind, size_t vsize)
{
    struct ref *r = &refs[nrefs++];
    *r = (struct ref){.name = name, .m = m, .kind = kind, .vsize = vsize};
    return r;
}

static struct ref_entry *ref_find(struct ref *r, const void *k, size_t klen)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->e[i].live && r->e[i].klen == klen && memcmp(r->e[i].k, k, klen) == 0)
            return &r->e[i];
    return NULL;
}

static void ref_put(struct ref *r, const void *k, size_t klen, const void *v)
{
    struct ref_entry *e = ref_find(r, k, klen);
    if (e == NULL) {
        if (r->n == r->cap) {
            r->cap = r->cap ? 2 * r->cap : 64;
            r->e = realloc(r->e, r->cap * sizeof *r->e);
        }
        e = &r->e[r->n++];
        e->k = malloc(klen + 1);
        memcpy(e->k, k, klen);
        e->klen = klen;
        e->v = malloc(r->vsize + 1);
        e->live = 1;
    }
    if (r->vsize)
        memcpy(e->v, v, r->vsize);
}

static void ref_del(struct ref *r, const void *k, size_t klen)
{
    struct ref_entry *e = ref_find(r, k, klen);
    if (e)
        e->live = 0;
}

/* Map operations that keep the model in step. */
static void put_u64(struct ref *r, uint64_t k, uint64_t v)
{
    if (libmap_assign_u64(r->m, k, &v) < 0)
        die("assign_u64");
    ref_put(r, &k, 8, &v);
}
static void del_u64(struct ref *r, uint64_t k)
{
    if (libmap_delete_u64(r->m, k) < 0)
        die("delete_u64");
    ref_del(r, &k, 8);
}
static void put_str(struct ref *r, const char *k, uint32_t v)
{
    if (libmap_assign_str(r->m, k, strlen(k), &v) < 0)
        die("assign_str");
    ref_put(r, k, strlen(k), &v);
}
static void del_str(struct ref *r, const char *k)
{
    if (libmap_delete_str(r->m, k, strlen(k)) < 0)
        die("delete_str");
    ref_del(r, k, strlen(k));
}
static void put_bytes(struct ref *r, const void *k, size_t klen, const void *v)
{
    if (libmap_assign(r->m, k, v) < 0)
        die("assign");
    ref_put(r, k, klen, v);
}

static libmap *new_map(libmap_key_kind kind, size_t key_size, size_t value_size, size_t hint,
                       libmap_hash_fn hash)
{
    libmap_config c = {.key_kind = kind, .key_size = key_size, .value_size = value_size,
                       .hint = hint, .hash = hash};
    libmap *m;
    if (libmap_new(&c, &m) != 0)
        die("libmap_new");
    return m;
}

/* ---- rendering, as the gdb scripts render by key kind ---- */

static void print_cstring(FILE *out, const unsigned char *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            fputc(c, out);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else
            fprintf(out, "\\%03o", c);
    }
    fputc('"', out);
}

static void print_hex(FILE *out, const unsigned char *b, size_t n)
{
    fputc('{', out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, i ? " %02x" : "%02x", b[i]);
    fputc('}', out);
}

static void print_key(FILE *out, const struct ref *r, const struct ref_entry *e)
{
    if (r->kind == LIBMAP_KEY_U64 || r->kind == LIBMAP_KEY_U32) {
        uint64_t k = 0;
        memcpy(&k, e->k, e->klen); /* little-endian host */
        fprintf(out, "%llu", (unsigned long long)k);
    } else if (r->kind == LIBMAP_KEY_STRING) {
        print_cstring(out, e->k, e->klen);
    } else {
        print_hex(out, e->k, e->klen);
    }
}

static void print_value(FILE *out, const struct ref *r, const struct ref_entry *e)
{
    size_t n = r->vsize;
    if (n == 0) {
        fputs("(set)", out);
    } else if (n == 1 || n == 2 || n == 4 || n == 8) {
        uint64_t v = 0;
        memcpy(&v, e->v, n);
        fprintf(out, "%llu", (unsigned long long)v);
    } else {
        print_hex(out, e->v, n);
    }
}

static void print_summary(FILE *out, const struct libmap *m)
{
    fprintf(out, "summary\tlibmap {len=%zu, B=%u", m->count, (unsigned)m->B);
    if (m->oldbuckets != NULL)
        fprintf(out, ", growing %zu/%zu (%s)", m->nevacuate, noldbuckets(m),
                same_size_grow(m) ? "same-size" : "doubling");
    fputs("}\n", out);
}

static char corrupt_lines[4][128];
static size_t ncorrupt;

void fx_print_expected(FILE *out)
{
    for (size_t i = 0; i < nrefs; i++) {
        const struct ref *r = &refs[i];
        fprintf(out, "map\t%s\t%p\n", r->name, (void *)r->m);
        print_summary(out, r->m);
        for (size_t j = 0; j < r->n; j++) {
            if (!r->e[j].live)
                continue;
            fputs("entry\t", out);
            print_key(out, r, &r->e[j]);
            fputc('\t', out);
            print_value(out, r, &r->e[j]);
            fputc('\n', out);
        }
        fputs("end\n", out);
    }
    for (size_t i = 0; i < ncorrupt; i++)
        fprintf(out, "%s\n", corrupt_lines[i]);
    fputs("absent\tfx_small\t4\nabsent\tfx_doubling\t999999\n", out);
    fflush(out);
}

/* ---- states ---- */

static size_t evacuated_count(const struct libmap *m)
{
    size_t n = 0;
    for (size_t j = 0; j < noldbuckets(m); j++)
        n += evacuated(bucket_at(m, m->oldbuckets, j));
    return n;
}

static void build_doubling(void)
{
    struct ref *r = ref_new("fx_doubling", fx_doubling = new_map(LIBMAP_KEY_U64, 0, 8, 0, NULL),
                            LIBMAP_KEY_U64, 8);
    struct libmap *m = fx_doubling;
    uint64_t k = 1;
    int deleted = 0;
    /* mid doubling (at least 16 old buckets), a few old buckets evacuated,
     * some of them beyond nevacuate, after two deletes during the growth */
    for (;;) {
        put_u64(r, k * 7919, k);
        k++;
        if (k > 100000)
            die("doubling state not reached");
        if (!(m->oldbuckets != NULL && !same_size_grow(m) && m->B >= 5 && m->nevacuate >= 2 &&
              m->nevacuate + 4 < noldbuckets(m) && evacuated_count(m) > m->nevacuate))
            continue;
        if (deleted)
            break;
        del_u64(r, 7919 * 3);
        del_u64(r, 7919 * 5);
        deleted = 1;
    }
}

static uint64_t key_in_bucket(const struct libmap *m, size_t b, uint64_t *next)
{
    for (;; (*next)++) {
        uint64_t k = *next;
        if ((key_hash(m, &k, LIBMAP_KEY_U64) & bucket_mask(m->B)) == b) {
            (*next)++;
            return k;
        }
    }
}

static void build_samesize(void)
{
    struct ref *r = ref_new("fx_samesize", fx_samesize = new_map(LIBMAP_KEY_U64, 0, 8, 40, NULL),
                            LIBMAP_KEY_U64, 8);
    struct libmap *m = fx_samesize;
    if (m->B != 3)
        die("samesize: expected B=3");
    uint64_t next = 1;
    /* one overflow bucket per bucket: 9 keys in, 8 out; one key stays in
     * each overflow bucket */
    for (size_t b = 0; b < bucket_shift(m->B); b++) {
        uint64_t keys[9];
        for (int i = 0; i < 9; i++) {
            keys[i] = key_in_bucket(m, b, &next);
            put_u64(r, keys[i], keys[i] + 1);
        }
        for (int i = 0; i < 8; i++)
            del_u64(r, keys[i]);
    }
    if (m->noverflow < bucket_shift(m->B) || m->oldbuckets != NULL)
        die("samesize: overflow buckets not made");
    /* the next new key starts same-size growth; one more advances it */
    put_u64(r, key_in_bucket(m, 2, &next), 1000);
    put_u64(r, key_in_bucket(m, 5, &next), 1001);
    if (m->oldbuckets == NULL || !same_size_grow(m) || m->nevacuate >= noldbuckets(m))
        die("samesize: not mid same-size growth");
}

static void build_itergrow(void)
{
    struct ref *r = ref_new("fx_itergrow", fx_itergrow = new_map(LIBMAP_KEY_U64, 0, 8, 0, NULL),
                            LIBMAP_KEY_U64, 8);
    struct libmap *m = fx_itergrow;
    uint64_t k = 1;
    for (; k <= 100; k++)
        put_u64(r, k, k * k);
    libmap_iter_init(&itergrow_iter, fx_itergrow);
    const void *kp;
    void *vp;
    if (!libmap_iter_next(&itergrow_iter, &kp, &vp))
        die("itergrow: empty iteration");
    while (!(m->oldbuckets != NULL && m->nevacuate >= 4)) {
        put_u64(r, k, k * k);
        k++;
        if (k > 10000)
            die("itergrow state not reached");
    }
    del_u64(r, 50);
    if (m->oldbuckets == NULL)
        die("itergrow: growth ended");
}

static void build_strings(void)
{
    struct ref *r = ref_new("fx_strings", fx_strings = new_map(LIBMAP_KEY_STRING, 0, 4, 0, NULL),
                            LIBMAP_KEY_STRING, 4);
    char buf[32];
    for (int i = 0; i < 60; i++) {
        snprintf(buf, sizeof buf, "key-%d", i);
        put_str(r, buf, (uint32_t)(i * 3));
    }
    put_str(r, "", 4242);
    put_str(r, "q\"uo\\te", 7);
    put_str(r, "a longer key, to take the 17..128 byte path of XXH3", 17);
    for (int i = 0; i < 60; i += 5) {
        snprintf(buf, sizeof buf, "key-%d", i);
        del_str(r, buf);
    }
}

static void build_sessions(void)
{
    struct ref *r = ref_new("fx_sessions",
                            fx_sessions = new_map(LIBMAP_KEY_BYTES, sizeof(struct fx_key),
                                                  sizeof(struct fx_session), 0, NULL),
                            LIBMAP_KEY_BYTES, sizeof(struct fx_session));
    for (int i = 0; i < 20; i++) {
        struct fx_key k;
        struct fx_session s;
        memset(&k, 0, sizeof k);
        memset(&s, 0, sizeof s);
        k.shard = (unsigned)(i % 3);
        k.id = (unsigned)(1000 + i);
        s.id = i;
        snprintf(s.name, sizeof s.name, "user%02d", i);
        s.score = i * 1.5;
        fx_key_src[i] = k;
        fx_session_src[i] = s;
        put_bytes(r, &k, sizeof k, &s);
    }
}

static void build_big(void)
{
    struct ref *r = ref_new("fx_big",
                            fx_big = new_map(LIBMAP_KEY_BYTES, sizeof(struct fx_bigkey),
                                             sizeof(struct fx_bigval), 0, NULL),
                            LIBMAP_KEY_BYTES, sizeof(struct fx_bigval));
    for (int i = 0; i < 12; i++) {
        struct fx_bigkey k;
        struct fx_bigval v;
        memset(&k, 0, sizeof k);
        snprintf(k.tag, sizeof k.tag, "big key number %d", i);
        for (int w = 0; w < 40; w++)
            v.words[w] = (unsigned long long)(i * 100 + w);
        put_bytes(r, &k, sizeof k, &v);
    }
}

static void build_u32set(void)
{
    struct ref *r = ref_new("fx_u32set", fx_u32set = new_map(LIBMAP_KEY_U32, 0, 0, 0, NULL),
                            LIBMAP_KEY_U32, 0);
    for (uint32_t i = 0; i < 30; i++) {
        uint32_t k = i * 2654435761u;
        if (libmap_assign_u32(r->m, k, NULL) < 0)
            die("assign_u32");
        ref_put(r, &k, 4, NULL);
    }
}

static uint64_t fx_user_hash(const void *key, size_t n, uint64_t seed, void *ctx)
{
    (void)ctx;
    uint64_t h = 1469598103934665603ull ^ seed;
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const unsigned char *)key)[i]) * 1099511628211ull;
    return h;
}

static void build_custom(void)
{
    struct ref *r = ref_new("fx_custom", fx_custom = new_map(LIBMAP_KEY_BYTES, 8, 8, 0, fx_user_hash),
                            LIBMAP_KEY_BYTES, 8);
    for (uint64_t i = 0; i < 10; i++) {
        uint64_t k = i << 40, v = i + 5;
        put_bytes(r, &k, 8, &v);
    }
}

static void build_damaged(void)
{
    struct ref *r = ref_new("fx_corrupt", fx_corrupt = new_map(LIBMAP_KEY_U64, 0, 8, 40, NULL),
                            LIBMAP_KEY_U64, 8);
    for (uint64_t k = 1; k <= 40; k++)
        put_u64(r, k, k + 100);
    /* damage the tophash of the first live slot of the highest bucket */
    struct libmap *m = fx_corrupt;
    for (size_t b = bucket_shift(m->B); b-- > 0;) {
        uint8_t *bk = bucket_at(m, m->buckets, b);
        for (unsigned s = 0; s < BUCKET_CNT; s++)
            if (bk[s] >= MIN_TOPHASH) {
                bk[s] = (uint8_t)(bk[s] == 0xff ? 0xfe : bk[s] + 1);
                snprintf(corrupt_lines[ncorrupt++], sizeof corrupt_lines[0],
                         "corrupt\tfx_corrupt\tnew bucket %zu slot %u", b, s);
                goto done;
            }
    }
done:
    r = ref_new("fx_badcount", fx_badcount = new_map(LIBMAP_KEY_U64, 0, 8, 0, NULL),
                LIBMAP_KEY_U64, 8);
    for (uint64_t k = 1; k <= 6; k++)
        put_u64(r, k, k);
    fx_badcount->count++;
    snprintf(corrupt_lines[ncorrupt++], sizeof corrupt_lines[0], "corrupt\tfx_badcount\tmap");
}

void fx_build(void)
{
    struct ref *r = ref_new("fx_small", fx_small = new_map(LIBMAP_KEY_U64, 0, 8, 0, NULL),
                            LIBMAP_KEY_U64, 8);
    for (uint64_t k = 1; k <= 5; k++)
        put_u64(r, k, k * 10);
    del_u64(r, 4);
    build_doubling();
    build_samesize();
    build_itergrow();
    build_strings();
    build_sessions();
    build_big();
    build_u32set();
    build_custom();
    ref_new("fx_empty", fx_empty = new_map(LIBMAP_KEY_U64, 0, 8, 0, NULL), LIBMAP_KEY_U64, 8);
    r = ref_new("fx_cleared", fx_cleared = new_map(LIBMAP_KEY_U64, 0, 8, 0, NULL),
                LIBMAP_KEY_U64, 8);
    for (uint64_t k = 1; k <= 50; k++)
        put_u64(r, k, k);
    libmap_clear(fx_cleared);
    for (size_t i = 0; i < r->n; i++)
        r->e[i].live = 0;
    build_damaged();
}
