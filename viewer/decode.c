/*
 * decode.c — turns babeltrace2 messages into the model (model.h), in the
 * order the muxer delivers them (ns from origin).
 *
 * The hot path is one event: its class's resolution (evclass.h: which
 * libmap event, where each field is), its thread and map (identity.h),
 * then one small function per kind of event that writes the model. The
 * decoder only writes the model (tl_model_add_op, tl_model_add_panic);
 * whatever follows the model (the analysis) is told by the model.
 */
#include <stdlib.h>
#include <string.h>

#include "evclass.h"
#include "identity.h"
#include "viewer.h"

struct tl_decoder {
    struct tl_model *m;
    struct tl_evclass_cache classes;
    struct tl_identity ids;
    uint32_t *map_grow;           /* per map: current grow index, UINT32_MAX none */
    size_t map_grow_len;
    int32_t last_pid_seen;        /* the newest entry of m->pids */
    bool any_pid_seen;
};

struct tl_decoder *tl_decoder_new(struct tl_model *m)
{
    struct tl_decoder *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->m = m;
    tl_evclass_cache_init(&d->classes);
    tl_identity_init(&d->ids, m);
    return d;
}

void tl_decoder_free(struct tl_decoder *d)
{
    if (!d)
        return;
    tl_evclass_cache_free(&d->classes);
    tl_identity_free(&d->ids);
    free(d->map_grow);
    free(d);
}

/* One libmap event being decoded: its class, payload and clock, and the
 * thread and map it belongs to. */
struct event {
    const struct tl_evclass *c;
    const bt_field *pl;
    const bt_clock_snapshot *cs;
    int64_t ts;          /* ns from origin */
    int32_t vpid;
    const char *procname;
    uint32_t thread, map;
};

static uint64_t field(const struct event *e, int i)
{
    return tl_evclass_field(e->pl, e->c, i);
}

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

/* --- growth phases in progress, per map --- */

static uint32_t *grow_slot(struct tl_decoder *d, uint32_t map)
{
    if (map >= d->map_grow_len) {
        size_t n = d->map_grow_len ? d->map_grow_len : 64;
        while (n <= map)
            n *= 2;
        d->map_grow = realloc(d->map_grow, n * sizeof *d->map_grow);
        if (!d->map_grow)
            abort();
        for (size_t i = d->map_grow_len; i < n; i++)
            d->map_grow[i] = UINT32_MAX;
        d->map_grow_len = n;
    }
    return &d->map_grow[map];
}

static void end_grow(struct tl_decoder *d, uint32_t map, int64_t ts)
{
    uint32_t *g = grow_slot(d, map);
    if (*g != UINT32_MAX) {
        TL_AT(d->m->grows, struct tl_grow, *g)->end = ts;
        *g = UINT32_MAX;
    }
}

/* --- events --- */

static void decode_write(struct tl_decoder *d, const struct event *e, struct tl_op *op)
{
    struct tl_model *m = d->m;
    enum tl_ev ev = e->c->ev;
    op->kind = (uint8_t)(ev == EV_ASSIGN ? TL_ASSIGN : ev == EV_DELETE ? TL_DELETE : TL_CLEAR);
    op->hash = field(e, 1);
    op->result = (int8_t)field(e, 2);
    op->count = field(e, 3);
    op->B = (uint8_t)field(e, 4);
    uint64_t start = field(e, 5);
    if (start) /* 0: no start time was taken */
        op->start = e->ts - ns_since(e, start);
    if (e->c->has_opt[0]) {
        op->seq = (uint32_t)field(e, EVC_MAXF + 0);
        op->flags |= TL_OP_SEQ;
    }
    struct tl_map *mp = TL_AT(m->maps, struct tl_map, e->map);
    mp->last_count = op->count;
    mp->last_B = op->B;
    tl_hist_add(&m->lat[op->kind], op->end - op->start);
    if (op->kind == TL_CLEAR)
        end_grow(d, e->map, e->ts);
    tl_model_add_op(m, op);
}

static void decode_lookup(struct tl_decoder *d, const struct event *e, struct tl_op *op)
{
    op->kind = TL_LOOKUP;
    op->hash = field(e, 1);
    op->result = (int8_t)field(e, 2);
    tl_model_add_op(d->m, op);
}

static void decode_iteration(struct tl_decoder *d, const struct event *e, struct tl_op *op)
{
    enum tl_ev ev = e->c->ev;
    op->kind = (uint8_t)(ev == EV_ITER_INIT ? TL_ITER_INIT
                         : ev == EV_ITERATE ? TL_ITERATE : TL_ITER_END);
    tl_model_add_op(d->m, op);
}

static void decode_new(struct tl_decoder *d, const struct event *e, struct tl_op *op)
{
    struct tl_map *mp = TL_AT(d->m->maps, struct tl_map, e->map);
    op->kind = TL_NEW;
    mp->key_kind = (uint8_t)field(e, 1);
    mp->value_size = field(e, 2);
    mp->last_B = (uint8_t)field(e, 3);
    tl_model_add_op(d->m, op);
}

static void decode_free(struct tl_decoder *d, const struct event *e, struct tl_op *op)
{
    op->kind = TL_FREE;
    op->count = field(e, 1);
    end_grow(d, e->map, e->ts);
    tl_model_add_op(d->m, op);
    TL_AT(d->m->maps, struct tl_map, e->map)->freed = true;
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
    g->old_B = (uint8_t)field(e, 1);
    g->new_B = (uint8_t)field(e, 2);
    g->same_size = field(e, 3) != 0;
    g->count = field(e, 4);
    g->noldbuckets = 1ull << g->old_B;
    *grow_slot(d, e->map) = (uint32_t)(m->grows.len - 1);
    struct tl_map *mp = TL_AT(m->maps, struct tl_map, e->map);
    mp->ngrows++;
    if (g->same_size)
        mp->nsame_size_grows++;
}

static void decode_evacuate(struct tl_decoder *d, const struct event *e)
{
    struct tl_model *m = d->m;
    uint32_t gi = *grow_slot(d, e->map);
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
    ev->oldbucket = field(e, 1);
    ev->nevacuate = field(e, 2);
    ev->noldbuckets = field(e, 3);
}

static void decode_grow_done(struct tl_decoder *d, const struct event *e)
{
    end_grow(d, e->map, e->ts);
    TL_AT(d->m->maps, struct tl_map, e->map)->last_B = (uint8_t)field(e, 1);
}

/* A lock wait: the interval [ts - waited_ns, ts] on the waiting thread,
 * on the inner map (e->map), counted on its safe map and shard. */
static void decode_lock_wait(struct tl_decoder *d, const struct event *e)
{
    uint64_t waited = field(e, 4);
    if (waited > INT64_MAX / 4) /* a damaged field: keep the arithmetic defined */
        waited = INT64_MAX / 4;
    struct tl_wait w = {.start = e->ts - (int64_t)waited, .end = e->ts, .thread = e->thread,
                        .map = e->map};
    w.lock = tl_identity_lock(&d->ids, e->vpid, field(e, 1), (uint8_t)field(e, 2));
    w.shard = (uint32_t)field(e, 3);
    w.mode = field(e, 5) ? TL_WAIT_WRITE : TL_WAIT_READ;
    tl_model_add_wait(d->m, &w);
}

/* Whether process vpid already has a panic (at most one per process:
 * libmap stops at its first). */
static bool has_panic(const struct tl_model *m, int32_t vpid)
{
    for (size_t i = 0; i < m->panics.len; i++) {
        const struct tl_panic *p = TL_AT(m->panics, struct tl_panic, i);
        if (TL_AT(m->threads, struct tl_thread, p->thread)->vpid == vpid)
            return true;
    }
    return false;
}

/* The panic's optional fields: detect_ns and at_end, writer_done,
 * writer_seq. */
static void decode_panic_timing(const struct event *e, struct tl_panic *p)
{
    const struct tl_evclass *c = e->c;
    if (c->has_opt[0] && c->has_opt[1]) {
        p->has_detect = true;
        p->detect = e->ts - ns_since(e, field(e, EVC_MAXF + 0));
        p->at_end = field(e, EVC_MAXF + 1) != 0;
    }
    if (c->has_opt[2]) {
        p->has_writer_done = true;
        p->writer_done = field(e, EVC_MAXF + 2) != 0;
    }
    if (c->has_opt[3]) {
        p->has_writer_seq = true;
        p->writer_seq = (uint32_t)field(e, EVC_MAXF + 3);
    }
}

/* The writer's lane (its thread, named after the detecting process when
 * the trace has no event of it yet), or UINT32_MAX. */
static uint32_t panic_writer(struct tl_decoder *d, const struct event *e, int32_t writer_tid)
{
    if (writer_tid <= 0)
        return UINT32_MAX;
    uint32_t writer = tl_identity_thread(&d->ids, e->vpid, writer_tid, NULL);
    struct tl_thread *wt = TL_AT(d->m->threads, struct tl_thread, writer);
    if (!wt->procname[0] && e->procname)
        snprintf(wt->procname, sizeof wt->procname, "%s", e->procname);
    return writer;
}

static void decode_panic(struct tl_decoder *d, const struct event *e)
{
    if (has_panic(d->m, e->vpid))
        return; /* at most one per process; keep the first */
    struct tl_panic p = {.present = true, .det_op = TL_NONE, .writer_op_idx = TL_NONE};
    p.ts = e->ts;
    p.thread = e->thread;
    p.map = e->map;
    p.kind = (uint32_t)field(e, 1);
    const char *msg = tl_evclass_string(e->pl, e->c, 2);
    snprintf(p.message, sizeof p.message, "%s", msg ? msg : "");
    p.op = (uint8_t)field(e, 3);
    p.tid = (int32_t)field(e, 4);
    p.writer_op = (uint8_t)field(e, 5);
    p.writer_tid = (int32_t)field(e, 6);
    p.writer_held = field(e, 7) != 0;
    decode_panic_timing(e, &p);
    p.writer_thread = panic_writer(d, e, p.writer_tid);
    tl_model_add_panic(d->m, &p);
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

/* Fills e from the message: class, time, process, thread and map. False
 * (the event counted as ignored or filtered) when it is not to be decoded. */
static bool open_event(struct tl_decoder *d, const bt_message *msg, struct event *e)
{
    struct tl_model *m = d->m;
    const bt_event *ev = bt_message_event_borrow_event_const(msg);
    e->c = tl_evclass_of(&d->classes, bt_event_borrow_class_const(ev));
    e->cs = bt_message_event_borrow_default_clock_snapshot_const(msg);
    if (e->c->ev == EV_OTHER ||
        bt_clock_snapshot_get_ns_from_origin(e->cs, &e->ts) !=
            BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK) {
        m->nother_events++;
        return false;
    }
    int32_t vtid;
    tl_evclass_context(ev, e->c, &e->vpid, &vtid, &e->procname);
    note_pid(d, e->vpid);
    if (m->only_pid && e->vpid != m->only_pid) {
        m->nfiltered_events++;
        return false;
    }
    m->nevents++;
    if (e->ts < m->first_ts)
        m->first_ts = e->ts;
    if (e->ts > m->last_ts)
        m->last_ts = e->ts;
    e->thread = tl_identity_thread(&d->ids, e->vpid, vtid, e->procname);
    e->pl = bt_event_borrow_payload_field_const(ev);
    e->map = tl_identity_map(&d->ids, e->vpid, field(e, 0), e->c->ev == EV_NEW);
    return true;
}

static void decode_event(struct tl_decoder *d, const bt_message *msg)
{
    struct event e = {0};
    if (!open_event(d, msg, &e))
        return;
    struct tl_op op = {.start = e.ts, .end = e.ts, .thread = e.thread, .map = e.map};
    switch (e.c->ev) {
    case EV_ASSIGN:
    case EV_DELETE:
    case EV_CLEAR: decode_write(d, &e, &op); break;
    case EV_LOOKUP: decode_lookup(d, &e, &op); break;
    case EV_ITER_INIT:
    case EV_ITERATE:
    case EV_ITER_END: decode_iteration(d, &e, &op); break;
    case EV_NEW: decode_new(d, &e, &op); break;
    case EV_FREE: decode_free(d, &e, &op); break;
    case EV_GROW: decode_grow(d, &e); break;
    case EV_EVACUATE: decode_evacuate(d, &e); break;
    case EV_GROW_DONE: decode_grow_done(d, &e); break;
    case EV_PANIC: decode_panic(d, &e); break;
    case EV_LOCK_WAIT: decode_lock_wait(d, &e); break;
    default: break;
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
