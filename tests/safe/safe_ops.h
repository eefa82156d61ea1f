/*
 * safe_ops.h — libmap_sync and libmap_shard behind one table of functions,
 * so that each test runs the same code on both variants.
 */
#ifndef LIBMAP_TEST_SAFE_OPS_H
#define LIBMAP_TEST_SAFE_OPS_H

#include <string.h>

#include <libmap/sync.h>

struct safe_ops {
    const char *name;
    int (*create)(const libmap_config *c, void **out);
    void (*destroy)(void *m);
    int (*assign)(void *m, const void *key, const void *value);
    bool (*lookup)(void *m, const void *key, void *value_out);
    int (*del)(void *m, const void *key);
    int (*assign_u64)(void *m, uint64_t key, const void *value);
    bool (*lookup_u64)(void *m, uint64_t key, void *value_out);
    int (*delete_u64)(void *m, uint64_t key);
    int (*update)(void *m, const void *key, libmap_update_fn fn, void *ctx);
    int (*lookup_or_assign)(void *m, const void *key, const void *value, void *value_out);
    size_t (*len)(const void *m);
    void (*clear)(void *m);
    size_t (*foreach)(void *m, libmap_visit_fn fn, void *ctx);
    int (*snapshot)(void *m, libmap **out);
};

/* Shard bits the tests use for libmap_shard (8 shards: several threads
 * share each one, so the locks are contended). */
#define SAFE_TEST_SHARD_BITS 3

#define SAFE_OPS_DEFINE(prefix, create_expr)                                                      \
    static int prefix##_create(const libmap_config *c, void **out)                                \
    {                                                                                             \
        return create_expr;                                                                       \
    }                                                                                             \
    static void prefix##_destroy(void *m) { libmap_##prefix##_free(m); }                          \
    static int prefix##_assign(void *m, const void *k, const void *v)                            \
    {                                                                                             \
        return libmap_##prefix##_assign(m, k, v);                                                 \
    }                                                                                             \
    static bool prefix##_lookup(void *m, const void *k, void *v)                                  \
    {                                                                                             \
        return libmap_##prefix##_lookup(m, k, v);                                                 \
    }                                                                                             \
    static int prefix##_del(void *m, const void *k) { return libmap_##prefix##_delete(m, k); }   \
    static int prefix##_assign_u64(void *m, uint64_t k, const void *v)                           \
    {                                                                                             \
        return libmap_##prefix##_assign_u64(m, k, v);                                             \
    }                                                                                             \
    static bool prefix##_lookup_u64(void *m, uint64_t k, void *v)                                 \
    {                                                                                             \
        return libmap_##prefix##_lookup_u64(m, k, v);                                             \
    }                                                                                             \
    static int prefix##_delete_u64(void *m, uint64_t k) { return libmap_##prefix##_delete_u64(m, k); } \
    static int prefix##_update(void *m, const void *k, libmap_update_fn fn, void *ctx)           \
    {                                                                                             \
        return libmap_##prefix##_update(m, k, fn, ctx);                                           \
    }                                                                                             \
    static int prefix##_loa(void *m, const void *k, const void *v, void *out)                    \
    {                                                                                             \
        return libmap_##prefix##_lookup_or_assign(m, k, v, out);                                  \
    }                                                                                             \
    static size_t prefix##_len(const void *m) { return libmap_##prefix##_len(m); }               \
    static void prefix##_clear(void *m) { libmap_##prefix##_clear(m); }                          \
    static size_t prefix##_foreach(void *m, libmap_visit_fn fn, void *ctx)                       \
    {                                                                                             \
        return libmap_##prefix##_foreach(m, fn, ctx);                                             \
    }                                                                                             \
    static int prefix##_snapshot(void *m, libmap **out) { return libmap_##prefix##_snapshot(m, out); } \
    static const struct safe_ops prefix##_ops = {                                                 \
        #prefix, prefix##_create, prefix##_destroy, prefix##_assign, prefix##_lookup,            \
        prefix##_del, prefix##_assign_u64, prefix##_lookup_u64, prefix##_delete_u64,             \
        prefix##_update, prefix##_loa, prefix##_len, prefix##_clear, prefix##_foreach,           \
        prefix##_snapshot};

SAFE_OPS_DEFINE(sync, libmap_sync_new(c, (libmap_sync **)out))
SAFE_OPS_DEFINE(shard, libmap_shard_new(c, SAFE_TEST_SHARD_BITS, (libmap_shard **)out))

static inline __attribute__((unused)) const struct safe_ops *safe_ops_named(const char *name)
{
    if (strcmp(name, "sync") == 0)
        return &sync_ops;
    if (strcmp(name, "shard") == 0)
        return &shard_ops;
    return NULL;
}

#endif /* LIBMAP_TEST_SAFE_OPS_H */
