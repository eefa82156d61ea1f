/*
 * sync.c — libmap_sync: one libmap map behind one reader-writer lock.
 *
 * Invariants:
 *   - every access to the inner map happens with the lock held: lookups
 *     and iteration under the read lock (libmap allows any number of
 *     concurrent readers), assign, delete, clear and update under the
 *     write lock. The inner map's concurrent-access check stays on, so a
 *     path here that forgot the lock would abort naming both threads.
 *   - count equals the inner map's count at every moment no writer holds
 *     the lock: the writer stores it (release) before it unlocks. len reads
 *     it without the lock (acquire): it returns the count after some write
 *     that had completed when len was called, or one that overlaps it,
 *     never a count the map did not hold (one word, written at the point
 *     the write takes effect as far as any reader can see).
 *   - the lock and count sit on their own cache line (the header is
 *     allocated on a line boundary), away from the map pointer and the
 *     configuration that only get read.
 */
#include "lock.h"
#include "safe.h"

struct libmap_sync {
    /* written by every operation: the lock, and count by writers */
    struct sync_lock lock;
    _Atomic size_t count;
    /* read-only after creation */
    _Alignas(CACHE_LINE) struct libmap *map;
    struct safe_conf conf;
};

int libmap_sync_new(const libmap_config *config, libmap_sync **out)
{
    if (config == NULL || out == NULL)
        return LIBMAP_EINVAL;
    struct safe_conf conf;
    safe_conf_init(&conf, config);
    struct libmap_sync *s = safe_alloc(&conf, sizeof *s);
    if (s == NULL)
        return LIBMAP_ENOMEM;
    s->conf = conf;
    s->conf.config.allocator = config->allocator != NULL ? &s->conf.alloc : NULL;
    int rc = libmap_new(&s->conf.config, &s->map);
    if (rc != 0) {
        safe_free(&conf, s, sizeof *s);
        return rc;
    }
    if (sync_lock_init(&s->lock, LIBMAP_GUARD_SYNC, s, 0, 1, s->map) != 0) {
        libmap_free(s->map);
        safe_free(&conf, s, sizeof *s);
        return LIBMAP_ENOMEM;
    }
    atomic_init(&s->count, 0);
    *out = s;
    return 0;
}

void libmap_sync_free(libmap_sync *s)
{
    if (s == NULL)
        return;
    libmap_free(s->map);
    sync_lock_destroy(&s->lock);
    struct safe_conf conf = s->conf;
    safe_free(&conf, s, sizeof *s);
}

/* After a write under the lock: publish the new count (delta -1, 0, +1). */
static inline void count_add(struct libmap_sync *s, int delta)
{
    if (delta != 0) {
        size_t n = atomic_load_explicit(&s->count, memory_order_relaxed);
        atomic_store_explicit(&s->count, n + (size_t)(ptrdiff_t)delta, memory_order_release);
    }
}

/* The generic and typed operations: the same three shapes, one macro each.
 * The key-kind and argument checks are libmap's (it returns LIBMAP_EINVAL
 * or false without touching the map). */
#define SYNC_ASSIGN(s, call)                                                                      \
    do {                                                                                          \
        if (s == NULL)                                                                            \
            return LIBMAP_EINVAL;                                                                 \
        sync_wrlock(&s->lock);                                                                    \
        int rc_ = (call);                                                                         \
        count_add(s, rc_ == LIBMAP_INSERTED);                                                     \
        sync_wrunlock(&s->lock);                                                                  \
        return rc_;                                                                               \
    } while (0)
#define SYNC_DELETE(s, call)                                                                      \
    do {                                                                                          \
        if (s == NULL)                                                                            \
            return LIBMAP_EINVAL;                                                                 \
        sync_wrlock(&s->lock);                                                                    \
        int rc_ = (call);                                                                         \
        count_add(s, -(rc_ == LIBMAP_DELETED));                                                      \
        sync_wrunlock(&s->lock);                                                                  \
        return rc_;                                                                               \
    } while (0)
#define SYNC_LOOKUP(s, call)                                                                      \
    do {                                                                                          \
        if (s == NULL)                                                                            \
            return false;                                                                         \
        sync_rdlock(&s->lock);                                                                    \
        bool found_ = (call);                                                                     \
        sync_rdunlock(&s->lock);                                                                  \
        return found_;                                                                            \
    } while (0)

int libmap_sync_assign(libmap_sync *s, const void *key, const void *value)
{
    SYNC_ASSIGN(s, libmap_assign(s->map, key, value));
}
bool libmap_sync_lookup(libmap_sync *s, const void *key, void *value_out)
{
    SYNC_LOOKUP(s, libmap_lookup(s->map, key, value_out));
}
int libmap_sync_delete(libmap_sync *s, const void *key)
{
    SYNC_DELETE(s, libmap_delete(s->map, key));
}
int libmap_sync_assign_u64(libmap_sync *s, uint64_t key, const void *value)
{
    SYNC_ASSIGN(s, libmap_assign_u64(s->map, key, value));
}
bool libmap_sync_lookup_u64(libmap_sync *s, uint64_t key, void *value_out)
{
    SYNC_LOOKUP(s, libmap_lookup_u64(s->map, key, value_out));
}
int libmap_sync_delete_u64(libmap_sync *s, uint64_t key)
{
    SYNC_DELETE(s, libmap_delete_u64(s->map, key));
}
int libmap_sync_assign_u32(libmap_sync *s, uint32_t key, const void *value)
{
    SYNC_ASSIGN(s, libmap_assign_u32(s->map, key, value));
}
bool libmap_sync_lookup_u32(libmap_sync *s, uint32_t key, void *value_out)
{
    SYNC_LOOKUP(s, libmap_lookup_u32(s->map, key, value_out));
}
int libmap_sync_delete_u32(libmap_sync *s, uint32_t key)
{
    SYNC_DELETE(s, libmap_delete_u32(s->map, key));
}
int libmap_sync_assign_str(libmap_sync *s, const char *key, size_t len, const void *value)
{
    SYNC_ASSIGN(s, libmap_assign_str(s->map, key, len, value));
}
bool libmap_sync_lookup_str(libmap_sync *s, const char *key, size_t len, void *value_out)
{
    SYNC_LOOKUP(s, libmap_lookup_str(s->map, key, len, value_out));
}
int libmap_sync_delete_str(libmap_sync *s, const char *key, size_t len)
{
    SYNC_DELETE(s, libmap_delete_str(s->map, key, len));
}

void libmap_sync_clear(libmap_sync *s)
{
    if (s == NULL)
        return;
    sync_wrlock(&s->lock);
    libmap_clear(s->map);
    atomic_store_explicit(&s->count, 0, memory_order_release);
    sync_wrunlock(&s->lock);
}

size_t libmap_sync_len(const libmap_sync *s)
{
    if (s == NULL)
        return 0;
    return atomic_load_explicit(&((struct libmap_sync *)s)->count, memory_order_acquire);
}

int libmap_sync_update(libmap_sync *s, const void *key, libmap_update_fn fn, void *ctx)
{
    if (s == NULL || fn == NULL || !safe_key_ok(&s->conf, key))
        return LIBMAP_EINVAL;
    struct safe_value buf;
    if (safe_value_get(&s->conf, &buf) != 0)
        return LIBMAP_ENOMEM;
    int delta;
    sync_wrlock(&s->lock);
    int rc = safe_update_locked(s->map, key, false, 0, fn, ctx, buf.p, &delta);
    count_add(s, delta);
    sync_wrunlock(&s->lock);
    safe_value_put(&s->conf, &buf);
    return rc;
}

int libmap_sync_lookup_or_assign(libmap_sync *s, const void *key, const void *value,
                                 void *value_out)
{
    if (s == NULL || !safe_key_ok(&s->conf, key))
        return LIBMAP_EINVAL;
    /* the common case, a hit, under the read lock only */
    sync_rdlock(&s->lock);
    bool found = libmap_lookup(s->map, key, value_out);
    sync_rdunlock(&s->lock);
    if (found)
        return 0;
    struct safe_value zero = {.p = NULL};
    if (value == NULL && s->conf.config.value_size != 0) {
        if (safe_value_get(&s->conf, &zero) != 0)
            return LIBMAP_ENOMEM;
        memset(zero.p, 0, zero.size);
        value = zero.p;
    }
    sync_wrlock(&s->lock);
    int rc = 0;
    if (!libmap_lookup(s->map, key, value_out)) { /* not inserted meanwhile */
        rc = libmap_assign(s->map, key, value);
        count_add(s, rc == LIBMAP_INSERTED);
        if (rc == LIBMAP_INSERTED && value_out != NULL)
            memcpy(value_out, value, s->conf.config.value_size);
    }
    sync_wrunlock(&s->lock);
    safe_value_put(&s->conf, &zero);
    return rc;
}

size_t libmap_sync_foreach(libmap_sync *s, libmap_visit_fn fn, void *ctx)
{
    if (s == NULL || fn == NULL)
        return 0;
    bool stop = false;
    sync_rdlock(&s->lock);
    size_t n = safe_visit_locked(s->map, fn, ctx, &stop);
    sync_rdunlock(&s->lock);
    return n;
}

int libmap_sync_snapshot(libmap_sync *s, libmap **out)
{
    if (s == NULL || out == NULL)
        return LIBMAP_EINVAL;
    libmap *copy;
    int rc = safe_snapshot_new(&s->conf, libmap_sync_len(s), &copy);
    if (rc != 0)
        return rc;
    sync_rdlock(&s->lock);
    rc = safe_copy_locked(copy, s->map);
    sync_rdunlock(&s->lock);
    return safe_snapshot_done(copy, rc, out);
}
