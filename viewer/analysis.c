/*
 * analysis.c — races and the panic's two colliding operations.
 *
 * Overlapping writes. Operations arrive in end-time order (the muxer sorts
 * events by time, and a write's event is its end). For each map we keep a
 * ring of its RING most recent writes, in that order. A new write [s, e]
 * overlaps an earlier write w of the map exactly when w.end >= s (w.end <=
 * e holds by the order), so scanning the ring from the newest entry back
 * and stopping at the first w.end < s visits only the overlapping writes
 * plus one. Pairs from the same thread are skipped (its writes follow each
 * other). A write that overlaps more than RING earlier writes of a map
 * would lose the oldest pairs; that needs RING writes inside one write.
 *
 * The panic (docs/tracepoints.md, libmap:panic rules):
 *  - the detecting side is the detecting thread's last operation if that is
 *    a write of the panic's kind on the panic's map and it was detected at
 *    its end (see finish_panic); otherwise the operation was refused on
 *    entry and left no event: it is synthesized (TL_OP_SYNTH) from the
 *    thread's previous event to the panic — the check happened in there,
 *    the panic event itself comes some microseconds after the check;
 *  - the writer side is writer_tid's write on that map that collided: if
 *    it still held the map (writer_held, as read at the check), its first
 *    write ending after the earliest possible check time — its event may
 *    come before or just after the panic; if it had just finished, its last
 *    write started by the detector's end and ended before the panic.
 *    Candidates are the writer's writes in the map's ring at the panic plus
 *    its first write after it. None: a synthesized instant at the panic
 *    (its write never completed).
 *
 * Traces whose panic event has detect_ns and at_end (the time of the check
 * and where it failed) are paired exactly instead (finish_panic_exact):
 *  - at_end: the detecting thread's last write on the map is the detected
 *    operation; otherwise the operation was refused on entry at detect: it
 *    is synthesized from the thread's previous event (at most SYNTH_BACK
 *    before) to detect, the span in which it started;
 *  - the writer's colliding write is its write on the map that started
 *    last at or before detect (a thread's writes follow each other, and
 *    the writer held the map, or had just released it, at detect),
 *    preferring one of the operation the panic names if it ended within
 *    HELD_SLACK of detect (detect is read just after the check). When the
 *    writer still held the map, only a write of the operation the panic
 *    names qualifies (the writer word names it exactly): the latest one
 *    that started by detect and ended within HELD_SLACK of it, else the
 *    first one that started within SKEW_SLACK after detect (the two
 *    threads' clocks); with neither, its write in flight left no event (it
 *    never finished): it is synthesized from the writer's previous write's
 *    end to detect.
 *
 * With keep_ops false (--summary) operations are not kept, except those a
 * race or the panic refers to, which are copied into ops when found.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "viewer.h"

#define RING 64
#define SYNTH_BACK 50000 /* ns */
/* A writer's event is taken before its final check and release, and
 * detect_ns just after the detector's check: a write still held at the
 * check can end (in the trace) slightly before detect_ns. */
#define HELD_SLACK 1000 /* ns */
/* The clocks of two CPUs of a VM can disagree by tens of ns: the writer's
 * held write, whose start it read on its CPU just before taking the map,
 * can appear to start a little after detect_ns read on the detector's. */
#define SKEW_SLACK 1000 /* ns */

struct recent {
    struct tl_op op;
    uint64_t idx;     /* in ops, or TL_NONE when not kept (yet) */
};

struct ring {
    struct recent *r; /* RING entries, allocated on first write */
    uint32_t n, head; /* head: where the next entry goes */
};

struct analysis {
    struct ring *rings;
    size_t nrings;
    struct recent *last;     /* per thread: its last operation */
    bool *last_valid;
    size_t nlast;
    /* panic */
    struct recent det;
    bool have_det;
    bool writer_wait;
    uint32_t writer;
    struct recent cands[RING + 1]; /* writer_tid's writes on the map, by end */
    uint32_t ncands;
};

static struct analysis *an_of(struct tl_model *m)
{
    if (!m->an) {
        m->an = calloc(1, sizeof(struct analysis));
        if (!m->an)
            abort();
    }
    return m->an;
}

static void *grow_array(void *p, size_t *n, size_t need, size_t elem)
{
    if (need <= *n)
        return p;
    size_t nn = *n ? *n : 16;
    while (nn < need)
        nn *= 2;
    p = realloc(p, nn * elem);
    if (!p)
        abort();
    memset((char *)p + *n * elem, 0, (nn - *n) * elem);
    *n = nn;
    return p;
}

static uint64_t keep(struct tl_model *m, struct recent *r)
{
    if (r->idx == TL_NONE) {
        *(struct tl_op *)tl_vec_push(&m->ops) = r->op;
        r->idx = m->ops.len - 1;
    }
    return r->idx;
}

static void add_race(struct tl_model *m, uint64_t ia, uint64_t ib, bool from_panic)
{
    const struct tl_op *a = TL_AT(m->ops, struct tl_op, ia);
    const struct tl_op *b = TL_AT(m->ops, struct tl_op, ib);
    if (b->start < a->start || (b->start == a->start && ib < ia)) {
        const struct tl_op *t = a;
        a = b;
        b = t;
        uint64_t ti = ia;
        ia = ib;
        ib = ti;
    }
    m->nraces++;
    if (m->races.len >= TL_RACES_KEPT && !from_panic)
        return;
    struct tl_race *r = tl_vec_push(&m->races);
    r->a = ia;
    r->b = ib;
    r->overlap_start = b->start;
    r->overlap_end = a->end < b->end ? a->end : b->end;
    r->from_panic = from_panic;
}

static bool writer_candidate(const struct tl_model *m, const struct analysis *an,
                             const struct tl_op *op)
{
    return tl_kind_is_write(op->kind) && op->thread == an->writer &&
           op->map == m->panic.map && op->start <= m->panic.ts;
}

void tl_an_op(struct tl_model *m, const struct tl_op *op, uint64_t idx)
{
    struct analysis *an = an_of(m);
    an->last = grow_array(an->last, &an->nlast, op->thread + 1, sizeof *an->last);
    struct recent cur = {.op = *op, .idx = idx};

    if (tl_kind_is_write(op->kind)) {
        an->rings = grow_array(an->rings, &an->nrings, op->map + 1, sizeof *an->rings);
        struct ring *rg = &an->rings[op->map];
        if (!rg->r) {
            rg->r = malloc(RING * sizeof *rg->r);
            if (!rg->r)
                abort();
        }
        for (uint32_t i = 0; i < rg->n; i++) {
            struct recent *e = &rg->r[(rg->head + RING - 1 - i) % RING];
            if (e->op.end < op->start)
                break;
            if (e->op.thread == op->thread)
                continue;
            uint64_t ie = keep(m, e);
            add_race(m, ie, keep(m, &cur), false);
        }
        if (an->writer_wait && writer_candidate(m, an, op)) {
            keep(m, &cur);
            an->cands[an->ncands++] = cur;
            an->writer_wait = false; /* the write in flight at the panic */
        }
        rg->r[rg->head] = cur;
        rg->head = (rg->head + 1) % RING;
        if (rg->n < RING)
            rg->n++;
    }
    an->last[op->thread] = cur; /* kind 0 in never-written slots: none */
}

/* The ring entry of the map holding the same operation as r, or NULL. */
static struct recent *in_ring(struct analysis *an, const struct tl_op *op)
{
    if (op->map >= an->nrings)
        return NULL;
    struct ring *rg = &an->rings[op->map];
    for (uint32_t i = 0; i < rg->n; i++) {
        struct recent *e = &rg->r[(rg->head + RING - 1 - i) % RING];
        if (e->op.thread == op->thread && e->op.end == op->end &&
            e->op.start == op->start && e->op.flags == op->flags)
            return e;
    }
    return NULL;
}

/* Keeps r in ops through its ring entry, so that a later race with it
 * refers to the same index. */
static void keep_shared(struct tl_model *m, struct analysis *an, struct recent *r)
{
    struct recent *e = in_ring(an, &r->op);
    if (e) {
        keep(m, e);
        r->idx = e->idx;
    } else {
        keep(m, r);
    }
}

static struct recent synth(const struct tl_model *m, uint32_t thread, uint8_t kind)
{
    struct recent r = {.idx = TL_NONE};
    r.op.start = r.op.end = m->panic.ts;
    r.op.thread = thread;
    r.op.map = m->panic.map;
    r.op.kind = kind;
    r.op.flags = TL_OP_SYNTH;
    return r;
}

void tl_an_panic(struct tl_model *m, uint32_t writer)
{
    struct analysis *an = an_of(m);
    const struct tl_panic *p = &m->panic;
    const struct recent *l = p->thread < an->nlast ? &an->last[p->thread] : NULL;
    an->writer = writer;
    if (l && tl_kind_is_write(l->op.kind) && l->op.kind == p->op && l->op.map == p->map) {
        an->det = *l;
        an->have_det = true;
    }
    if (writer == UINT32_MAX)
        return;
    /* the writer's recent writes on the map, oldest first */
    if (p->map < an->nrings) {
        struct ring *rg = &an->rings[p->map];
        for (uint32_t i = rg->n; i-- > 0;) {
            struct recent *e = &rg->r[(rg->head + RING - 1 - i) % RING];
            if (writer_candidate(m, an, &e->op))
                an->cands[an->ncands++] = *e;
        }
    }
    an->writer_wait = true;
}

void tl_analysis_free(struct tl_model *m)
{
    struct analysis *an = m->an;
    if (!an)
        return;
    for (size_t i = 0; i < an->nrings; i++)
        free(an->rings[i].r);
    free(an->rings);
    free(an->last);
    free(an);
    m->an = NULL;
}

static int race_cmp(const void *x, const void *y)
{
    const struct tl_race *a = x, *b = y;
    if (a->from_panic != b->from_panic)
        return a->from_panic ? -1 : 1;
    if (a->overlap_start != b->overlap_start)
        return a->overlap_start < b->overlap_start ? -1 : 1;
    return (a->a > b->a) - (a->a < b->a);
}

/* The writer's colliding write among its candidates. The detector checked
 * at some time in [lo, panic]: after its write's event (detected at its
 * end) or after its previous event (refused on entry). Still held: the
 * writer's first write ending at or after lo that started before the
 * panic. Just finished: its last write started by `by` and ended before
 * the panic. NULL when the trace has no event for it. */
static struct recent *pick_writer(struct analysis *an, int64_t lo, int64_t by, bool held,
                                  int64_t panic)
{
    struct recent *best = NULL;
    for (uint32_t i = 0; i < an->ncands; i++) {
        struct recent *c = &an->cands[i];
        if (held && c->op.end >= lo && c->op.start <= panic)
            return c;
        if (!held && c->op.start <= by && c->op.end <= panic)
            best = c;
    }
    return best;
}

/* Has the writer a write containing t? */
static bool writer_holds(const struct analysis *an, int64_t t)
{
    for (uint32_t i = 0; i < an->ncands; i++)
        if (an->cands[i].op.start <= t && an->cands[i].op.end >= t)
            return true;
    return false;
}

/* Keeps w as the panic's writer operation and records the panic's race. */
static void pair_panic(struct tl_model *m, struct analysis *an, struct recent *w)
{
    keep_shared(m, an, w);
    m->panic_writer_op = w->idx;
    TL_AT(m->ops, struct tl_op, m->panic_writer_op)->flags |= TL_OP_PANIC;
    for (size_t i = 0; i < m->races.len; i++) {
        struct tl_race *r = TL_AT(m->races, struct tl_race, i);
        if ((r->a == m->panic_op && r->b == m->panic_writer_op) ||
            (r->b == m->panic_op && r->a == m->panic_writer_op)) {
            r->from_panic = true;
            return;
        }
    }
    add_race(m, m->panic_op, m->panic_writer_op, true);
}

/* A synthesized operation of thread ending at t, started after the
 * thread's last event (at most SYNTH_BACK before t). */
static struct recent synth_before(const struct tl_model *m, uint32_t thread, uint8_t kind,
                                  int64_t after, int64_t t)
{
    struct recent r = synth(m, thread, kind);
    r.op.end = t;
    r.op.start = after > t - SYNTH_BACK && after <= t ? after : t - SYNTH_BACK;
    return r;
}

static void finish_panic_exact(struct tl_model *m, struct analysis *an)
{
    const struct tl_panic *p = &m->panic;
    const int64_t det_t = p->detect;
    if (!(p->at_end && an->have_det)) {
        const struct recent *l = p->thread < an->nlast ? &an->last[p->thread] : NULL;
        int64_t after = l && l->op.kind ? l->op.end : INT64_MIN;
        an->det = synth_before(m, p->thread, p->op, after, det_t);
    }
    keep_shared(m, an, &an->det);
    m->panic_op = an->det.idx;
    TL_AT(m->ops, struct tl_op, m->panic_op)->flags |= TL_OP_PANIC;
    if (an->writer == UINT32_MAX || p->writer_tid <= 0)
        return;
    /* detect_ns is read a little after the check (tens to a few hundred
     * ns: the detector first takes the map's cache line for the freeze), so
     * the writer may have begun its next write by then: prefer the latest
     * write of the operation the panic names */
    struct recent *best = NULL, *best_kind = NULL, *late_kind = NULL;
    for (uint32_t i = 0; i < an->ncands; i++) {
        struct recent *c = &an->cands[i];
        if (c->op.start > det_t) {
            if (c->op.kind == p->writer_op && c->op.start <= det_t + SKEW_SLACK &&
                (!late_kind || c->op.start < late_kind->op.start))
                late_kind = c;
            continue;
        }
        if (!best || c->op.start >= best->op.start)
            best = c;
        if (c->op.kind == p->writer_op && (!best_kind || c->op.start >= best_kind->op.start))
            best_kind = c;
    }
    bool kind_held = best_kind && best_kind->op.end >= det_t - HELD_SLACK;
    struct recent w;
    if (p->writer_held) {
        /* the writer word names the held write's operation exactly */
        if (kind_held)
            w = *best_kind;
        else if (late_kind)
            w = *late_kind;
        else
            w = synth_before(m, an->writer, p->writer_op, best ? best->op.end : INT64_MIN, det_t);
    } else if (kind_held || best) {
        w = kind_held ? *best_kind : *best;
    } else {
        w = synth_before(m, an->writer, p->writer_op, INT64_MIN, det_t);
    }
    pair_panic(m, an, &w);
}

static void finish_panic(struct tl_model *m, struct analysis *an)
{
    if (!m->panic.present || !an)
        return;
    if (m->panic.has_detect) {
        finish_panic_exact(m, an);
        return;
    }
    const struct tl_panic *p = &m->panic;
    bool held = p->writer_held;
    bool known_writer = an->writer != UINT32_MAX && p->writer_tid > 0;
    /* The detecting thread's last write is the detected operation when the
     * check at its end failed: certain when the writer had finished
     * (writer_held 0), else when a write of the writer's contains its end.
     * Otherwise the operation was refused on entry and left no event: it is
     * drawn from the thread's previous event (at most SYNTH_BACK before)
     * to the panic. */
    if (an->have_det && held && known_writer && !writer_holds(an, an->det.op.end))
        an->have_det = false;
    if (!an->have_det) {
        const struct recent *l = p->thread < an->nlast ? &an->last[p->thread] : NULL;
        an->det = synth(m, p->thread, p->op);
        if (l && l->op.kind && l->op.end <= p->ts)
            an->det.op.start = l->op.end > p->ts - SYNTH_BACK ? l->op.end : p->ts - SYNTH_BACK;
    }
    keep_shared(m, an, &an->det);
    m->panic_op = an->det.idx;
    TL_AT(m->ops, struct tl_op, m->panic_op)->flags |= TL_OP_PANIC;
    if (!known_writer)
        return;
    const struct tl_op *d = &an->det.op;
    struct recent *wr = pick_writer(an, (d->flags & TL_OP_SYNTH) ? d->start : d->end, d->end,
                                    held, p->ts);
    struct recent w = wr ? *wr : synth(m, an->writer, p->writer_op);
    pair_panic(m, an, &w);
}

void tl_analyze(struct tl_model *m)
{
    finish_panic(m, m->an);
    if (m->races.len)
        qsort(m->races.data, m->races.len, sizeof(struct tl_race), race_cmp);
    for (int k = 0; k < TL_NKINDS; k++) {
        const struct tl_hist *h = &m->lat[k];
        struct tl_latency *l = &m->latency[k];
        memset(l, 0, sizeof *l);
        if (!h->n)
            continue;
        l->n = h->n;
        l->min = h->min;
        l->max = h->max;
        l->p50 = tl_hist_quantile(h, 0.50);
        l->p90 = tl_hist_quantile(h, 0.90);
        l->p99 = tl_hist_quantile(h, 0.99);
        l->mean = (double)h->sum / (double)h->n;
    }
}
