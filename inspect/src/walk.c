/*
 * walk.c — bounded, cycle-checked bucket and chain walking (see walk.h).
 */
#include "walk.h"

#include <stdlib.h>
#include <string.h>

struct walker {
    const struct lm_map *m;
    const struct lm_layout *l;
    struct lmi_mem *mem;
    const struct walk_visitor *v;
    struct addrset *seen;
    uint8_t *scratch;
    uint64_t base[2], nbase[2]; /* arrays: first base bucket, number of base buckets */
};

/* Whether addr falls on or inside a base bucket of either array. */
static int into_base(const struct walker *w, uint64_t addr)
{
    for (int a = 0; a < 2; a++) {
        uint64_t lo = w->base[a], n = w->nbase[a], bs = w->m->bucket_size;
        if (lo == 0 || n == 0 || addr < lo)
            continue;
        if ((addr - lo) / bs < n)
            return 1;
    }
    return 0;
}

static void walk_chain(struct walker *w, int old, uint64_t index, uint64_t addr, const uint8_t *b)
{
    const struct lm_map *m = w->m;
    const struct walk_visitor *v = w->v;
    struct bref r = {old, index, 0, addr};
    uint64_t id = walk_chain_id(old, index);
    for (;;) {
        v->bucket(v->ctx, &r, b);
        uint64_t next = lmi_uint(w->mem, b + m->overflow_offset, w->l->ptr);
        if (next == 0)
            break;
        if (next % w->l->ptr != 0) {
            v->problem(v->ctx, &r, WP_MISALIGNED, next, LMI_OK, 0);
            break;
        }
        if (into_base(w, next)) {
            v->problem(v->ctx, &r, WP_INTO_BASE, next, LMI_OK, 0);
            break;
        }
        uint64_t other;
        int rc = addrset_put(w->seen, next, id, &other);
        if (rc == 1) {
            v->problem(v->ctx, &r, other == id ? WP_CYCLE : WP_SHARED, next, LMI_OK, other);
            break;
        }
        if (rc < 0) {
            v->problem(v->ctx, &r, WP_TOO_MANY, next, LMI_OK, w->seen->len);
            break;
        }
        struct lmi_fault f;
        const uint8_t *nb = lmi_get(w->mem, next, m->bucket_size, w->scratch, &f);
        if (nb == NULL) {
            v->problem(v->ctx, &r, WP_UNREADABLE_OVERFLOW, next, f.status, 0);
            break;
        }
        b = nb;
        r.chain++;
        r.addr = next;
    }
    if (v->chain_end != NULL)
        v->chain_end(v->ctx, &r);
}

static void setup(struct walker *w, const struct lm_map *m, const struct lm_layout *l,
                  struct lmi_mem *mem, const struct walk_visitor *v, struct addrset *seen)
{
    memset(w, 0, sizeof *w);
    w->m = m;
    w->l = l;
    w->mem = mem;
    w->v = v;
    w->seen = seen;
    w->base[0] = m->buckets;
    w->nbase[0] = m->nbuckets;
    w->base[1] = m->oldbuckets;
    w->nbase[1] = m->growing ? m->noldbuckets : 0;
    w->scratch = malloc(m->bucket_size);
}

void walk_seen_init_small(struct addrset *seen, const struct lm_map *m, struct lmi_mem *mem)
{
    /* no chain can hold more distinct buckets than the core has room for */
    addrset_init(seen, (size_t)(mem->extent / (m->bucket_size ? m->bucket_size : 1)) + 16);
}

void walk_seen_init(struct addrset *seen, const struct lm_map *m, struct lmi_mem *mem)
{
    walk_seen_init_small(seen, m, mem);
    /* noverflow counts the current array's overflow buckets, sampled with
     * probability 2^-(B-X) above B = X (the descriptor's noverflow_max_b,
     * LIBMAP_NOVERFLOW_MAX_B): size the set once */
    uint64_t est = m->noverflow, x = m->noverflow_max_b;
    if (m->B > x && m->B - x < 32)
        est <<= (m->B - x);
    addrset_reserve(seen, (size_t)(est + est / 4));
}

uint64_t walk_nbase(const struct lm_map *m, int old)
{
    if (!m->walkable)
        return 0;
    if (old)
        return m->growing && m->oldbuckets ? m->noldbuckets : 0;
    return m->buckets ? m->nbuckets : 0;
}

void walk_range(const struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem, int old,
                uint64_t from, uint64_t to, struct addrset *seen, const struct walk_visitor *v)
{
    if (!m->walkable)
        return;
    struct walker w;
    setup(&w, m, l, mem, v, seen);
    if (w.scratch == NULL)
        return;
    uint64_t base = w.base[old], n = walk_nbase(m, old), bs = m->bucket_size;
    if (to > n)
        to = n;
    struct lmi_stream stream;
    lmi_stream_init(&stream, mem);
    if (to <= (UINT64_MAX - base) / bs)
        stream.end = base + to * bs; /* a range's walk reads the range only */
    uint64_t i = from;
    while (i < to) {
        if (v->progress != NULL && ((i - from) & 0xffff) == 0)
            v->progress(v->ctx, i - from, to - from);
        uint64_t addr = base + i * bs;
        struct lmi_fault f;
        const uint8_t *b = NULL;
        if (i <= (UINT64_MAX - base) / bs && addr <= UINT64_MAX - bs)
            b = lmi_stream_get(&stream, addr, bs, w.scratch, &f);
        else
            f = (struct lmi_fault){LMI_NOT_MAPPED, addr};
        if (b == NULL) {
            /* skip to the first bucket that starts at or after readable memory */
            uint64_t next = addr <= UINT64_MAX - bs ? lmi_next_readable(mem, addr + 1) : UINT64_MAX;
            uint64_t j = to;
            if (next != UINT64_MAX && next > base) {
                uint64_t k = (next - base + bs - 1) / bs;
                if (k > i && k < to)
                    j = k;
            }
            if (j <= i)
                j = i + 1;
            struct bref r = {old, i, 0, addr};
            v->problem(v->ctx, &r, WP_UNREADABLE_RANGE, addr, f.status, j - 1);
            i = j;
            continue;
        }
        walk_chain(&w, old, i, addr, b);
        i++;
    }
    if (v->progress != NULL)
        v->progress(v->ctx, to - from, to - from);
    lmi_stream_free(&stream);
    free(w.scratch);
}

void walk_array(const struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem, int old,
                const struct walk_visitor *v)
{
    if (!m->walkable)
        return;
    struct addrset seen;
    walk_seen_init(&seen, m, mem);
    walk_range(m, l, mem, old, 0, walk_nbase(m, old), &seen, v);
    addrset_free(&seen);
}

uint8_t *walk_old_states(const struct lm_map *m, const struct lm_layout *l, struct lmi_mem *mem)
{
    if (!m->walkable || !m->growing)
        return NULL;
    uint64_t n = m->noldbuckets, bs = m->bucket_size;
    if (n > mem->extent / bs + 1)
        return NULL;
    uint8_t *st = calloc(n, 1);
    if (st == NULL)
        return NULL;
    uint64_t i = 0;
    while (i < n) {
        uint64_t addr = m->oldbuckets + i * bs;
        uint8_t top;
        struct lmi_fault f;
        if (addr < m->oldbuckets || lmi_read(mem, addr, &top, 1, &f) != 0) {
            uint64_t next = lmi_next_readable(mem, addr + 1);
            uint64_t j = n;
            if (next != UINT64_MAX && next > m->oldbuckets) {
                uint64_t k = (next - m->oldbuckets + bs - 1) / bs;
                if (k > i && k < n)
                    j = k;
            }
            i = j > i ? j : i + 1;
            continue;
        }
        st[i] = tophash_evacuated(l, top) ? 1 : 2;
        i++;
    }
    return st;
}
