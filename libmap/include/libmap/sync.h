/*
 * libmap/sync.h — the maps that are safe from any number of threads:
 * libmap_sync (one libmap map with its own lock) and libmap_shard (2^k
 * libmap maps, each with its own lock, chosen by the key's hash).
 *
 * These are the fix for "fatal error: concurrent map writes" and its
 * siblings (docs/safe-maps.md): every function below may be called from
 * any thread at any time, on the same map, with no lock of the caller's.
 * The maps inside keep libmap's concurrent-access check: a bug in these
 * wrappers would abort with both threads named, as in a user's program.
 *
 * Keys, values, configuration, errors and results are those of
 * <libmap/map.h>: the same libmap_config, LIBMAP_INSERTED / LIBMAP_UPDATED,
 * LIBMAP_DELETED / LIBMAP_ABSENT, LIBMAP_EINVAL / LIBMAP_ENOMEM. On error
 * the map is left exactly as it was.
 *
 * Lookups copy the value out while holding the (read) lock: no pointer into
 * the map is ever handed out, except to the callbacks below, which run with
 * the lock held.
 *
 * Callbacks (update, visit) run while the map's lock is held: they must not
 * call any function on the same map (it would deadlock), and they should be
 * short, since they hold up every other thread that needs the same lock.
 */
#ifndef LIBMAP_SYNC_H
#define LIBMAP_SYNC_H

#include <libmap/map.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct libmap_sync libmap_sync;
typedef struct libmap_shard libmap_shard;

/* What an update callback asks for (its return value). */
#define LIBMAP_UPDATE_STORE 0  /* store *value under key (insert it if absent) */
#define LIBMAP_UPDATE_DELETE 1 /* remove key (nothing happens if it is absent) */
#define LIBMAP_UPDATE_KEEP 2   /* leave the map as it was */

/* The read-modify-write callback of libmap_sync_update / libmap_shard_update.
 * Runs under the write lock, once. value points to a copy of the current
 * value when present is true, else to value_size zero bytes; the callback
 * may change it and returns one of LIBMAP_UPDATE_*. The copy is written
 * back only for LIBMAP_UPDATE_STORE, so that a failed store (LIBMAP_ENOMEM)
 * leaves the map unchanged. */
typedef int (*libmap_update_fn)(const void *key, void *value, bool present, void *ctx);

/* The callback of libmap_sync_foreach / libmap_shard_foreach: one entry,
 * under the read lock. key is as libmap_iter_next gives it (a libmap_str
 * for string keys); both pointers are valid only during the call. Return
 * true to go on, false to stop. */
typedef bool (*libmap_visit_fn)(const void *key, const void *value, void *ctx);

/* ---- libmap_sync: one map, one reader-writer lock ---- */

/* Create a map with config (as libmap_new). Returns 0 and sets *out, or
 * LIBMAP_EINVAL / LIBMAP_ENOMEM. */
LIBMAP_API int libmap_sync_new(const libmap_config *config, libmap_sync **out);
/* Free the map. No other thread may use it any more. NULL is allowed. */
LIBMAP_API void libmap_sync_free(libmap_sync *m);

/* As libmap_assign, libmap_lookup, libmap_delete, libmap_clear. */
LIBMAP_API int libmap_sync_assign(libmap_sync *m, const void *key, const void *value);
LIBMAP_API bool libmap_sync_lookup(libmap_sync *m, const void *key, void *value_out);
LIBMAP_API int libmap_sync_delete(libmap_sync *m, const void *key);
LIBMAP_API void libmap_sync_clear(libmap_sync *m);
/* The number of entries, without taking the lock: exact (linearizable),
 * the count between two writes, never a value the map did not hold. */
LIBMAP_API size_t libmap_sync_len(const libmap_sync *m);

/* Typed fast paths: LIBMAP_EINVAL (or false) when the key kind differs. */
LIBMAP_API int libmap_sync_assign_u64(libmap_sync *m, uint64_t key, const void *value);
LIBMAP_API bool libmap_sync_lookup_u64(libmap_sync *m, uint64_t key, void *value_out);
LIBMAP_API int libmap_sync_delete_u64(libmap_sync *m, uint64_t key);
LIBMAP_API int libmap_sync_assign_u32(libmap_sync *m, uint32_t key, const void *value);
LIBMAP_API bool libmap_sync_lookup_u32(libmap_sync *m, uint32_t key, void *value_out);
LIBMAP_API int libmap_sync_delete_u32(libmap_sync *m, uint32_t key);
LIBMAP_API int libmap_sync_assign_str(libmap_sync *m, const char *key, size_t len,
                                      const void *value);
LIBMAP_API bool libmap_sync_lookup_str(libmap_sync *m, const char *key, size_t len,
                                       void *value_out);
LIBMAP_API int libmap_sync_delete_str(libmap_sync *m, const char *key, size_t len);

/* Read-modify-write under the write lock: fn sees the current value (or
 * zeros) and decides (LIBMAP_UPDATE_*). Returns, for STORE, LIBMAP_INSERTED
 * or LIBMAP_UPDATED; for DELETE, LIBMAP_DELETED or LIBMAP_ABSENT; for KEEP,
 * 0; or LIBMAP_EINVAL / LIBMAP_ENOMEM (fn was not called, or its store
 * failed; the map is unchanged either way). */
LIBMAP_API int libmap_sync_update(libmap_sync *m, const void *key, libmap_update_fn fn,
                                  void *ctx);

/* The value of key if present, else insert value (NULL: zeros) — atomically.
 * value_out (may be NULL) receives the value now in the map. Returns
 * LIBMAP_INSERTED (1) when value was inserted, 0 when key was already
 * present, or LIBMAP_EINVAL / LIBMAP_ENOMEM. A hit takes only the read
 * lock. */
LIBMAP_API int libmap_sync_lookup_or_assign(libmap_sync *m, const void *key, const void *value,
                                            void *value_out);

/* Iteration, two ways:
 *   foreach holds the read lock for the whole walk and calls fn on each
 *     entry in place: a consistent view, no copy, readers keep going, but
 *     writers wait until it returns. fn must not write the map.
 *   snapshot copies the map under the read lock into a new plain libmap
 *     (*out, the caller's to iterate with libmap_iter_* and to free): the
 *     lock is held only for the copy, and the caller may then take as long
 *     as it likes or write the sync map while walking the copy.
 * foreach returns how many entries fn saw. snapshot returns 0 or
 * LIBMAP_EINVAL / LIBMAP_ENOMEM (then *out is untouched). */
LIBMAP_API size_t libmap_sync_foreach(libmap_sync *m, libmap_visit_fn fn, void *ctx);
LIBMAP_API int libmap_sync_snapshot(libmap_sync *m, libmap **out);

/* ---- libmap_shard: 2^k maps, each under its own lock ---- */

/* Create a sharded map of 2^shard_bits shards (0..LIBMAP_SHARD_MAX_BITS),
 * or, with shard_bits < 0, the default: the smallest power of two of at
 * least 4 shards per online CPU, at most 2^LIBMAP_SHARD_DEFAULT_MAX_BITS.
 * config->hint is spread over the shards. Returns 0 and sets *out, or
 * LIBMAP_EINVAL / LIBMAP_ENOMEM. */
#define LIBMAP_SHARD_MAX_BITS 16
#define LIBMAP_SHARD_DEFAULT_MAX_BITS 8
LIBMAP_API int libmap_shard_new(const libmap_config *config, int shard_bits, libmap_shard **out);
LIBMAP_API void libmap_shard_free(libmap_shard *m);
/* The number of shards, 2^k. */
LIBMAP_API size_t libmap_shard_count(const libmap_shard *m);
/* The shard that holds key (0 .. count - 1; the key as libmap_shard_assign
 * takes it): the index libmap-coredump, gdb and the libmap:lock_wait event
 * name, to find a key's shard when one is reported busy. */
LIBMAP_API size_t libmap_shard_index(const libmap_shard *m, const void *key);

LIBMAP_API int libmap_shard_assign(libmap_shard *m, const void *key, const void *value);
LIBMAP_API bool libmap_shard_lookup(libmap_shard *m, const void *key, void *value_out);
LIBMAP_API int libmap_shard_delete(libmap_shard *m, const void *key);
/* Clears every shard while holding all their write locks: atomic. */
LIBMAP_API void libmap_shard_clear(libmap_shard *m);
/* The number of entries, without taking the locks in the common case:
 * exact (linearizable) like libmap_sync_len; see docs/safe-maps.md. */
LIBMAP_API size_t libmap_shard_len(const libmap_shard *m);

LIBMAP_API int libmap_shard_assign_u64(libmap_shard *m, uint64_t key, const void *value);
LIBMAP_API bool libmap_shard_lookup_u64(libmap_shard *m, uint64_t key, void *value_out);
LIBMAP_API int libmap_shard_delete_u64(libmap_shard *m, uint64_t key);
LIBMAP_API int libmap_shard_assign_u32(libmap_shard *m, uint32_t key, const void *value);
LIBMAP_API bool libmap_shard_lookup_u32(libmap_shard *m, uint32_t key, void *value_out);
LIBMAP_API int libmap_shard_delete_u32(libmap_shard *m, uint32_t key);
LIBMAP_API int libmap_shard_assign_str(libmap_shard *m, const char *key, size_t len,
                                       const void *value);
LIBMAP_API bool libmap_shard_lookup_str(libmap_shard *m, const char *key, size_t len,
                                        void *value_out);
LIBMAP_API int libmap_shard_delete_str(libmap_shard *m, const char *key, size_t len);

/* As libmap_sync_update and libmap_sync_lookup_or_assign, under the key's
 * shard's lock. */
LIBMAP_API int libmap_shard_update(libmap_shard *m, const void *key, libmap_update_fn fn,
                                   void *ctx);
LIBMAP_API int libmap_shard_lookup_or_assign(libmap_shard *m, const void *key,
                                             const void *value, void *value_out);

/* Iteration, shard by shard:
 *   foreach holds one shard's read lock at a time: each shard is seen
 *     consistently and each key at most once, but shards are seen at
 *     different moments, so the map as a whole is not a snapshot (a value
 *     another thread moves from one key to another may be seen under both
 *     or neither; a key inserted meanwhile may or may not be yielded);
 *     only one shard's writers wait at any time.
 *   snapshot takes every shard's read lock (in shard order) and copies the
 *     whole map into a new plain libmap: a point-in-time copy.
 * Return values as libmap_sync_foreach / libmap_sync_snapshot. */
LIBMAP_API size_t libmap_shard_foreach(libmap_shard *m, libmap_visit_fn fn, void *ctx);
LIBMAP_API int libmap_shard_snapshot(libmap_shard *m, libmap **out);

#ifdef __cplusplus
}
#endif
#endif /* LIBMAP_SYNC_H */
