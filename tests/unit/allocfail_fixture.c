/*
 * allocfail_fixture.c — what an allocation-failure attempt works with:
 * assign and delete mirrored into the reference map, the exact-contents
 * check, finishing a live iteration, and running a scenario's operation.
 */
#include <string.h>

#include "allocfail.h"
#include "check.h"
#include "invariants.h"

static void value_of(const struct fx *f, uint64_t idx, uint64_t version, uint8_t *v)
{
    for (size_t i = 0; i < f->sc->ks->value_size; i++)
        v[i] = (uint8_t)(idx * 13 + version * 7 + i);
}

int do_assign(struct fx *f, uint64_t idx, bool mirror)
{
    struct kbuf kb;
    uint8_t v[256];
    value_of(f, idx, ++f->version, v);
    int rc = libmap_assign(f->m, key_encode(f->sc->ks, idx, &kb), v);
    if (mirror && rc >= 0)
        CHECK_EQ(rc, ref_put(&f->ref, idx, v) ? LIBMAP_INSERTED : LIBMAP_UPDATED);
    return rc;
}

int do_delete(struct fx *f, uint64_t idx, bool mirror)
{
    struct kbuf kb;
    int rc = libmap_delete(f->m, key_encode(f->sc->ks, idx, &kb));
    if (mirror && rc >= 0)
        CHECK_EQ(rc, ref_del(&f->ref, idx) ? LIBMAP_DELETED : LIBMAP_ABSENT);
    return rc;
}

void put(struct fx *f, uint64_t idx) { CHECK(do_assign(f, idx, true) >= 0); }
void del(struct fx *f, uint64_t idx) { CHECK_EQ(do_delete(f, idx, true), LIBMAP_DELETED); }

void fill(struct fx *f, uint64_t from, uint64_t to)
{
    for (uint64_t i = from; i <= to; i++)
        put(f, i);
}

static void visit(const void *key, const void *value, void *ctx)
{
    struct fx *f = ctx;
    uint64_t idx;
    CHECK(key_decode(f->sc->ks, key, &idx));
    const uint8_t *rv = ref_get(&f->ref, idx);
    CHECK(rv != NULL);
    CHECK(f->sc->ks->value_size == 0 || memcmp(rv, value, f->sc->ks->value_size) == 0);
}

/* The map holds exactly the reference: invariants, each entry found in the
 * reference, no duplicates (checker), equal counts, and every reference key
 * found by lookup with its value. */
void check_contents(struct fx *f)
{
    struct inv_stats st;
    inv_check(f->m, visit, f, &st);
    CHECK_EQ(st.count, f->ref.n);
    CHECK_EQ(libmap_len(f->m), f->ref.n);
    for (size_t i = 0; i < f->ref.n; i++) {
        struct kbuf kb;
        uint8_t out[256];
        CHECK(libmap_lookup(f->m, key_encode(f->sc->ks, f->ref.keys[i], &kb), out));
        CHECK(f->sc->ks->value_size == 0 ||
              memcmp(out, f->ref.vals + i * f->ref.vsize, f->ref.vsize) == 0);
    }
}

libmap_config config_of(struct fx *f)
{
    libmap_config c;
    key_config(f->sc->ks, &c);
    c.hint = f->sc->hint;
    c.allocator = &f->ta.a;
    return c;
}

/* Finish the live iteration: every key present since setup (none are added
 * during it) comes once, deleted ones not at all. */
void finish_iteration(struct fx *f)
{
    uint8_t seen[128] = {0};
    CHECK(f->first_yield < 128);
    seen[f->first_yield] = 1;
    const void *k;
    while (libmap_iter_next(&f->it, &k, NULL)) {
        uint64_t idx;
        CHECK(key_decode(f->sc->ks, k, &idx));
        CHECK(idx < 128 && !seen[idx]);
        CHECK(ref_has(&f->ref, idx));
        seen[idx] = 1;
    }
    f->iter_live = false;
    for (size_t i = 0; i < f->ref.n; i++)
        CHECK(seen[f->ref.keys[i]]);
}

/* Run the operation; on success mirror it into the reference. */
int run_op(struct fx *f)
{
    const struct scenario *sc = f->sc;
    switch (sc->op) {
    case OP_NEW: {
        libmap_config c = config_of(f);
        libmap *m = NULL;
        int rc = libmap_new(&c, &m);
        if (rc == 0)
            f->m = m;
        else
            CHECK(m == NULL);
        return rc;
    }
    case OP_ASSIGN:
        return do_assign(f, sc->key, true);
    default:
        return do_delete(f, sc->key, true);
    }
}

