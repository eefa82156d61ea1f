/*
 * safe.h — what libmap_sync (sync.c) and libmap_shard (shard.c) share:
 * their copy of the configuration, cache-line-aligned allocation of their
 * headers, argument checks, and the operations they run on one inner map
 * with its lock held (read-modify-write, visiting, copying).
 */
#ifndef LIBMAP_SAFE_H
#define LIBMAP_SAFE_H

#include <libmap/sync.h>

#include "internal.h"

#define CACHE_LINE 64

/* The configuration the wrapper was created with, kept for snapshots
 * (a plain libmap of the same kind) and for its own allocations. */
struct safe_conf {
    libmap_config config;     /* config.allocator points to alloc, or is NULL */
    libmap_allocator alloc;   /* the user's, or malloc/free */
};

void safe_conf_init(struct safe_conf *c, const libmap_config *config);
/* size bytes, zeroed, aligned to CACHE_LINE, from the configured allocator. */
void *safe_alloc(const struct safe_conf *c, size_t size);
void safe_free(const struct safe_conf *c, void *p, size_t size);

/* Whether key is a valid key for a map of this kind (libmap's own checks:
 * not NULL; a string's ptr NULL only when its len is 0). */
static inline bool safe_key_ok(const struct safe_conf *c, const void *key)
{
    if (key == NULL)
        return false;
    if (c->config.key_kind == LIBMAP_KEY_STRING) {
        const libmap_str *s = key;
        return s->ptr != NULL || s->len == 0;
    }
    return true;
}

/* A buffer of value_size bytes for a copy of a value: on the stack up to
 * SAFE_STACK_VALUE bytes, else allocated (before any lock is taken). */
#define SAFE_STACK_VALUE 256
struct safe_value {
    uint8_t stack[SAFE_STACK_VALUE];
    uint8_t *p;
    size_t size;
};
int safe_value_get(const struct safe_conf *c, struct safe_value *v);
void safe_value_put(const struct safe_conf *c, struct safe_value *v);

/* The read-modify-write of update, on inner map m whose write lock the
 * caller holds. hashed: m is a shard's map and hash the key's hash
 * (hashed.h); else m is used through the public functions. buf: a
 * value_size buffer (safe_value_get). Sets *delta to the change in the
 * number of entries (-1, 0, +1). Returns as libmap_sync_update. */
int safe_update_locked(struct libmap *m, const void *key, bool hashed, uint64_t hash,
                       libmap_update_fn fn, void *ctx, uint8_t *buf, int *delta);

/* Call fn on each entry of m (read lock held by the caller) until it
 * returns false (then *stop is set). Returns the number of calls. */
size_t safe_visit_locked(struct libmap *m, libmap_visit_fn fn, void *ctx, bool *stop);

/* Assign every entry of src (read lock held) into dst. 0 or LIBMAP_ENOMEM. */
int safe_copy_locked(libmap *dst, struct libmap *src);

/* A snapshot's two ends, shared by libmap_sync and libmap_shard: the copy,
 * a plain libmap configured as c and sized for n entries (0 or libmap_new's
 * error); then, with the copying's result rc, *out = copy on success, or
 * the copy freed and rc returned. */
int safe_snapshot_new(const struct safe_conf *c, size_t n, libmap **copy);
int safe_snapshot_done(libmap *copy, int rc, libmap **out);

#endif /* LIBMAP_SAFE_H */
