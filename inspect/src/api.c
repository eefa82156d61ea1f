/*
 * api.c — libmap-inspect's public entry points (<libmap/inspect.h>): a
 * target over the caller's read callback, and verification reports. The
 * work is done by the same code libmap-coredump runs (layout.c, mapread.c,
 * verify.c); this file only adapts the callback and owns the handles.
 */
#include <libmap/inspect.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entries.h"
#include "layout.h"
#include "lookup.h"
#include "mapread.h"
#include "mem.h"
#include "panicrec.h"
#include "target.h"
#include "verify.h"

/* A target with no stated extent: the user address space of 64-bit Linux. */
#define LMI_DEFAULT_EXTENT ((uint64_t)1 << 48)

struct lmi_report {
    struct vresult res;
};

static int cb_read(void *ctx, uint64_t addr, void *buf, size_t len, struct lmi_fault *f)
{
    const struct lmi_target *t = ctx;
    if (len == 0)
        return 0;
    if (addr + len - 1 < addr || t->c.read(t->c.ctx, addr, buf, len) != 0) {
        f->status = LMI_UNREADABLE;
        f->addr = addr;
        return -1;
    }
    return 0;
}

static const struct lmi_mem_ops callback_ops = {.read = cb_read};

int lmi_open(const struct lmi_target_config *c, lmi_target **out, char *err, size_t errlen)
{
    *out = NULL;
    if (c == NULL || c->read == NULL || (c->pointer_size != 4 && c->pointer_size != 8)) {
        snprintf(err, errlen, "libmap-inspect: a read callback and a pointer size of 4 or 8 "
                              "are required");
        return -1;
    }
    lmi_target *t = calloc(1, sizeof *t);
    if (t == NULL) {
        snprintf(err, errlen, "libmap-inspect: out of memory");
        return -1;
    }
    t->c = *c;
    t->mem.ops = &callback_ops;
    t->mem.ctx = t;
    t->mem.big_endian = c->big_endian;
    t->mem.ptr = c->pointer_size;
    t->mem.serial = c->serial;
    t->mem.extent = c->extent ? c->extent : LMI_DEFAULT_EXTENT;
    if (layout_read(&t->lay, &t->mem, 0, c->layout_addr, err, errlen) != 0) {
        free(t);
        return -1;
    }
    t->lay.source = "memory";
    t->lay.panic_addr = c->panic_addr;
    t->lay.registry_addr = c->registry_addr;
    *out = t;
    return 0;
}

void lmi_close(lmi_target *t) { free(t); }

void lmi_set_host_callbacks(lmi_target *t, lmi_host_hash_fn hash, lmi_host_equal_fn equal,
                            void *ctx)
{
    t->mem.host_hash = hash;
    t->mem.host_equal = equal;
    t->mem.host_ctx = ctx;
}

int lmi_verify(lmi_target *t, uint64_t map, unsigned threads, lmi_report **out, char *err,
               size_t errlen)
{
    *out = NULL;
    struct lm_map m;
    if (map_read(&m, &t->lay, &t->mem, map, err, errlen) != 0)
        return -1;
    lmi_report *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "libmap-inspect: out of memory");
        return -1;
    }
    verify_map(&r->res, &m, &t->lay, &t->mem, threads, NULL);
    *out = r;
    return 0;
}

size_t lmi_report_count(const lmi_report *r) { return r->res.nfails; }

const struct lmi_problem *lmi_report_problem(const lmi_report *r, size_t i)
{
    return i < r->res.nfails ? &r->res.fails[i] : NULL;
}

uint64_t lmi_report_failures(const lmi_report *r) { return r->res.total_failures; }
uint64_t lmi_report_unreadable(const lmi_report *r) { return r->res.total_unreadable; }
int lmi_report_placement_checked(const lmi_report *r) { return r->res.placement_checked; }
const struct lmi_stats *lmi_report_stats(const lmi_report *r) { return &r->res.st; }

void lmi_report_free(lmi_report *r)
{
    if (r == NULL)
        return;
    verify_free(&r->res);
    free(r);
}

int lmi_entries(lmi_target *t, uint64_t map, uint64_t *cursor, lmi_entry_fn fn, void *ctx,
                uint64_t *unreadable, char *err, size_t errlen)
{
    struct lm_map m;
    if (map_read(&m, &t->lay, &t->mem, map, err, errlen) != 0)
        return -1;
    if (!m.walkable) {
        snprintf(err, errlen, "%s", m.problem);
        return -1;
    }
    if (*cursor == LMI_ENTRIES_END)
        return 0;
    uint64_t n = map_entries(&m, &t->lay, &t->mem, cursor, fn, ctx);
    if (unreadable != NULL)
        *unreadable = n;
    return 0;
}

int lmi_lookup(lmi_target *t, uint64_t map, const void *key, uint64_t len, lmi_entry_fn fn,
               void *ctx, char *err, size_t errlen)
{
    struct lm_map m;
    if (map_read(&m, &t->lay, &t->mem, map, err, errlen) != 0)
        return -1;
    return map_lookup(&m, &t->lay, &t->mem, key, len, fn, ctx, err, errlen);
}

/* The packed batch being built (lmi_entries_packed). */
struct packer {
    uint8_t *buf;
    size_t len, cap, want;
    int oom;
};

static int pack_put(struct packer *p, const void *data, size_t n)
{
    if (n > p->cap - p->len) {
        size_t cap = p->cap ? p->cap : 65536;
        while (cap - p->len < n)
            cap *= 2;
        uint8_t *nb = realloc(p->buf, cap);
        if (nb == NULL) {
            p->oom = 1;
            return -1;
        }
        p->buf = nb;
        p->cap = cap;
    }
    if (n)
        memcpy(p->buf + p->len, data, n);
    p->len += n;
    return 0;
}

static int pack_entry(void *ctx, const struct lmi_entry *e)
{
    struct packer *p = ctx;
    if (p->oom)
        return 1;
    uint64_t klen = e->key ? e->key_len : UINT64_MAX;
    uint64_t vlen = e->value ? e->value_len : UINT64_MAX;
    uint16_t elen = (uint16_t)strnlen(e->error, sizeof e->error);
    uint32_t chain = (uint32_t)e->chain;
    uint16_t slot = (uint16_t)e->slot;
    uint8_t array = (uint8_t)e->array, top = (uint8_t)e->tophash;
    uint8_t zeros[8] = {0};
    size_t body = (e->key ? e->key_len : 0) + (e->value ? e->value_len : 0) + elen;
    if (pack_put(p, &klen, 8) || pack_put(p, &vlen, 8) || pack_put(p, &e->bucket, 8) ||
        pack_put(p, &e->bucket_addr, 8) || pack_put(p, &chain, 4) || pack_put(p, &slot, 2) ||
        pack_put(p, &array, 1) || pack_put(p, &top, 1) || pack_put(p, &elen, 2) ||
        pack_put(p, zeros, 6) || (e->key && pack_put(p, e->key, e->key_len)) ||
        (e->value && pack_put(p, e->value, e->value_len)) || pack_put(p, e->error, elen) ||
        pack_put(p, zeros, (8 - body % 8) % 8))
        return 1;
    return p->len >= p->want;
}

int lmi_entries_packed(lmi_target *t, uint64_t map, uint64_t *cursor, size_t want, uint8_t **buf,
                       size_t *len, uint64_t *unreadable, char *err, size_t errlen)
{
    struct packer p = {.want = want ? want : 1};
    *buf = NULL;
    *len = 0;
    if (lmi_entries(t, map, cursor, pack_entry, &p, unreadable, err, errlen) != 0) {
        free(p.buf);
        return -1;
    }
    if (p.oom) {
        free(p.buf);
        snprintf(err, errlen, "libmap-inspect: out of memory packing entries");
        return -1;
    }
    *buf = p.buf;
    *len = p.len;
    return 0;
}

void lmi_buffer_free(void *buf) { free(buf); }

int lmi_registry(lmi_target *t, uint64_t **maps, size_t *n, char *problem, size_t problemlen,
                 char *err, size_t errlen)
{
    struct registry_info ri;
    registry_read(&ri, &t->lay, &t->mem);
    *maps = NULL;
    *n = 0;
    if (problemlen)
        problem[0] = 0;
    if (!ri.present) {
        snprintf(err, errlen, "%s", ri.error);
        registry_free(&ri);
        return -1;
    }
    *maps = ri.maps; /* handed over */
    *n = ri.n;
    snprintf(problem, problemlen, "%s", ri.error);
    return 0;
}

int lmi_layout_value(const lmi_target *t, const char *field, uint64_t *out)
{
    return field == NULL ? -1 : layout_value(&t->lay, field, out);
}
