/*
 * libmap/map.h — the public API of libmap, a Go-classic hash map for C.
 *
 * A map stores fixed-size values under keys of one kind (32-bit or 64-bit
 * integers, strings, or fixed-size byte strings with optional user hash and
 * equality callbacks). Layout and algorithm follow Go's classic runtime map:
 * 2^B buckets of 8 slots, tophash bytes, overflow buckets and incremental
 * growth. See docs/design.md.
 *
 * Thread safety: like a Go map, a libmap map may be read by many threads at
 * once, but a write (assign, delete, clear) must not run concurrently with any
 * other access. Use a lock. libmap always checks for violations and, when it
 * sees one, aborts the process at once with
 *     fatal error: concurrent map writes
 * (or "concurrent map read and map write", "concurrent map iteration and map
 * write") and a second line naming both threads. This is not recoverable.
 *
 * Errors: functions that can fail return a negative value from the
 * LIBMAP_E* list below; on error the map is left exactly as it was.
 */
#ifndef LIBMAP_MAP_H
#define LIBMAP_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the library's exported symbols; everything else is hidden. */
#if defined(__GNUC__)
#define LIBMAP_API __attribute__((visibility("default")))
#else
#define LIBMAP_API
#endif

#define LIBMAP_VERSION_MAJOR 0
#define LIBMAP_VERSION_MINOR 1
#define LIBMAP_VERSION_PATCH 0

/* Error codes: negative errno values, so that they can be printed with
 * strerror(-err) as well as libmap_strerror(err). */
#define LIBMAP_ENOMEM (-12) /* an allocation failed; the map is unchanged */
#define LIBMAP_EINVAL (-22) /* an argument is invalid; the map is unchanged */

/* Successful results of libmap_assign and libmap_delete. */
#define LIBMAP_UPDATED 0  /* assign: the key was present, its value replaced */
#define LIBMAP_INSERTED 1 /* assign: the key was new */
#define LIBMAP_ABSENT 0   /* delete: the key was not in the map */
#define LIBMAP_DELETED 1  /* delete: the key was removed */

/* Keys larger than this many bytes, and values larger than it, are stored
 * indirectly: the bucket slot holds a pointer to a separate allocation. */
#define LIBMAP_MAX_INLINE 128

typedef struct libmap libmap;

typedef enum libmap_key_kind {
    LIBMAP_KEY_BYTES = 0,  /* key_size bytes; hash and equal callbacks optional */
    LIBMAP_KEY_U32 = 1,    /* uint32_t */
    LIBMAP_KEY_U64 = 2,    /* uint64_t */
    LIBMAP_KEY_STRING = 3, /* libmap_str; the map keeps its own copy of the bytes */
} libmap_key_kind;

/* A string key: len bytes at ptr (need not be NUL-terminated; may contain
 * NUL). ptr may be NULL when len is 0. */
typedef struct libmap_str {
    const char *ptr;
    size_t len;
} libmap_str;

/* For LIBMAP_KEY_BYTES: hash the key_size bytes at key with the map's seed.
 * Must be a pure function of (key contents, seed). Runs before the map is
 * marked as being written. */
typedef uint64_t (*libmap_hash_fn)(const void *key, size_t key_size, uint64_t seed, void *ctx);
/* For LIBMAP_KEY_BYTES: whether two keys are equal. Runs while the map is
 * being read or written. Must be consistent with the hash callback. */
typedef bool (*libmap_equal_fn)(const void *a, const void *b, size_t key_size, void *ctx);

/* Optional custom allocator. alloc returns NULL on failure; when zero is true
 * the memory must be zero-filled. free receives the size given to alloc. */
typedef struct libmap_allocator {
    void *(*alloc)(size_t size, bool zero, void *ctx);
    void (*free)(void *ptr, size_t size, void *ctx);
    void *ctx;
} libmap_allocator;

typedef struct libmap_config {
    libmap_key_kind key_kind;
    size_t key_size;         /* LIBMAP_KEY_BYTES only: bytes per key, >= 1 */
    size_t value_size;       /* bytes per value; 0 makes a set */
    size_t hint;             /* expected number of entries (0: none) */
    libmap_hash_fn hash;     /* LIBMAP_KEY_BYTES only; NULL: XXH3 of the bytes */
    libmap_equal_fn equal;   /* LIBMAP_KEY_BYTES only; NULL: memcmp */
    void *callback_ctx;      /* passed to hash and equal */
    const libmap_allocator *allocator; /* NULL: malloc/calloc/free; copied */
} libmap_config;

/* Create a map. Returns 0 and sets *out, or LIBMAP_EINVAL / LIBMAP_ENOMEM. */
LIBMAP_API int libmap_new(const libmap_config *config, libmap **out);

/* Free the map and every key and value it holds. NULL is allowed. */
LIBMAP_API void libmap_free(libmap *m);

/* Insert key with value, or replace the value of a present key. value may be
 * NULL when value_size is 0. Returns LIBMAP_INSERTED, LIBMAP_UPDATED,
 * LIBMAP_ENOMEM or LIBMAP_EINVAL. */
LIBMAP_API int libmap_assign(libmap *m, const void *key, const void *value);

/* Look key up. When present and value_out is not NULL, copies the value to
 * value_out. Returns whether key is present. */
LIBMAP_API bool libmap_lookup(const libmap *m, const void *key, void *value_out);

/* Remove key. Returns LIBMAP_DELETED, LIBMAP_ABSENT or a LIBMAP_E* error
 * (LIBMAP_ENOMEM only for string or indirect keys while an iterator may still
 * read the key; the map is then unchanged). */
LIBMAP_API int libmap_delete(libmap *m, const void *key);

/* Number of entries. */
LIBMAP_API size_t libmap_len(const libmap *m);

/* Remove every entry and pick a new hash seed. Keeps the bucket array. */
LIBMAP_API void libmap_clear(libmap *m);

/* Typed fast paths. Each requires the map's key kind to match and returns
 * LIBMAP_EINVAL (or false) otherwise. */
LIBMAP_API int libmap_assign_u64(libmap *m, uint64_t key, const void *value);
LIBMAP_API bool libmap_lookup_u64(const libmap *m, uint64_t key, void *value_out);
LIBMAP_API int libmap_delete_u64(libmap *m, uint64_t key);
LIBMAP_API int libmap_assign_u32(libmap *m, uint32_t key, const void *value);
LIBMAP_API bool libmap_lookup_u32(const libmap *m, uint32_t key, void *value_out);
LIBMAP_API int libmap_delete_u32(libmap *m, uint32_t key);
LIBMAP_API int libmap_assign_str(libmap *m, const char *key, size_t len, const void *value);
LIBMAP_API bool libmap_lookup_str(const libmap *m, const char *key, size_t len, void *value_out);
LIBMAP_API int libmap_delete_str(libmap *m, const char *key, size_t len);

/* Iteration, with Go's semantics: the order is unspecified and differs from
 * one iteration to the next (random start bucket and slot); no key is
 * yielded twice; a key deleted before it is reached is not yielded; a key
 * inserted during iteration may or may not be yielded; the value yielded is
 * the current one. The map may be written (by the iterating thread) between
 * calls, and may grow meanwhile. After libmap_clear the iteration ends.
 *
 * An iteration is live from libmap_iter_init until libmap_iter_next returns
 * false. Call libmap_iter_done to stop early: while an iteration is live,
 * memory released by growth and delete is kept for it (bounded by the
 * map's size), and it is released only once no iteration is live.
 *
 * libmap_iter_next sets *key and *value (either may be NULL) to pointers into
 * the map, valid until the next write to the map. For LIBMAP_KEY_STRING, *key
 * points to a libmap_str. The fields of libmap_iter are private. */
typedef struct libmap_iter {
    const libmap *map;
    void *buckets;      /* bucket array snapshot */
    void *bptr;         /* current bucket */
    uint64_t clearseq;  /* map's clear sequence at init */
    size_t start_bucket;
    size_t bucket;
    size_t check_bucket;
    uint8_t B;
    uint8_t offset;
    uint8_t i;
    uint8_t wrapped;
} libmap_iter;

LIBMAP_API void libmap_iter_init(libmap_iter *it, libmap *m);
LIBMAP_API bool libmap_iter_next(libmap_iter *it, const void **key, void **value);
LIBMAP_API void libmap_iter_done(libmap_iter *it);

/* The map's key kind, key size (bytes of the key type) and value size. */
LIBMAP_API libmap_key_kind libmap_key_kind_of(const libmap *m);
LIBMAP_API size_t libmap_value_size(const libmap *m);

/* A short English description of a LIBMAP_E* code. */
LIBMAP_API const char *libmap_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif /* LIBMAP_MAP_H */
