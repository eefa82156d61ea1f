/*
 * decode.c — turns babeltrace2 messages into the model (model.h), in the
 * order the muxer delivers them (ns from origin).
 *
 * The hot path is one event: find its event class in a small cache (the
 * last class hit, then an open-addressing table keyed by the class
 * pointer), whose entry holds what was resolved once per class — the libmap
 * event it is, the member index of every field it needs in the payload and
 * the common context, their signedness, and the clock frequency — so no
 * field is ever looked up by name per event. Threads and maps are found
 * through idtab (last hit first). Cached classes are referenced so their
 * addresses cannot be reused while cached.
 */
#include <stdlib.h>
#include <string.h>

#include "idtab.h"
#include "viewer.h"

enum ev {
    EV_OTHER, EV_NEW, EV_FREE, EV_ASSIGN, EV_DELETE, EV_CLEAR, EV_GROW,
    EV_EVACUATE, EV_GROW_DONE, EV_PANIC, EV_LOOKUP, EV_ITER_INIT, EV_ITERATE,
    EV_ITER_END, EV_N
};

#define MAXF 8
#define MAXOPT 3

/* The payload fields each event needs, in the order decode_event reads
 * them (docs/tracepoints.md). */
static const struct evdesc {
    const char *name;
    const char *fields[MAXF];
} evdescs[EV_N] = {
    [EV_NEW] = {"libmap:new", {"map", "key_kind", "value_size", "B"}},
    [EV_FREE] = {"libmap:free", {"map", "count"}},
    [EV_ASSIGN] = {"libmap:assign", {"map", "hash", "result", "count", "B", "start_ns"}},
    [EV_DELETE] = {"libmap:delete", {"map", "hash", "result", "count", "B", "start_ns"}},
    [EV_CLEAR] = {"libmap:clear", {"map", "hash", "result", "count", "B", "start_ns"}},
    [EV_GROW] = {"libmap:grow", {"map", "old_B", "new_B", "same_size", "count"}},
    [EV_EVACUATE] = {"libmap:evacuate", {"map", "oldbucket", "nevacuate", "noldbuckets"}},
    [EV_GROW_DONE] = {"libmap:grow_done", {"map", "B", "count"}},
    [EV_PANIC] = {"libmap:panic", {"map", "kind", "message", "op", "tid", "writer_op",
                                   "writer_tid", "writer_held"}},
    [EV_LOOKUP] = {"libmap:lookup", {"map", "hash", "found"}},
    [EV_ITER_INIT] = {"libmap:iter_init", {"map"}},
    [EV_ITERATE] = {"libmap:iterate", {"map"}},
    [EV_ITER_END] = {"libmap:iter_end", {"map"}},
};

/* Fields an event may lack (added to the contract later); read after the
 * required ones, as indices MAXF + i, when present. */
static const char *const optfields[EV_N][MAXOPT] = {
    [EV_PANIC] = {"detect_ns", "at_end", "writer_done"},
};

enum { CTX_VTID, CTX_VPID, CTX_PROCNAME, CTX_N };
static const char *const ctx_names[CTX_N] = {"vtid", "vpid", "procname"};

struct ecache {
    const bt_event_class *ec;     /* referenced */
    enum ev ev;
    uint8_t nf;
    uint64_t fidx[MAXF + MAXOPT];
    bool fsigned[MAXF + MAXOPT];
    bool has_opt[MAXOPT];
    int64_t ctx[CTX_N];           /* member index, -1 when absent */
    bool ctx_signed[CTX_N];
    uint64_t freq;                /* clock frequency, Hz */
};

struct tl_decoder {
    struct tl_model *m;
    struct ecache **tab;          /* by class pointer, open addressing */
    size_t tab_mask, tab_used;
    struct ecache *last;
    struct idtab threads, maps;
    uint32_t last_thread;
    int32_t last_vpid, last_vtid;
    uint32_t last_map;
    int32_t last_map_vpid;
    uint64_t last_map_addr;
    uint32_t *map_grow;           /* per map: current grow index, UINT32_MAX none */
    size_t map_grow_cap;
    bool warned_ctx, warned_clock;
    int32_t last_pid_seen;        /* the newest entry of m->pids */
    bool any_pid_seen;
};

struct tl_decoder *tl_decoder_new(struct tl_model *m)
{
    struct tl_decoder *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->m = m;
    d->last_thread = UINT32_MAX;
    d->last_map = UINT32_MAX;
    return d;
}

void tl_decoder_free(struct tl_decoder *d)
{
    if (!d)
        return;
    for (size_t i = 0; d->tab && i <= d->tab_mask; i++) {
        if (d->tab[i]) {
            bt_event_class_put_ref(d->tab[i]->ec);
            free(d->tab[i]);
        }
    }
    free(d->tab);
    idtab_free(&d->threads);
    idtab_free(&d->maps);
    free(d->map_grow);
    free(d);
}

/* --- per-class resolution, once per event class --- */

static bool member_index(const bt_field_class *st, const char *name, uint64_t *idx,
                         bool *is_signed, bool want_string)
{
    if (!st || bt_field_class_get_type(st) != BT_FIELD_CLASS_TYPE_STRUCTURE)
        return false;
    uint64_t n = bt_field_class_structure_get_member_count(st);
    for (uint64_t i = 0; i < n; i++) {
        const bt_field_class_structure_member *mb =
            bt_field_class_structure_borrow_member_by_index_const(st, i);
        if (strcmp(bt_field_class_structure_member_get_name(mb), name) != 0)
            continue;
        bt_field_class_type t =
            bt_field_class_get_type(bt_field_class_structure_member_borrow_field_class_const(mb));
        if (want_string) {
            if (t != BT_FIELD_CLASS_TYPE_STRING)
                return false;
        } else if (!bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_INTEGER)) {
            return false;
        }
        *idx = i;
        *is_signed = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER);
        return true;
    }
    return false;
}

static struct ecache *resolve(struct tl_decoder *d, const bt_event_class *ec)
{
    struct ecache *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->ec = ec;
    bt_event_class_get_ref(ec);
    const char *name = bt_event_class_get_name(ec);
    c->ev = EV_OTHER;
    for (int e = 1; name && e < EV_N; e++) {
        if (strcmp(name, evdescs[e].name) == 0) {
            c->ev = (enum ev)e;
            break;
        }
    }
    if (c->ev == EV_OTHER)
        return c;
    const bt_field_class *pl = bt_event_class_borrow_payload_field_class_const(ec);
    const char *const *fields = evdescs[c->ev].fields;
    for (c->nf = 0; c->nf < MAXF && fields[c->nf]; c->nf++) {
        bool want_string = strcmp(fields[c->nf], "message") == 0;
        if (!member_index(pl, fields[c->nf], &c->fidx[c->nf], &c->fsigned[c->nf],
                          want_string)) {
            fprintf(stderr, TL_PROG ": warning: event %s has no usable field '%s'; "
                    "its events are ignored\n", name, fields[c->nf]);
            c->ev = EV_OTHER;
            return c;
        }
    }
    for (int i = 0; i < MAXOPT && optfields[c->ev][i]; i++)
        c->has_opt[i] = member_index(pl, optfields[c->ev][i], &c->fidx[MAXF + i],
                                     &c->fsigned[MAXF + i], false);
    const bt_stream_class *sc = bt_event_class_borrow_stream_class_const(ec);
    const bt_field_class *cc = bt_stream_class_borrow_event_common_context_field_class_const(sc);
    for (int i = 0; i < CTX_N; i++) {
        uint64_t idx;
        c->ctx[i] = member_index(cc, ctx_names[i], &idx, &c->ctx_signed[i], i == CTX_PROCNAME)
                        ? (int64_t)idx : -1;
    }
    if ((c->ctx[CTX_VTID] < 0 || c->ctx[CTX_VPID] < 0) && !d->warned_ctx) {
        fprintf(stderr, TL_PROG ": warning: events lack the vtid/vpid contexts "
                "(record with libmap-record, or lttng add-context --type=vtid --type=vpid "
                "--type=procname); threads cannot be told apart\n");
        d->warned_ctx = true;
    }
    const bt_clock_class *ck = bt_stream_class_borrow_default_clock_class_const(sc);
    if (!ck) {
        if (!d->warned_clock)
            fprintf(stderr, TL_PROG ": warning: stream of %s has no clock; its events "
                    "are ignored\n", name);
        d->warned_clock = true;
        c->ev = EV_OTHER;
        return c;
    }
    c->freq = bt_clock_class_get_frequency(ck);
    return c;
}

static size_t ptr_hash(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 24);
}

static struct ecache *lookup_class(struct tl_decoder *d, const bt_event_class *ec)
{
    if (d->last && d->last->ec == ec)
        return d->last;
    if (!d->tab || (d->tab_used + 1) * 2 > d->tab_mask + 1) {
        size_t n = d->tab ? (d->tab_mask + 1) * 2 : 64;
        struct ecache **t = calloc(n, sizeof *t);
        if (!t)
            abort();
        for (size_t i = 0; d->tab && i <= d->tab_mask; i++) {
            if (!d->tab[i])
                continue;
            size_t j = ptr_hash(d->tab[i]->ec) & (n - 1);
            while (t[j])
                j = (j + 1) & (n - 1);
            t[j] = d->tab[i];
        }
        free(d->tab);
        d->tab = t;
        d->tab_mask = n - 1;
    }
    size_t j = ptr_hash(ec) & d->tab_mask;
    while (d->tab[j] && d->tab[j]->ec != ec)
        j = (j + 1) & d->tab_mask;
    if (!d->tab[j]) {
        d->tab[j] = resolve(d, ec);
        d->tab_used++;
    }
    d->last = d->tab[j];
    return d->last;
}

/* --- field access by cached index --- */

static inline uint64_t rd(const bt_field *st, const struct ecache *c, int i)
{
    const bt_field *f = bt_field_structure_borrow_member_field_by_index_const(st, c->fidx[i]);
    return c->fsigned[i] ? (uint64_t)bt_field_integer_signed_get_value(f)
                         : bt_field_integer_unsigned_get_value(f);
}

static inline uint64_t rd_ctx(const bt_field *st, const struct ecache *c, int i)
{
    const bt_field *f = bt_field_structure_borrow_member_field_by_index_const(st, (uint64_t)c->ctx[i]);
    return c->ctx_signed[i] ? (uint64_t)bt_field_integer_signed_get_value(f)
                            : bt_field_integer_unsigned_get_value(f);
}

/* --- threads and maps --- */

uint32_t tl_decoder_thread(struct tl_decoder *d, int32_t vpid, int32_t vtid,
                           const char *procname)
{
    struct tl_model *m = d->m;
    uint32_t idx;
    if (d->last_thread != UINT32_MAX && d->last_vpid == vpid && d->last_vtid == vtid) {
        idx = d->last_thread;
    } else {
        uint32_t *v = idtab_get(&d->threads, (uint64_t)(uint32_t)vpid, (uint32_t)vtid);
        if (*v == UINT32_MAX) {
            struct tl_thread *t = tl_vec_push(&m->threads);
            t->vpid = vpid;
            t->vtid = vtid;
            *v = (uint32_t)(m->threads.len - 1);
        }
        idx = *v;
        d->last_thread = idx;
        d->last_vpid = vpid;
        d->last_vtid = vtid;
    }
    if (procname && procname[0]) {
        struct tl_thread *t = TL_AT(m->threads, struct tl_thread, idx);
        if (strncmp(t->procname, procname, sizeof t->procname - 1) != 0) {
            strncpy(t->procname, procname, sizeof t->procname - 1);
            t->procname[sizeof t->procname - 1] = '\0';
        }
    }
    return idx;
}

static uint32_t new_map(struct tl_decoder *d, int32_t vpid, uint64_t addr, uint32_t life)
{
    struct tl_model *m = d->m;
    struct tl_map *mp = tl_vec_push(&m->maps);
    mp->vpid = vpid;
    mp->addr = addr;
    mp->life = life;
    mp->key_kind = 0xff;
    uint32_t idx = (uint32_t)(m->maps.len - 1);
    if (m->maps.len > d->map_grow_cap) {
        d->map_grow_cap = m->maps.cap;
        d->map_grow = realloc(d->map_grow, d->map_grow_cap * sizeof *d->map_grow);
        if (!d->map_grow)
            abort();
    }
    d->map_grow[idx] = UINT32_MAX;
    return idx;
}

static bool map_used(const struct tl_map *mp)
{
    if (mp->freed || mp->key_kind != 0xff || mp->ngrows)
        return true;
    for (int k = 0; k < TL_NKINDS; k++)
        if (mp->nops[k])
            return true;
    return false;
}

static uint32_t find_map_slow(struct tl_decoder *d, int32_t vpid, uint64_t addr, bool is_new);

/* The map an event on (vpid, addr) belongs to: a `new`, or any event after
 * a `free`, starts a new life of the address. */
static uint32_t find_map(struct tl_decoder *d, int32_t vpid, uint64_t addr, bool is_new)
{
    if (!is_new && d->last_map != UINT32_MAX && d->last_map_addr == addr &&
        d->last_map_vpid == vpid && !TL_AT(d->m->maps, struct tl_map, d->last_map)->freed)
        return d->last_map;
    uint32_t idx = find_map_slow(d, vpid, addr, is_new);
    d->last_map = idx;
    d->last_map_addr = addr;
    d->last_map_vpid = vpid;
    return idx;
}

static uint32_t find_map_slow(struct tl_decoder *d, int32_t vpid, uint64_t addr, bool is_new)
{
    uint32_t *v = idtab_get(&d->maps, addr, (uint32_t)vpid);
    if (*v == UINT32_MAX) {
        *v = new_map(d, vpid, addr, 0);
    } else {
        const struct tl_map *mp = TL_AT(d->m->maps, struct tl_map, *v);
        if (mp->freed || (is_new && map_used(mp))) {
            uint32_t life = mp->life + 1;
            uint32_t idx = new_map(d, vpid, addr, life);
            v = idtab_get(&d->maps, addr, (uint32_t)vpid); /* table may have moved */
            *v = idx;
        }
    }
    return *v;
}

/* --- events --- */

static void end_grow(struct tl_decoder *d, uint32_t map, int64_t ts)
{
    uint32_t g = d->map_grow[map];
    if (g != UINT32_MAX) {
        TL_AT(d->m->grows, struct tl_grow, g)->end = ts;
        d->map_grow[map] = UINT32_MAX;
    }
}

static void add_op(struct tl_decoder *d, struct tl_op *op)
{
    struct tl_model *m = d->m;
    TL_AT(m->threads, struct tl_thread, op->thread)->nops[op->kind]++;
    TL_AT(m->maps, struct tl_map, op->map)->nops[op->kind]++;
    m->nops_total++;
    uint64_t idx = TL_NONE;
    if (m->keep_ops) {
        *(struct tl_op *)tl_vec_push(&m->ops) = *op;
        idx = m->ops.len - 1;
    }
    tl_an_op(m, op, idx);
}

/* Keeps the list of processes in the trace (for --pid's messages and the
 * per-process report); consecutive events mostly share one. */
static void note_pid(struct tl_decoder *d, int32_t vpid)
{
    if (d->any_pid_seen && d->last_pid_seen == vpid)
        return;
    d->any_pid_seen = true;
    d->last_pid_seen = vpid;
    const int32_t *p = d->m->pids.data;
    for (size_t i = 0; i < d->m->pids.len; i++)
        if (p[i] == vpid)
            return;
    *(int32_t *)tl_vec_push(&d->m->pids) = vpid;
}

/* The panic already decoded for process vpid, or NULL (at most one per
 * process: libmap stops at its first). */
static const struct tl_panic *panic_of(const struct tl_model *m, int32_t vpid)
{
    for (size_t i = 0; i < m->panics.len; i++) {
        const struct tl_panic *p = TL_AT(m->panics, struct tl_panic, i);
        if (TL_AT(m->threads, struct tl_thread, p->thread)->vpid == vpid)
            return p;
    }
    return NULL;
}

/* One libmap event being decoded: its class, payload and clock, and the
 * thread and map it belongs to. */
struct event {
    const struct ecache *c;
    const bt_field *pl;
    const bt_clock_snapshot *cs;
    int64_t ts;          /* ns from origin */
    int32_t vpid;
    const char *procname;
    uint32_t thread, map;
};

/* ns from `then`, a value of the event's own clock (start_ns, detect_ns:
 * CLOCK_MONOTONIC, LTTng's clock), to the event; 0 when not before it. */
static int64_t ns_since(const struct event *e, uint64_t then)
{
    uint64_t now = bt_clock_snapshot_get_value(e->cs);
    if (then > now)
        return 0;
    uint64_t cyc = now - then;
    return e->c->freq == 1000000000u ? (int64_t)cyc
                                     : (int64_t)((double)cyc * 1e9 / (double)e->c->freq);
}

static void decode_write(struct tl_decoder *d, const struct event *e, struct tl_op *op)
{
    struct tl_model *m = d->m;
    const struct ecache *c = e->c;
    op->kind = (uint8_t)(c->ev == EV_ASSIGN ? TL_ASSIGN : c->ev == EV_DELETE ? TL_DELETE : TL_CLEAR);
    op->hash = rd(e->pl, c, 1);
    op->result = (int8_t)rd(e->pl, c, 2);
    op->count = rd(e->pl, c, 3);
    op->B = (uint8_t)rd(e->pl, c, 4);
    uint64_t start = rd(e->pl, c, 5);
    if (start) /* 0: no start time was taken */
        op->start = e->ts - ns_since(e, start);
    struct tl_map *mp = TL_AT(m->maps, struct tl_map, e->map);
    mp->last_count = op->count;
    mp->last_B = op->B;
    tl_hist_add(&m->lat[op->kind], op->end - op->start);
    if (op->kind == TL_CLEAR)
        end_grow(d, e->map, e->ts);
    add_op(d, op);
}

static void decode_grow(struct tl_decoder *d, const struct event *e)
{
    struct tl_model *m = d->m;
    end_grow(d, e->map, e->ts); /* a grow we never saw finish */
    struct tl_grow *g = tl_vec_push(&m->grows);
    g->start = e->ts;
    g->end = -1;
    g->map = e->map;
    g->thread = e->thread;
    g->old_B = (uint8_t)rd(e->pl, e->c, 1);
    g->new_B = (uint8_t)rd(e->pl, e->c, 2);
    g->same_size = rd(e->pl, e->c, 3) != 0;
    g->count = rd(e->pl, e->c, 4);
    g->noldbuckets = 1ull << g->old_B;
    d->map_grow[e->map] = (uint32_t)(m->grows.len - 1);
    struct tl_map *mp = TL_AT(m->maps, struct tl_map, e->map);
    mp->ngrows++;
    if (g->same_size)
        mp->nsame_size_grows++;
}

static void decode_evacuate(struct tl_decoder *d, const struct event *e)
{
    struct tl_model *m = d->m;
    uint32_t gi = d->map_grow[e->map];
    m->nevacuations++;
    TL_AT(m->maps, struct tl_map, e->map)->nevacuations++;
    if (gi != UINT32_MAX)
        TL_AT(m->grows, struct tl_grow, gi)->nevacuated++;
    if (!m->keep_ops)
        return;
    struct tl_evac *ev = tl_vec_push(&m->evacs);
    ev->ts = e->ts;
    ev->map = e->map;
    ev->thread = e->thread;
    ev->grow = gi;
    ev->oldbucket = rd(e->pl, e->c, 1);
    ev->nevacuate = rd(e->pl, e->c, 2);
    ev->noldbuckets = rd(e->pl, e->c, 3);
}

static void decode_panic(struct tl_decoder *d, const struct event *e)
{
    struct tl_model *m = d->m;
    const struct ecache *c = e->c;
    if (panic_of(m, e->vpid))
        return; /* at most one per process; keep the first */
    struct tl_panic *p = tl_vec_push(&m->panics);
    uint32_t pi = (uint32_t)(m->panics.len - 1);
    p->present = true;
    p->det_op = p->writer_op_idx = TL_NONE;
    p->ts = e->ts;
    p->thread = e->thread;
    p->map = e->map;
    p->kind = (uint32_t)rd(e->pl, c, 1);
    const char *msgs = bt_field_string_get_value(
        bt_field_structure_borrow_member_field_by_index_const(e->pl, c->fidx[2]));
    snprintf(p->message, sizeof p->message, "%s", msgs ? msgs : "");
    p->op = (uint8_t)rd(e->pl, c, 3);
    p->tid = (int32_t)rd(e->pl, c, 4);
    p->writer_op = (uint8_t)rd(e->pl, c, 5);
    p->writer_tid = (int32_t)rd(e->pl, c, 6);
    p->writer_held = rd(e->pl, c, 7) != 0;
    if (c->has_opt[0] && c->has_opt[1]) {
        p->has_detect = true;
        p->detect = e->ts - ns_since(e, rd(e->pl, c, MAXF + 0));
        p->at_end = rd(e->pl, c, MAXF + 1) != 0;
    }
    if (c->has_opt[2]) {
        p->has_writer_done = true;
        p->writer_done = rd(e->pl, c, MAXF + 2) != 0;
    }
    uint32_t writer = UINT32_MAX;
    if (p->writer_tid > 0) {
        writer = tl_decoder_thread(d, e->vpid, p->writer_tid, NULL);
        struct tl_thread *wt = TL_AT(m->threads, struct tl_thread, writer);
        if (!wt->procname[0] && e->procname)
            snprintf(wt->procname, sizeof wt->procname, "%s", e->procname);
    }
    tl_an_panic(m, pi, writer);
}

/* The vtid, vpid and procname contexts of an event (0 and NULL when the
 * trace lacks them). */
static void read_context(const bt_event *ev, const struct ecache *c, int32_t *vpid,
                         int32_t *vtid, const char **procname)
{
    *vpid = *vtid = 0;
    *procname = NULL;
    const bt_field *cx = bt_event_borrow_common_context_field_const(ev);
    if (!cx)
        return;
    if (c->ctx[CTX_VTID] >= 0)
        *vtid = (int32_t)rd_ctx(cx, c, CTX_VTID);
    if (c->ctx[CTX_VPID] >= 0)
        *vpid = (int32_t)rd_ctx(cx, c, CTX_VPID);
    if (c->ctx[CTX_PROCNAME] >= 0)
        *procname = bt_field_string_get_value(
            bt_field_structure_borrow_member_field_by_index_const(cx, (uint64_t)c->ctx[CTX_PROCNAME]));
}

static void decode_event(struct tl_decoder *d, const bt_message *msg)
{
    struct tl_model *m = d->m;
    const bt_event *ev = bt_message_event_borrow_event_const(msg);
    struct event e = {.c = lookup_class(d, bt_event_borrow_class_const(ev))};
    const struct ecache *c = e.c;
    e.cs = bt_message_event_borrow_default_clock_snapshot_const(msg);
    if (c->ev == EV_OTHER ||
        bt_clock_snapshot_get_ns_from_origin(e.cs, &e.ts) !=
            BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK) {
        m->nother_events++;
        return;
    }
    int32_t vtid;
    read_context(ev, c, &e.vpid, &vtid, &e.procname);
    note_pid(d, e.vpid);
    if (m->only_pid && e.vpid != m->only_pid) {
        m->nfiltered_events++;
        return;
    }
    m->nevents++;
    if (e.ts < m->first_ts)
        m->first_ts = e.ts;
    if (e.ts > m->last_ts)
        m->last_ts = e.ts;
    e.thread = tl_decoder_thread(d, e.vpid, vtid, e.procname);
    e.pl = bt_event_borrow_payload_field_const(ev);
    e.map = find_map(d, e.vpid, rd(e.pl, c, 0), c->ev == EV_NEW);
    struct tl_map *mp = TL_AT(m->maps, struct tl_map, e.map);
    struct tl_op op = {.start = e.ts, .end = e.ts, .thread = e.thread, .map = e.map};

    switch (c->ev) {
    case EV_ASSIGN:
    case EV_DELETE:
    case EV_CLEAR:
        decode_write(d, &e, &op);
        break;
    case EV_LOOKUP:
        op.kind = TL_LOOKUP;
        op.hash = rd(e.pl, c, 1);
        op.result = (int8_t)rd(e.pl, c, 2);
        add_op(d, &op);
        break;
    case EV_ITER_INIT:
    case EV_ITERATE:
    case EV_ITER_END:
        op.kind = (uint8_t)(c->ev == EV_ITER_INIT ? TL_ITER_INIT
                            : c->ev == EV_ITERATE ? TL_ITERATE : TL_ITER_END);
        add_op(d, &op);
        break;
    case EV_NEW:
        op.kind = TL_NEW;
        mp->key_kind = (uint8_t)rd(e.pl, c, 1);
        mp->value_size = rd(e.pl, c, 2);
        mp->last_B = (uint8_t)rd(e.pl, c, 3);
        add_op(d, &op);
        break;
    case EV_FREE:
        op.kind = TL_FREE;
        op.count = rd(e.pl, c, 1);
        end_grow(d, e.map, e.ts);
        add_op(d, &op);
        TL_AT(m->maps, struct tl_map, e.map)->freed = true;
        break;
    case EV_GROW:
        decode_grow(d, &e);
        break;
    case EV_EVACUATE:
        decode_evacuate(d, &e);
        break;
    case EV_GROW_DONE:
        end_grow(d, e.map, e.ts);
        mp->last_B = (uint8_t)rd(e.pl, c, 1);
        break;
    case EV_PANIC:
        decode_panic(d, &e);
        break;
    default:
        break;
    }
}

void tl_decoder_message(struct tl_decoder *d, const bt_message *msg)
{
    uint64_t n;
    switch (bt_message_get_type(msg)) {
    case BT_MESSAGE_TYPE_EVENT:
        decode_event(d, msg);
        break;
    case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
        if (bt_message_discarded_events_get_count(msg, &n) == BT_PROPERTY_AVAILABILITY_AVAILABLE)
            d->m->discarded_events += n;
        else
            d->m->discarded_events++; /* unknown count: at least one */
        break;
    case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
        if (bt_message_discarded_packets_get_count(msg, &n) == BT_PROPERTY_AVAILABILITY_AVAILABLE)
            d->m->discarded_packets += n;
        else
            d->m->discarded_packets++;
        break;
    default:
        break;
    }
}
