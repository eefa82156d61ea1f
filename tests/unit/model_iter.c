/*
 * model_iter.c — iterations in the model test, one or two at once, with
 * writes between steps (updates, inserts, deletes of reached and unreached
 * keys, bursts that force a doubling, churn across growths, clear), checked
 * against Go's semantics: no key twice (a key deleted and inserted again is
 * a new entry), every key present at the start and never deleted is
 * yielded, a yielded key is in the map with its current value, clear ends
 * the iteration.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "model.h"

void track_start(struct model *s, struct itrack *t)
{
    ref_init(&t->s0, 0);
    ref_init(&t->yielded, 0);
    ref_init(&t->disturbed, 0);
    for (size_t i = 0; i < s->ref.n; i++)
        ref_put(&t->s0, s->ref.keys[i], NULL);
    libmap_iter_init(&t->it, s->m);
    t->live = true;
    cov.iterations++;
}

void track_end(struct itrack *t)
{
    ref_free(&t->s0);
    ref_free(&t->yielded);
    ref_free(&t->disturbed);
}

/* One step; returns false when the iteration has ended. */
bool track_step(struct model *s, struct itrack *t)
{
    const void *k;
    void *v;
    bool ok = libmap_iter_next(&t->it, &k, &v);
    cov.ops++;
    if (!ok) {
        t->live = false;
        for (size_t i = 0; i < t->s0.n; i++) {
            uint64_t idx = t->s0.keys[i];
            if (!ref_has(&t->disturbed, idx) && !ref_has(&t->yielded, idx)) {
                fprintf(stderr, "%s: key %" PRIu64 " present throughout was not yielded\n",
                        s->ks->name, idx);
                CHECK(0);
            }
        }
        cov.iter_complete++;
        return false;
    }
    uint64_t idx;
    CHECK(key_decode(s->ks, k, &idx));
    if (ref_has(&t->yielded, idx)) {
        fprintf(stderr, "%s: key %" PRIu64 " yielded twice\n", s->ks->name, idx);
        CHECK(0);
    }
    ref_put(&t->yielded, idx, NULL);
    const uint8_t *rv = ref_get(&s->ref, idx);
    if (rv == NULL)
        fprintf(stderr, "%s: yielded key %" PRIu64 " is not in the map\n", s->ks->name, idx);
    CHECK(rv != NULL);
    CHECK(s->ks->value_size == 0 || memcmp(v, rv, s->ks->value_size) == 0);
    cov.iter_yields++;
    return true;
}

/* A key present at the start of t that t has not reached yet. */
static bool unreached_key(struct itrack *t, uint64_t *out)
{
    for (int tries = 0; tries < 8 && t->s0.n; tries++) {
        uint64_t k = t->s0.keys[below(t->s0.n)];
        if (!ref_has(&t->yielded, k) && !ref_has(&t->disturbed, k)) {
            *out = k;
            return true;
        }
    }
    return false;
}

static void write_during_iteration(struct model *s)
{
    unsigned r = (unsigned)below(1000);
    uint64_t k;
    cov.iter_writes++;
    if (r < 300 && s->ref.n)
        op_assign(s, present_key(s));
    else if (r < 500)
        op_insert_new(s);
    else if (r < 700 && s->ref.n)
        op_delete(s, present_key(s));
    else if (r < 880 && unreached_key(&s->tr[below(s->ntr)], &k) && ref_has(&s->ref, k))
        op_delete(s, k);
    else if (r < 890)
        burst(s);
    else if (r < 900)
        churn(s, true); /* may finish a growth and start a same-size one */
    else if (r < 903) {
        op_clear(s);
        for (unsigned t = 0; t < s->ntr; t++) {
            if (!s->tr[t].live)
                continue;
            CHECK(!libmap_iter_next(&s->tr[t].it, NULL, NULL));
            s->tr[t].live = false;
        }
        cov.iter_cleared++;
    } else {
        op_lookup(s, window_key(s));
    }
}

void do_iterate(struct model *s)
{
    /* across growths: start in a doubling, pause after a few steps (inside
     * an old bucket), churn until a same-size growth starts, go on */
    bool across = s->ks->hash == KH_GROUP && chance(700);
    /* often start in the middle of a growth: insert until one starts */
    if (across || chance(300))
        for (size_t i = 0; i < 2 * s->ks->max_keys && s->m->oldbuckets == NULL; i++)
            op_insert_new(s);
    if (s->m->oldbuckets != NULL)
        cov.iter_started_growing++;
    s->ntr = chance(300) ? 2 : 1;
    if (s->ntr == 2)
        cov.two_iters++;
    for (unsigned t = 0; t < s->ntr; t++)
        track_start(s, &s->tr[t]);
    unsigned write_pm = chance(200) ? 0 : (unsigned)below(600);
    size_t burst_at = chance(500) ? below(s->ref.n / 2 + 2) : SIZE_MAX;
    size_t churn_at = across ? 1 + below(20) : SIZE_MAX;
    bool early = chance(100);
    size_t steps = 0;
    for (;;) {
        unsigned live = 0;
        for (unsigned t = 0; t < s->ntr; t++)
            live += s->tr[t].live;
        if (!live)
            break;
        struct itrack *t = &s->tr[below(s->ntr)];
        if (!t->live)
            continue;
        track_step(s, t);
        steps++;
        if (early && chance(20)) {
            for (unsigned u = 0; u < s->ntr; u++)
                if (s->tr[u].live) {
                    libmap_iter_done(&s->tr[u].it);
                    s->tr[u].live = false;
                }
            break;
        }
        if (steps == churn_at) {
            size_t target = s->target;
            s->target = s->ref.n; /* keep the keys the iterator has not reached */
            churn(s, true);
            s->target = target;
            if (s->m->oldbuckets != NULL && (s->m->flags & F_SAME_SIZE_GROW))
                cov.across_growths++;
        } else if (steps == burst_at)
            burst(s);
        else if (chance(write_pm))
            write_during_iteration(s);
        if (steps % 512 == 0)
            full_check(s);
    }
    full_check(s); /* live iterators: none */
    for (unsigned t = 0; t < s->ntr; t++)
        track_end(&s->tr[t]);
    s->ntr = 0;
}

