/*
 * analysis.c — races and the panic's two colliding operations, found
 * online: the analysis is the model's observer (tl_analysis_attach), told
 * of each operation and panic as the decoder records it.
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
 * Panics (docs/tracepoints.md, libmap:panic rules): at most one per
 * process, each paired with its two operations:
 *  - the detecting side: with at_end, the detecting thread's own write on
 *    the map, its last event before the panic; otherwise the operation was
 *    refused on entry and has no event: an instant at detect_ns, marked
 *    synthesized (nothing is drawn before the check);
 *  - the writer side, by what the panic says (writer_tid and writer_op,
 *    from the map's writer word). With writer_seq (newer traces): that
 *    thread's write of writer_op on the map whose seq is writer_seq,
 *    exactly. The detecting thread can be held up for tens of µs between
 *    the check and the freeze (or between the check and detect_ns) while
 *    the writer goes on writing, hundreds of writes in kept natural races:
 *    so besides the map's ring, the analysis keeps the trace's last HIST
 *    writes that carry a seq, and looks the colliding one up there.
 *    Without writer_seq (older traces): that thread's last write of
 *    writer_op on the map that started at or before detect_ns, whatever
 *    its end. A
 *    writer can be descheduled for milliseconds between its event and its
 *    release of the map (and then it still holds the map at the check), so
 *    no rule on how close its end is to the check can tell: the start can,
 *    since a thread's writes follow each other and the writer word names
 *    the write it was in. The candidates are its writes in the map's ring
 *    when the panic event comes and its last write of each kind (a
 *    detector descheduled between its check and its clock read lets the
 *    writer go on for more than the ring holds), plus those written after
 *    the panic event (the write in flight passes libmap's mute). With writer_done 0 the
 *    write was not over when the panic event was emitted: only an event
 *    written after the panic event can be it. No candidate: the trace has
 *    no event of that write; nothing is drawn, and the report says which
 *    (still writing, or not in the trace).
 * Traces without detect_ns use the panic event's time for the check.
 *
 * With keep_ops false (--summary) operations are not kept, except those a
 * race or the panic refers to, which are copied into ops when found.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "viewer.h"

#define RING 64
#define NCANDS (RING + 8)
#define HIST 65536 /* writes with a seq, most recent, for a panic's writer_seq */
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

/* One panic's pairing state. */
struct pstate {
    uint32_t writer;         /* lane of writer_tid, UINT32_MAX: unknown */
    struct recent det;       /* the detecting thread's last operation at the panic */
    bool have_det;
    bool collecting;         /* the panic was seen: the writer's later writes count */
    struct recent cands[NCANDS]; /* writer_tid's writes on the map, by end */
    uint32_t ncands;
};

struct analysis {
    struct tl_model_observer observer; /* first: the model calls back through it */
    struct ring *rings;
    size_t nrings;
    struct recent *last;     /* per thread: its last operation */
    bool *last_valid;
    size_t nlast;
    /* per thread and write kind (assign, delete, clear): its last write of
     * that kind, wherever it is in its map's ring (a panic's writer may
     * have written more than RING times between its colliding write and
     * the panic event: a detector descheduled before reading the clock) */
    struct recent *lastw;
    size_t nlastw;
    struct recent *hist;     /* HIST entries, allocated on the first write with a seq */
    uint32_t nhist, hhead;
    struct pstate *ps;       /* per panic, as m->panics */
    size_t nps, cap_ps;
};


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

/* A write of panic p's writer on p's map that may be the colliding one:
 * with writer_seq, the one of writer_op with that seq; else one that
 * started by the check (with the clocks' skew), or, in traces without
 * detect_ns, by the panic event. */
static bool writer_candidate(const struct tl_panic *p, const struct pstate *ps,
                             const struct tl_op *op)
{
    if (!tl_kind_is_write(op->kind) || op->thread != ps->writer || op->map != p->map)
        return false;
    if (p->has_writer_seq)
        return (op->flags & TL_OP_SEQ) && op->seq == p->writer_seq && op->kind == p->writer_op;
    int64_t by = p->has_detect ? p->detect + SKEW_SLACK : p->ts;
    return op->start <= by;
}

/* Remembers a write that carries a seq in the trace-wide history. */
static void hist_push(struct analysis *an, const struct recent *r)
{
    if (!an->hist) {
        an->hist = malloc(HIST * sizeof *an->hist);
        if (!an->hist)
            abort();
    }
    an->hist[an->hhead] = *r;
    an->hhead = (an->hhead + 1) % HIST;
    if (an->nhist < HIST)
        an->nhist++;
}

static void on_op(struct tl_model_observer *self, struct tl_model *m, const struct tl_op *op,
                  uint64_t idx)
{
    struct analysis *an = (struct analysis *)self;
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
        for (size_t i = 0; i < an->nps; i++) {
            struct pstate *ps = &an->ps[i];
            if (ps->collecting && ps->ncands < NCANDS &&
                writer_candidate(TL_AT(m->panics, struct tl_panic, i), ps, op)) {
                keep(m, &cur);
                ps->cands[ps->ncands++] = cur; /* written after the panic event */
            }
        }
        an->lastw = grow_array(an->lastw, &an->nlastw, (size_t)(op->thread + 1) * 3,
                               sizeof *an->lastw);
        an->lastw[(size_t)op->thread * 3 + op->kind - TL_ASSIGN] = cur;
        if (op->flags & TL_OP_SEQ)
            hist_push(an, &cur);
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

/* The detecting operation refused on entry: no event, an instant at the
 * check (or at the panic event in traces without detect_ns). */
static struct recent synth(uint32_t thread, uint32_t map, uint8_t kind, int64_t t)
{
    struct recent r = {.idx = TL_NONE};
    r.op.start = r.op.end = t;
    r.op.thread = thread;
    r.op.map = map;
    r.op.kind = kind;
    r.op.flags = TL_OP_SYNTH;
    return r;
}

static void on_panic(struct tl_model_observer *self, struct tl_model *m, uint32_t panic)
{
    struct analysis *an = (struct analysis *)self;
    an->ps = grow_array(an->ps, &an->cap_ps, panic + 1, sizeof *an->ps);
    an->nps = panic + 1;
    struct pstate *ps = &an->ps[panic];
    const struct tl_panic *p = TL_AT(m->panics, struct tl_panic, panic);
    uint32_t writer = p->writer_thread;
    const struct recent *l = p->thread < an->nlast ? &an->last[p->thread] : NULL;
    ps->writer = writer;
    if (l && tl_kind_is_write(l->op.kind) && l->op.kind == p->op && l->op.map == p->map) {
        ps->det = *l;
        ps->have_det = true;
    }
    ps->collecting = true;
    if (writer == UINT32_MAX || p->map >= an->nrings)
        return;
    /* the writer's recent writes on the map, oldest first */
    struct ring *rg = &an->rings[p->map];
    for (uint32_t i = rg->n; i-- > 0;) {
        struct recent *e = &rg->r[(rg->head + RING - 1 - i) % RING];
        if (writer_candidate(p, ps, &e->op))
            ps->cands[ps->ncands++] = *e;
    }
    /* with writer_seq, the write of that seq, if the ring no longer has it:
     * the newest in the history (a seq recurs only after 2^23 writes) */
    for (uint32_t i = 0; p->has_writer_seq && ps->ncands == 0 && i < an->nhist; i++) {
        struct recent *e = &an->hist[(an->hhead + HIST - 1 - i) % HIST];
        if (writer_candidate(p, ps, &e->op))
            ps->cands[ps->ncands++] = *e;
    }
    /* and its last write of the panic's kind, if the ring no longer has it */
    size_t k = (size_t)writer * 3 + p->writer_op - TL_ASSIGN;
    if (!tl_kind_is_write(p->writer_op) || k >= an->nlastw)
        return;
    struct recent *lw = &an->lastw[k];
    if (lw->op.kind == 0 || !writer_candidate(p, ps, &lw->op))
        return;
    for (uint32_t i = 0; i < ps->ncands; i++)
        if (ps->cands[i].op.start == lw->op.start && ps->cands[i].op.end == lw->op.end)
            return;
    if (ps->ncands < NCANDS)
        ps->cands[ps->ncands++] = *lw;
}

static void release(struct tl_model_observer *self)
{
    struct analysis *an = (struct analysis *)self;
    for (size_t i = 0; i < an->nrings; i++)
        free(an->rings[i].r);
    free(an->rings);
    free(an->last);
    free(an->lastw);
    free(an->hist);
    free(an->ps);
    free(an);
}

void tl_analysis_attach(struct tl_model *m)
{
    struct analysis *an = calloc(1, sizeof *an);
    if (!an)
        abort();
    an->observer = (struct tl_model_observer){.op = on_op, .panic = on_panic, .release = release};
    tl_model_observe(m, &an->observer);
}

/* The analysis following m, or NULL when none was attached. */
static struct analysis *analysis_of(const struct tl_model *m)
{
    return m->observer && m->observer->op == on_op ? (struct analysis *)m->observer : NULL;
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

/* Keeps w as panic p's writer operation and records the panic's race. */
static void pair_panic(struct tl_model *m, struct analysis *an, struct tl_panic *p,
                       struct recent *w)
{
    keep_shared(m, an, w);
    p->writer_op_idx = w->idx;
    p->writer_verdict = TL_WRITER_EVENT;
    TL_AT(m->ops, struct tl_op, w->idx)->flags |= TL_OP_PANIC;
    for (size_t i = 0; i < m->races.len; i++) {
        struct tl_race *r = TL_AT(m->races, struct tl_race, i);
        if ((r->a == p->det_op && r->b == w->idx) || (r->b == p->det_op && r->a == w->idx)) {
            r->from_panic = true;
            return;
        }
    }
    add_race(m, p->det_op, w->idx, true);
}

/* The writer's colliding write, as the panic event names it (writer_tid,
 * writer_op): that thread's last write of that operation on the map that
 * started by the check, whatever its end, since a writer can be
 * descheduled for milliseconds between its event and its release of the
 * map. A start up to SKEW_SLACK after the check counts only when none
 * started before it (two CPUs' clocks). NULL: none in the trace. */
static struct recent *colliding_write(const struct tl_panic *p, struct pstate *ps)
{
    struct recent *before = NULL, *after = NULL;
    for (uint32_t i = 0; i < ps->ncands; i++) {
        struct recent *c = &ps->cands[i];
        if (c->op.kind != p->writer_op)
            continue;
        if (c->op.start <= p->detect) {
            if (!before || c->op.start >= before->op.start)
                before = c;
        } else if (!after || c->op.start < after->op.start) {
            after = c;
        }
    }
    return before ? before : after;
}

/* Traces whose panic event has detect_ns and at_end. */
static void finish_panic_exact(struct tl_model *m, struct analysis *an, struct tl_panic *p,
                               struct pstate *ps)
{
    if (!(p->at_end && ps->have_det))
        ps->det = synth(p->thread, p->map, p->op, p->detect);
    keep_shared(m, an, &ps->det);
    p->det_op = ps->det.idx;
    TL_AT(m->ops, struct tl_op, p->det_op)->flags |= TL_OP_PANIC;
    if (ps->writer == UINT32_MAX || p->writer_tid <= 0)
        return;
    struct recent *w = colliding_write(p, ps);
    /* writer_done 0: its write was not over when the panic event was
     * emitted, so only an event written after it can be that write */
    if (w && p->has_writer_done && !p->writer_done && p->writer_held && w->op.end <= p->ts)
        w = NULL;
    if (w) {
        pair_panic(m, an, p, w);
        return;
    }
    p->writer_verdict = p->has_writer_done && !p->writer_done && p->writer_held
                            ? TL_WRITER_UNFINISHED : TL_WRITER_NO_EVENT;
}

/* Traces made before detect_ns existed: the panic event's time stands in
 * for the check. The detecting thread's last write is the detected
 * operation when it is of the panic's kind on the map; the writer's is its
 * last write of writer_op on the map that started by the panic. */
static void finish_panic_legacy(struct tl_model *m, struct analysis *an, struct tl_panic *p,
                                struct pstate *ps)
{
    if (!ps->have_det)
        ps->det = synth(p->thread, p->map, p->op, p->ts);
    keep_shared(m, an, &ps->det);
    p->det_op = ps->det.idx;
    TL_AT(m->ops, struct tl_op, p->det_op)->flags |= TL_OP_PANIC;
    if (ps->writer == UINT32_MAX || p->writer_tid <= 0)
        return;
    struct recent *w = NULL;
    for (uint32_t i = 0; i < ps->ncands; i++) {
        struct recent *c = &ps->cands[i];
        if (c->op.kind == p->writer_op && c->op.start <= p->ts &&
            (!w || c->op.start >= w->op.start))
            w = c;
    }
    if (w)
        pair_panic(m, an, p, w);
    else
        p->writer_verdict = TL_WRITER_NO_EVENT;
}

static void finish_panics(struct tl_model *m, struct analysis *an)
{
    for (size_t i = 0; an && i < m->panics.len && i < an->nps; i++) {
        struct tl_panic *p = TL_AT(m->panics, struct tl_panic, i);
        if (p->has_detect)
            finish_panic_exact(m, an, p, &an->ps[i]);
        else
            finish_panic_legacy(m, an, p, &an->ps[i]);
    }
    if (m->panics.len) {
        m->panic = *TL_AT(m->panics, struct tl_panic, 0);
        m->panic_op = m->panic.det_op;
        m->panic_writer_op = m->panic.writer_op_idx;
    }
}

void tl_analyze(struct tl_model *m)
{
    finish_panics(m, analysis_of(m));
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
