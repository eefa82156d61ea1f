/*
 * shard.c — libmap_shard: 2^k libmap maps, each behind its own
 * reader-writer lock; a key's shard is chosen from its hash.
 *
 * Invariants:
 *
 *   One hash per operation. The shard map has one seed; every inner map is
 *   created with it as its hash0 and keeps it for good (hashed.h: no
 *   reseeding when a shard empties or is cleared). An operation hashes the
 *   key once, with that seed, takes the shard from the hash, and hands the
 *   same hash to the shard's map, whose own hash of the key it is. The
 *   seed and the key description are read from shards[0]'s map without its
 *   lock: nothing writes them after creation. The price of the fixed seed:
 *   a plain libmap picks a new seed whenever it is cleared or emptied, a
 *   shard map only when created (as absl's maps, whose seed is per
 *   process).
 *
 *   Shard bits. A libmap uses the hash's low B bits for the bucket (and
 *   bit B, when doubling, to split a bucket) and its top 8 bits for the
 *   tophash. The shard is bits [56-k, 56), just below the tophash: disjoint
 *   from the tophash, and from the bucket bits as long as B < 56-k, which
 *   every map that fits in memory satisfies (k <= 16: B < 40, 2^40 buckets
 *   of at least 80 bytes). Taking the shard from bits the inner map also
 *   uses would leave it part of its hash constant: shard bits in the
 *   tophash leave 256/2^k tophash values per shard (more false matches to
 *   compare), shard bits in the bucket index leave buckets empty.
 *
 *   Locks. Each shard's map is read only under its shard's read lock and
 *   written only under its write lock. Operations that need the whole map
 *   at one instant (clear, snapshot, and len's rare fallback) take every
 *   shard's lock in ascending shard order, so that they cannot deadlock
 *   with each other; no other operation holds two locks.
 *
 *   Cache lines. A shard (lock, map pointer, counters) is aligned to and
 *   padded to whole 64-byte lines, so that threads working on different
 *   shards never write the same line. The shard map's header is read-only
 *   after creation and has lines of its own.
 *
 *   len. Each shard counts inserts and deletes (two 64-bit counters that
 *   only grow, updated under the shard's write lock, in the same critical
 *   section as the change they count). len sums them twice over all shards;
 *   since the counters only grow, equal sums mean each counter held the
 *   same value over the whole interval between its two reads, so at the
 *   instant between the two passes all of them held those values at once:
 *   the difference is the number of entries at that instant. "Exact" is
 *   meant so: linearizable, the count the map held at one moment during the
 *   call, as if len had taken every lock. If writers keep changing counts
 *   during LEN_TRIES double passes, len takes every read lock (in order)
 *   and reads the counts.
 */
#include <unistd.h>

#include "hashed.h"
#include "key.h"
#include "lock.h"
#include "safe.h"

#define LEN_TRIES 8

struct shard {
    struct sync_lock lock;  /* lock.map: the shard's map (on the lock's first line,
                             * which every operation reads anyway) */
    _Atomic uint64_t inserts;
    _Atomic uint64_t deletes;
} __attribute__((aligned(CACHE_LINE)));

_Static_assert(sizeof(struct shard) % CACHE_LINE == 0, "shards are padded to cache lines");

struct libmap_shard {
    struct shard *shards;
    struct libmap *proto;   /* shards[0].lock.map: the seed and key description */
    unsigned bits;
    unsigned shift;         /* 56 - bits */
    size_t mask;
    uint64_t seed;
    struct safe_conf conf;
} __attribute__((aligned(CACHE_LINE)));

/* The shard of a hash (see the top comment). */
static ALWAYS_INLINE struct shard *shard_of(const struct libmap_shard *s, uint64_t hash)
{
    return &s->shards[(hash >> s->shift) & s->mask];
}

static unsigned default_bits(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        cpus = 1;
    unsigned bits = 0;
    while (bits < LIBMAP_SHARD_DEFAULT_MAX_BITS && ((size_t)1 << bits) < 4 * (size_t)cpus)
        bits++;
    return bits;
}

static void shards_free(struct libmap_shard *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        libmap_free(s->shards[i].lock.map);
        sync_lock_destroy(&s->shards[i].lock);
    }
    safe_free(&s->conf, s->shards, (s->mask + 1) * sizeof *s->shards);
}

int libmap_shard_new(const libmap_config *config, int shard_bits, libmap_shard **out)
{
    if (config == NULL || out == NULL || shard_bits > LIBMAP_SHARD_MAX_BITS)
        return LIBMAP_EINVAL;
    unsigned bits = shard_bits < 0 ? default_bits() : (unsigned)shard_bits;
    size_t n = (size_t)1 << bits;
    struct safe_conf conf;
    safe_conf_init(&conf, config);
    struct libmap_shard *s = safe_alloc(&conf, sizeof *s);
    if (s == NULL)
        return LIBMAP_ENOMEM;
    s->conf = conf;
    s->conf.config.allocator = config->allocator != NULL ? &s->conf.alloc : NULL;
    s->bits = bits;
    s->shift = 56 - bits;
    s->mask = n - 1;
    s->seed = libmap_rand();
    s->shards = safe_alloc(&conf, n * sizeof *s->shards);
    if (s->shards == NULL) {
        safe_free(&conf, s, sizeof *s);
        return LIBMAP_ENOMEM;
    }
    libmap_config inner = s->conf.config;
    inner.hint = config->hint == 0 ? 0 : config->hint / n + config->hint / (8 * n) + 1;
    for (size_t i = 0; i < n; i++) {
        struct shard *sh = &s->shards[i];
        struct libmap *map;
        int rc = map_new_seeded(&inner, s->seed, &map);
        if (rc == 0 &&
            sync_lock_init(&sh->lock, LIBMAP_GUARD_SHARD, s, (uint32_t)i, (uint32_t)n, map) != 0) {
            libmap_free(map);
            rc = LIBMAP_ENOMEM;
        }
        if (rc != 0) {
            shards_free(s, i);
            safe_free(&conf, s, sizeof *s);
            return rc;
        }
        atomic_init(&sh->inserts, 0);
        atomic_init(&sh->deletes, 0);
    }
    s->proto = s->shards[0].lock.map;
    *out = s;
    return 0;
}

void libmap_shard_free(libmap_shard *s)
{
    if (s == NULL)
        return;
    shards_free(s, s->mask + 1);
    struct safe_conf conf = s->conf;
    safe_free(&conf, s, sizeof *s);
}

size_t libmap_shard_count(const libmap_shard *s) { return s == NULL ? 0 : s->mask + 1; }

size_t libmap_shard_index(const libmap_shard *s, const void *key)
{
    if (s == NULL || key == NULL)
        return 0;
    return (size_t)(shard_of(s, map_key_hash(s->proto, key)) - s->shards);
}

/* Count a change (one of a shard's two counters), under the shard's write
 * lock: only the lock holder writes it, so a load and a store suffice. */
static ALWAYS_INLINE void count_change(_Atomic uint64_t *c)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
                          memory_order_release);
}

static ALWAYS_INLINE int assign_hashed(libmap_shard *s, const void *key, uint64_t hash,
                                       const void *value)
{
    struct shard *sh = shard_of(s, hash);
    sync_wrlock(&sh->lock);
    int rc = map_assign_hashed(sh->lock.map, key, hash, value);
    if (rc == LIBMAP_INSERTED)
        count_change(&sh->inserts);
    sync_wrunlock(&sh->lock);
    return rc;
}

static ALWAYS_INLINE bool lookup_hashed(libmap_shard *s, const void *key, uint64_t hash,
                                        void *value_out)
{
    struct shard *sh = shard_of(s, hash);
    sync_rdlock(&sh->lock);
    bool found = map_lookup_hashed(sh->lock.map, key, hash, value_out);
    sync_rdunlock(&sh->lock);
    return found;
}

static ALWAYS_INLINE int delete_hashed(libmap_shard *s, const void *key, uint64_t hash)
{
    struct shard *sh = shard_of(s, hash);
    sync_wrlock(&sh->lock);
    int rc = map_delete_hashed(sh->lock.map, key, hash);
    if (rc == LIBMAP_DELETED)
        count_change(&sh->deletes);
    sync_wrunlock(&sh->lock);
    return rc;
}

/* ---- the generic operations: libmap's argument checks, then hash once ---- */

int libmap_shard_assign(libmap_shard *s, const void *key, const void *value)
{
    if (s == NULL || !safe_key_ok(&s->conf, key) ||
        (value == NULL && s->conf.config.value_size != 0))
        return LIBMAP_EINVAL;
    return assign_hashed(s, key, map_key_hash(s->proto, key), value);
}

bool libmap_shard_lookup(libmap_shard *s, const void *key, void *value_out)
{
    if (s == NULL || !safe_key_ok(&s->conf, key))
        return false;
    return lookup_hashed(s, key, map_key_hash(s->proto, key), value_out);
}

int libmap_shard_delete(libmap_shard *s, const void *key)
{
    if (s == NULL || !safe_key_ok(&s->conf, key))
        return LIBMAP_EINVAL;
    return delete_hashed(s, key, map_key_hash(s->proto, key));
}

/* ---- the typed fast paths: the hash inline, specialized by kind ---- */

#define SHARD_TYPED(suffix, ktype, KIND)                                                        \
    int libmap_shard_assign_##suffix(libmap_shard *s, ktype key, const void *value)             \
    {                                                                                           \
        if (UNLIKELY(s == NULL || s->conf.config.key_kind != KIND ||                            \
                     (value == NULL && s->conf.config.value_size != 0)))                        \
            return LIBMAP_EINVAL;                                                               \
        return assign_hashed(s, &key, key_hash(s->proto, &key, KIND), value);                   \
    }                                                                                           \
    bool libmap_shard_lookup_##suffix(libmap_shard *s, ktype key, void *value_out)              \
    {                                                                                           \
        if (UNLIKELY(s == NULL || s->conf.config.key_kind != KIND))                             \
            return false;                                                                       \
        return lookup_hashed(s, &key, key_hash(s->proto, &key, KIND), value_out);               \
    }                                                                                           \
    int libmap_shard_delete_##suffix(libmap_shard *s, ktype key)                                \
    {                                                                                           \
        if (UNLIKELY(s == NULL || s->conf.config.key_kind != KIND))                             \
            return LIBMAP_EINVAL;                                                               \
        return delete_hashed(s, &key, key_hash(s->proto, &key, KIND));                         \
    }

SHARD_TYPED(u64, uint64_t, LIBMAP_KEY_U64)
SHARD_TYPED(u32, uint32_t, LIBMAP_KEY_U32)

int libmap_shard_assign_str(libmap_shard *s, const char *key, size_t len, const void *value)
{
    if (UNLIKELY(s == NULL || s->conf.config.key_kind != LIBMAP_KEY_STRING ||
                 (key == NULL && len != 0) || (value == NULL && s->conf.config.value_size != 0)))
        return LIBMAP_EINVAL;
    libmap_str k = {key, len};
    return assign_hashed(s, &k, key_hash(s->proto, &k, LIBMAP_KEY_STRING), value);
}

bool libmap_shard_lookup_str(libmap_shard *s, const char *key, size_t len, void *value_out)
{
    if (UNLIKELY(s == NULL || s->conf.config.key_kind != LIBMAP_KEY_STRING ||
                 (key == NULL && len != 0)))
        return false;
    libmap_str k = {key, len};
    return lookup_hashed(s, &k, key_hash(s->proto, &k, LIBMAP_KEY_STRING), value_out);
}

int libmap_shard_delete_str(libmap_shard *s, const char *key, size_t len)
{
    if (UNLIKELY(s == NULL || s->conf.config.key_kind != LIBMAP_KEY_STRING ||
                 (key == NULL && len != 0)))
        return LIBMAP_EINVAL;
    libmap_str k = {key, len};
    return delete_hashed(s, &k, key_hash(s->proto, &k, LIBMAP_KEY_STRING));
}

/* ---- read-modify-write ---- */

int libmap_shard_update(libmap_shard *s, const void *key, libmap_update_fn fn, void *ctx)
{
    if (s == NULL || fn == NULL || !safe_key_ok(&s->conf, key))
        return LIBMAP_EINVAL;
    struct safe_value buf;
    if (safe_value_get(&s->conf, &buf) != 0)
        return LIBMAP_ENOMEM;
    uint64_t hash = map_key_hash(s->proto, key);
    struct shard *sh = shard_of(s, hash);
    int delta;
    sync_wrlock(&sh->lock);
    int rc = safe_update_locked(sh->lock.map, key, true, hash, fn, ctx, buf.p, &delta);
    if (delta > 0)
        count_change(&sh->inserts);
    else if (delta < 0)
        count_change(&sh->deletes);
    sync_wrunlock(&sh->lock);
    safe_value_put(&s->conf, &buf);
    return rc;
}

int libmap_shard_lookup_or_assign(libmap_shard *s, const void *key, const void *value,
                                  void *value_out)
{
    if (s == NULL || !safe_key_ok(&s->conf, key))
        return LIBMAP_EINVAL;
    uint64_t hash = map_key_hash(s->proto, key);
    if (lookup_hashed(s, key, hash, value_out))
        return 0; /* the common case, under the read lock only */
    struct safe_value zero = {.p = NULL};
    if (value == NULL && s->conf.config.value_size != 0) {
        if (safe_value_get(&s->conf, &zero) != 0)
            return LIBMAP_ENOMEM;
        memset(zero.p, 0, zero.size);
        value = zero.p;
    }
    struct shard *sh = shard_of(s, hash);
    sync_wrlock(&sh->lock);
    int rc = 0;
    if (!map_lookup_hashed(sh->lock.map, key, hash, value_out)) { /* not inserted meanwhile */
        rc = map_assign_hashed(sh->lock.map, key, hash, value);
        if (rc == LIBMAP_INSERTED) {
            count_change(&sh->inserts);
            if (value_out != NULL)
                memcpy(value_out, value, s->conf.config.value_size);
        }
    }
    sync_wrunlock(&sh->lock);
    safe_value_put(&s->conf, &zero);
    return rc;
}

/* ---- whole-map operations ---- */

static void lock_all(libmap_shard *s, bool write)
{
    for (size_t i = 0; i <= s->mask; i++) {
        if (write)
            sync_wrlock(&s->shards[i].lock);
        else
            sync_rdlock(&s->shards[i].lock);
    }
}

static void unlock_all(libmap_shard *s, bool write)
{
    for (size_t i = s->mask + 1; i-- > 0;) {
        if (write)
            sync_wrunlock(&s->shards[i].lock);
        else
            sync_rdunlock(&s->shards[i].lock);
    }
}

void libmap_shard_clear(libmap_shard *s)
{
    if (s == NULL)
        return;
    lock_all(s, true);
    for (size_t i = 0; i <= s->mask; i++) {
        struct shard *sh = &s->shards[i];
        map_clear_keep_seed(sh->lock.map);
        /* deletes catches up with inserts: the shard counts 0 */
        atomic_store_explicit(&sh->deletes, atomic_load_explicit(&sh->inserts,
                                                                 memory_order_relaxed),
                              memory_order_release);
    }
    unlock_all(s, true);
}

/* One pass over the counters: the sums of inserts and of deletes. */
static void count_pass(const libmap_shard *s, uint64_t *ins, uint64_t *del)
{
    uint64_t a = 0, d = 0;
    for (size_t i = 0; i <= s->mask; i++) {
        a += atomic_load(&s->shards[i].inserts);
        d += atomic_load(&s->shards[i].deletes);
    }
    *ins = a;
    *del = d;
}

size_t libmap_shard_len(const libmap_shard *cs)
{
    if (cs == NULL)
        return 0;
    uint64_t ins1, del1, ins2, del2;
    count_pass(cs, &ins1, &del1);
    for (int t = 0; t < LEN_TRIES; t++) {
        count_pass(cs, &ins2, &del2);
        if (ins1 == ins2 && del1 == del2)
            return (size_t)(ins1 - del1);
        ins1 = ins2;
        del1 = del2;
    }
    libmap_shard *s = (libmap_shard *)cs;
    lock_all(s, false);
    count_pass(s, &ins1, &del1);
    unlock_all(s, false);
    return (size_t)(ins1 - del1);
}

size_t libmap_shard_foreach(libmap_shard *s, libmap_visit_fn fn, void *ctx)
{
    if (s == NULL || fn == NULL)
        return 0;
    size_t n = 0;
    bool stop = false;
    for (size_t i = 0; i <= s->mask && !stop; i++) {
        struct shard *sh = &s->shards[i];
        sync_rdlock(&sh->lock);
        n += safe_visit_locked(sh->lock.map, fn, ctx, &stop);
        sync_rdunlock(&sh->lock);
    }
    return n;
}

int libmap_shard_snapshot(libmap_shard *s, libmap **out)
{
    if (s == NULL || out == NULL)
        return LIBMAP_EINVAL;
    libmap *copy;
    int rc = safe_snapshot_new(&s->conf, libmap_shard_len(s), &copy);
    if (rc != 0)
        return rc;
    lock_all(s, false);
    for (size_t i = 0; i <= s->mask && rc == 0; i++)
        rc = safe_copy_locked(copy, s->shards[i].lock.map);
    unlock_all(s, false);
    return safe_snapshot_done(copy, rc, out);
}
