/*
 * map.c — creating, sizing, clearing and freeing maps (Go's makemap,
 * mapclear) and the small accessors.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "detect.h"
#include "hashed.h"
#include "trace.h"

/* The default allocator: malloc, except that large blocks (bucket arrays)
 * come straight from mmap, aligned to 2 MiB and advised for transparent huge
 * pages: fresh mappings are already zero, and huge pages cut page faults
 * and TLB misses on random bucket access. */
#define HUGE_BLOCK ((size_t)1 << 21)

static void *huge_alloc(size_t size)
{
    size_t len = (size + HUGE_BLOCK - 1) & ~(HUGE_BLOCK - 1);
    uint8_t *p = mmap(NULL, len + HUGE_BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uint8_t *aligned = (uint8_t *)(((uintptr_t)p + HUGE_BLOCK - 1) & ~(uintptr_t)(HUGE_BLOCK - 1));
    if (aligned != p)
        munmap(p, (size_t)(aligned - p));
    size_t tail = (size_t)(p + len + HUGE_BLOCK - (aligned + len));
    if (tail)
        munmap(aligned + len, tail);
    madvise(aligned, len, MADV_HUGEPAGE);
    return aligned;
}

static void *default_alloc(size_t size, bool zero, void *ctx)
{
    (void)ctx;
    if (size >= HUGE_BLOCK)
        return huge_alloc(size);
    return zero ? calloc(1, size) : malloc(size);
}

static void default_free(void *p, size_t size, void *ctx)
{
    (void)ctx;
    if (size >= HUGE_BLOCK)
        munmap(p, (size + HUGE_BLOCK - 1) & ~(HUGE_BLOCK - 1));
    else
        free(p);
}

/* Fill the type descriptor: slot sizes and the bucket geometry. */
static int type_init(struct libmap_type *t, const libmap_config *c)
{
    memset(t, 0, sizeof *t);
    t->key_kind = (uint8_t)c->key_kind;
    switch (c->key_kind) {
    case LIBMAP_KEY_U32:
    case LIBMAP_KEY_U64:
    case LIBMAP_KEY_STRING:
        t->key_size = typed_key_size(c->key_kind);
        break;
    case LIBMAP_KEY_BYTES:
        if (c->key_size == 0 || c->key_size > ((size_t)1 << 30))
            return LIBMAP_EINVAL;
        t->key_size = c->key_size;
        t->hash = c->hash;
        t->equal = c->equal;
        break;
    default:
        return LIBMAP_EINVAL;
    }
    if (c->key_kind != LIBMAP_KEY_BYTES && (c->hash != NULL || c->equal != NULL || c->key_size != 0))
        return LIBMAP_EINVAL;
    if (c->value_size > ((size_t)1 << 30))
        return LIBMAP_EINVAL;
    t->ctx = c->callback_ctx;
    t->value_size = c->value_size;
    size_t kslot = t->key_size, vslot = t->value_size;
    if (kslot > MAX_KEY_INLINE) {
        kslot = sizeof(void *);
        t->flags |= T_INDIRECT_KEY;
    }
    if (vslot > MAX_VALUE_INLINE) {
        vslot = sizeof(void *);
        t->flags |= T_INDIRECT_VALUE;
    }
    t->key_slot = (uint16_t)kslot;
    t->value_slot = (uint16_t)vslot;
    t->key_offset = BUCKET_KEY_OFFSET;
    t->value_offset = (uint32_t)bucket_value_offset(kslot);
    t->overflow_offset = (uint32_t)align8(t->value_offset + BUCKET_CNT * vslot);
    t->bucket_size = t->overflow_offset + (uint32_t)sizeof(void *);
    return 0;
}

int libmap_new(const libmap_config *config, libmap **out)
{
    if (config == NULL || out == NULL)
        return LIBMAP_EINVAL;
    struct libmap_type t;
    int rc = type_init(&t, config);
    if (rc != 0)
        return rc;
    libmap_allocator a = {default_alloc, default_free, NULL};
    if (config->allocator != NULL) {
        if (config->allocator->alloc == NULL || config->allocator->free == NULL)
            return LIBMAP_EINVAL;
        a = *config->allocator;
    }
    struct libmap *m = a.alloc(sizeof *m, true, a.ctx);
    if (m == NULL)
        return LIBMAP_ENOMEM;
    m->alloc = a;
    m->t = t;
    m->prng = libmap_rand() | 1;
    m->hash0 = map_rand(m);
    atomic_init(&m->writer, 0);
    atomic_init(&m->live_iters, 0);

    uint8_t B = 0;
    while (B < 8 * sizeof(size_t) - 9 && over_load_factor(config->hint, B))
        B++;
    if (B != 0) {
        m->B = B;
        m->buckets = bucket_array_new(m, B, &m->next_overflow);
        if (m->buckets == NULL) {
            a.free(m, sizeof *m, a.ctx);
            return LIBMAP_ENOMEM;
        }
    }
    m->magic = MAP_MAGIC;
    registry_add(m);
    LIBMAP_TRACE_NEW(m, config->hint);
    *out = m;
    return 0;
}

/* Free every bucket array with its chains and all entry storage. */
static void release_arrays(struct libmap *m)
{
    release_all_entries(m);
    if (m->oldbuckets != NULL) {
        bucket_array_free_chains(m, m->oldbuckets);
        bucket_array_free(m, m->oldbuckets);
        m->oldbuckets = NULL;
    }
    release_all_retired(m);
}

void libmap_free(libmap *m)
{
    if (m == NULL)
        return;
    uint64_t mine = write_begin(m, LIBMAP_OP_CLEAR);
    write_end(m, mine);
    LIBMAP_TRACE_FREE(m);
    registry_remove(m);
    release_arrays(m);
    if (m->buckets != NULL) {
        bucket_array_free_chains(m, m->buckets);
        bucket_array_free(m, m->buckets);
    }
    map_dealloc(m, m->graveyard, m->graveyard_cap * sizeof *m->graveyard);
    m->magic = MAP_MAGIC_FREED;
    libmap_allocator a = m->alloc;
    a.free(m, sizeof *m, a.ctx);
}

/* Clear's release: entry storage is freed; what a racing reader may be
 * walking (the old array of a growth in progress, the heap overflow
 * buckets) is retired (internal.h), after freeing what earlier releases
 * retired if that exceeds the budget. */
static void clear_arrays(struct libmap *m)
{
    release_all_entries(m);
    release_retired(m);
    if (m->oldbuckets != NULL) {
        retire_array(m, m->oldbuckets, true);
        m->oldbuckets = NULL;
    }
    if (m->buckets != NULL)
        retire_chains(m, m->buckets);
}

/* clear; reseed: pick a new seed (libmap_clear) or keep it (libmap_shard's
 * maps: hashed.h). */
static void clear_impl(struct libmap *m, bool reseed)
{
    LIBMAP_TRACE_START(clear, t0);
    uint64_t mine = write_begin(m, LIBMAP_OP_CLEAR);
    clear_arrays(m);
    if (m->buckets != NULL) {
        /* keep the array (its heap chains were retired), and rebuild the
         * preallocated overflow area as if newly allocated */
        struct barray *a = barray_of(m->buckets);
        size_t bs = m->t.bucket_size;
        memset(m->buckets, 0, a->nbuckets * bs);
        a->chains_kept = 0;
        m->next_overflow = NULL;
        if (a->nbuckets != a->nbase) {
            m->next_overflow = m->buckets + a->nbase * bs;
            set_overflow(m, m->buckets + (a->nbuckets - 1) * bs, m->buckets);
        }
    }
    m->flags = 0;
    m->count = 0;
    m->noverflow = 0;
    m->nevacuate = 0;
    if (reseed)
        m->hash0 = map_rand(m);
    m->clearseq++;
    LIBMAP_TRACE_CLEAR(m, t0, mine);
    write_end(m, mine);
}

void libmap_clear(libmap *m)
{
    if (m == NULL)
        return;
    clear_impl(m, true);
}

void map_clear_keep_seed(struct libmap *m) { clear_impl(m, false); }

int map_new_seeded(const libmap_config *config, uint64_t seed, struct libmap **out)
{
    int rc = libmap_new(config, out);
    if (rc == 0)
        (*out)->hash0 = seed;
    return rc;
}

size_t libmap_len(const libmap *m) { return m == NULL ? 0 : m->count; }

libmap_key_kind libmap_key_kind_of(const libmap *m) { return (libmap_key_kind)m->t.key_kind; }

size_t libmap_value_size(const libmap *m) { return m->t.value_size; }

const char *libmap_strerror(int err)
{
    switch (err) {
    case 0:
        return "success";
    case LIBMAP_ENOMEM:
        return "out of memory (the map is unchanged)";
    case LIBMAP_EINVAL:
        return "invalid argument (the map is unchanged)";
    default:
        return err > 0 ? "success" : "unknown libmap error";
    }
}
