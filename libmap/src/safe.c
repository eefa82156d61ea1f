/*
 * safe.c — the helpers libmap_sync and libmap_shard share (safe.h): the
 * configuration copy, aligned allocation, and the work they do on one
 * inner map under its lock: update's read-modify-write, visiting and
 * copying entries.
 */
#include <stdlib.h>

#include "hashed.h"
#include "safe.h"

static void *plain_alloc(size_t size, bool zero, void *ctx)
{
    (void)ctx;
    return zero ? calloc(1, size) : malloc(size);
}

static void plain_free(void *p, size_t size, void *ctx)
{
    (void)size, (void)ctx;
    free(p);
}

void safe_conf_init(struct safe_conf *c, const libmap_config *config)
{
    c->config = *config;
    if (config->allocator != NULL) {
        c->alloc = *config->allocator;
        c->config.allocator = &c->alloc;
    } else {
        c->alloc = (libmap_allocator){plain_alloc, plain_free, NULL};
        c->config.allocator = NULL;
    }
}

/* The allocator's blocks need not be aligned to a cache line: allocate
 * CACHE_LINE more and keep the offset to the start just before the
 * aligned block. */
void *safe_alloc(const struct safe_conf *c, size_t size)
{
    size_t total = size + CACHE_LINE;
    uint8_t *raw = c->alloc.alloc(total, true, c->alloc.ctx);
    if (raw == NULL)
        return NULL;
    uint8_t *p = (uint8_t *)(((uintptr_t)raw + CACHE_LINE) & ~(uintptr_t)(CACHE_LINE - 1));
    size_t off = (size_t)(p - raw);
    memcpy(p - sizeof off, &off, sizeof off);
    return p;
}

void safe_free(const struct safe_conf *c, void *p, size_t size)
{
    if (p == NULL)
        return;
    size_t off;
    memcpy(&off, (uint8_t *)p - sizeof off, sizeof off);
    c->alloc.free((uint8_t *)p - off, size + CACHE_LINE, c->alloc.ctx);
}

int safe_value_get(const struct safe_conf *c, struct safe_value *v)
{
    v->size = c->config.value_size;
    if (v->size <= SAFE_STACK_VALUE) {
        v->p = v->stack;
        return 0;
    }
    v->p = c->alloc.alloc(v->size, false, c->alloc.ctx);
    return v->p != NULL ? 0 : LIBMAP_ENOMEM;
}

void safe_value_put(const struct safe_conf *c, struct safe_value *v)
{
    if (v->p != v->stack && v->p != NULL)
        c->alloc.free(v->p, v->size, c->alloc.ctx);
    v->p = NULL;
}

int safe_update_locked(struct libmap *m, const void *key, bool hashed, uint64_t hash,
                       libmap_update_fn fn, void *ctx, uint8_t *buf, int *delta)
{
    size_t vs = m->t.value_size;
    *delta = 0;
    bool present = hashed ? map_lookup_hashed(m, key, hash, buf) : libmap_lookup(m, key, buf);
    if (!present)
        memset(buf, 0, vs);
    int action = fn(key, buf, present, ctx);
    int rc;
    switch (action) {
    case LIBMAP_UPDATE_STORE:
        rc = hashed ? map_assign_hashed(m, key, hash, buf) : libmap_assign(m, key, buf);
        if (rc == LIBMAP_INSERTED)
            *delta = 1;
        return rc;
    case LIBMAP_UPDATE_DELETE:
        if (!present)
            return LIBMAP_ABSENT;
        rc = hashed ? map_delete_hashed(m, key, hash) : libmap_delete(m, key);
        if (rc == LIBMAP_DELETED)
            *delta = -1;
        return rc;
    default:
        return 0;
    }
}

size_t safe_visit_locked(struct libmap *m, libmap_visit_fn fn, void *ctx, bool *stop)
{
    libmap_iter it;
    const void *k;
    void *v;
    size_t n = 0;
    libmap_iter_init(&it, m);
    while (libmap_iter_next(&it, &k, &v)) {
        n++;
        if (!fn(k, v, ctx)) {
            libmap_iter_done(&it);
            *stop = true;
            break;
        }
    }
    return n;
}

int safe_copy_locked(libmap *dst, struct libmap *src)
{
    libmap_iter it;
    const void *k;
    void *v;
    libmap_iter_init(&it, src);
    while (libmap_iter_next(&it, &k, &v)) {
        int rc = libmap_assign(dst, k, src->t.value_size != 0 ? v : NULL);
        if (rc < 0) {
            libmap_iter_done(&it);
            return rc;
        }
    }
    return 0;
}

int safe_snapshot_new(const struct safe_conf *c, size_t n, libmap **copy)
{
    libmap_config config = c->config;
    config.hint = n;
    return libmap_new(&config, copy);
}

int safe_snapshot_done(libmap *copy, int rc, libmap **out)
{
    if (rc != 0) {
        libmap_free(copy);
        return rc;
    }
    *out = copy;
    return 0;
}
