/*
 * chrome.c — tl_write_chrome(): the model as Chrome trace-event JSON (the
 * "JSON Object Format") for Perfetto UI and chrome://tracing.
 *
 * Mapping (docs/timeline-exports.md has the full table):
 * - pid = vpid, tid = vtid; process_name / thread_name metadata ("M").
 * - writes: complete events ("X"); ts and dur in microseconds with 3
 *   decimals, relative to otherData.origin_ns (absolute epoch ns do not fit
 *   a double at ns precision).
 * - zero-length operations (lookup, iteration, new, free): thread instants.
 * - grow: a thread instant plus an async slice ("b"/"e") for the phase;
 *   grow_done: a thread instant; evacuation progress: a counter ("C").
 * - lock waits (libmap:lock_wait): complete events ("X", cat
 *   libmap.lock) [ts - waited_ns, ts] on the waiting thread;
 * - panic: a process instant; races: flow arrows ("s"/"f", "bp":"e") from
 *   the write that started first to the other one.
 *
 * Nesting guard: one thread's operations never overlap in a correct trace,
 * but the write start (start_ns + offset) and the event time come from two
 * clock readings. A slice that would start before the end of the previous
 * slice on its track is clipped to start there (dur >= 0), so slices stay
 * strictly nested; otherData.clipped_slices counts them.
 */
#include "json.h"
#include "export-view.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* "pid":P,"tid":T of thread index t */
static void put_pt(struct json *o, const struct tl_thread *th)
{
    JSON_LIT(o, ",\"pid\":");
    json_put_i64(o, th->vpid);
    JSON_LIT(o, ",\"tid\":");
    json_put_i64(o, th->vtid);
}

static void put_ts(struct json *o, int64_t t, int64_t origin)
{
    JSON_LIT(o, ",\"ts\":");
    json_put_us(o, t - origin);
}

static void put_map_arg(struct json *o, const struct tl_model *m, uint32_t map)
{
    JSON_LIT(o, "\"map\":");
    json_put_hexstr(o, map < m->maps.len ? TLX_MAPS(m)[map].addr : 0);
    if (map < m->maps.len && TLX_MAPS(m)[map].life) {
        JSON_LIT(o, ",\"map_life\":");
        json_put_u64(o, TLX_MAPS(m)[map].life);
    }
}

/* A metadata event up to its "args": value. */
static void meta_begin(struct json *o, const char *name, const struct tl_thread *th)
{
    json_item(o);
    JSON_LIT(o, "{\"name\":\"");
    json_puts(o, name);
    JSON_LIT(o, "\",\"ph\":\"M\",\"ts\":0");
    put_pt(o, th);
    JSON_LIT(o, ",\"args\":");
}

static void write_metadata(struct json *o, const struct tl_model *m, const struct tlx_sel *sel)
{
    const struct tl_thread *th = TLX_THREADS(m);
    for (size_t i = 0; i < m->threads.len; i++) {
        if (!sel->thread_used[i])
            continue;
        /* one process_name per vpid: at its first used thread, named by
         * its main thread (vtid == vpid) when the trace has it */
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            if (sel->thread_used[j] && th[j].vpid == th[i].vpid)
                first = false;
        if (first) {
            const struct tl_thread *name = &th[i];
            for (size_t j = 0; j < m->threads.len; j++)
                if (th[j].vpid == th[i].vpid && th[j].vtid == th[j].vpid)
                    name = &th[j];
            meta_begin(o, "process_name", &th[i]);
            JSON_LIT(o, "{\"name\":");
            json_put_strz(o, name->procname);
            JSON_LIT(o, "}}");
        }
        meta_begin(o, "thread_name", &th[i]);
        JSON_LIT(o, "{\"name\":\"");
        json_put_bodyz(o, th[i].procname);
        json_putc(o, ' ');
        json_put_i64(o, th[i].vtid);
        JSON_LIT(o, "\"}}");
        meta_begin(o, "thread_sort_index", &th[i]);
        JSON_LIT(o, "{\"sort_index\":");
        json_put_i64(o, th[i].vtid);
        JSON_LIT(o, "}}");
    }
}

static void write_op(struct json *o, const struct tl_model *m, const struct tl_op *op, int64_t s,
                     int64_t e, int64_t origin, bool race)
{
    const struct tl_thread *th = &TLX_THREADS(m)[op->thread];
    bool slice = tl_kind_is_write(op->kind) || op->end > op->start;
    json_item(o);
    JSON_LIT(o, "{\"name\":\"");
    json_puts(o, tlx_kind(op->kind));
    if (slice) {
        JSON_LIT(o, "\",\"cat\":\"libmap\",\"ph\":\"X\"");
        put_ts(o, s, origin);
        JSON_LIT(o, ",\"dur\":");
        json_put_us(o, e - s);
    } else {
        JSON_LIT(o, "\",\"cat\":\"libmap\",\"ph\":\"i\",\"s\":\"t\"");
        put_ts(o, s, origin);
    }
    put_pt(o, th);
    JSON_LIT(o, ",\"args\":{");
    put_map_arg(o, m, op->map);
    switch (op->kind) {
    case TL_ASSIGN:
    case TL_DELETE:
    case TL_CLEAR:
        JSON_LIT(o, ",\"hash\":");
        json_put_hexstr(o, op->hash);
        JSON_LIT(o, ",\"result\":");
        json_put_i64(o, op->result);
        JSON_LIT(o, ",\"count\":");
        json_put_u64(o, op->count);
        JSON_LIT(o, ",\"B\":");
        json_put_u64(o, op->B);
        break;
    case TL_LOOKUP:
        JSON_LIT(o, ",\"hash\":");
        json_put_hexstr(o, op->hash);
        JSON_LIT(o, ",\"found\":");
        json_put_i64(o, op->result);
        break;
    case TL_FREE:
        JSON_LIT(o, ",\"count\":");
        json_put_u64(o, op->count);
        break;
    case TL_NEW:
        JSON_LIT(o, ",\"B\":");
        json_put_u64(o, op->B);
        break;
    default:
        break;
    }
    if (slice && (s != op->start || e != op->end)) {
        JSON_LIT(o, ",\"clipped_from_start_us\":");
        json_put_us(o, op->start - origin);
    }
    if (race)
        JSON_LIT(o, ",\"race\":true");
    JSON_LIT(o, "}}");
}

/* Writes and instants, clipped per track; records the clipped intervals of
 * the flow ends (ends: sorted by op, nends). Returns the clip count. */
static uint64_t write_ops(struct json *o, const struct tl_model *m, const struct tl_view *v,
                          int64_t origin, int64_t *last_end, struct tlx_opref *ends, size_t nends)
{
    const struct tl_op *ops = TLX_OPS(m);
    uint64_t clipped = 0;
    size_t cur = 0;
    for (size_t i = 0; i < m->ops.len; i++) {
        const struct tl_op *op = &ops[i];
        if (op->thread >= m->threads.len || !tlx_op_shown(v, op))
            continue;
        int64_t s = op->start, e = op->end > op->start ? op->end : op->start;
        bool slice = tl_kind_is_write(op->kind) || op->end > op->start;
        if (slice) {
            if (s < last_end[op->thread]) {
                s = last_end[op->thread];
                if (e < s)
                    e = s;
                clipped++;
            }
            last_end[op->thread] = e;
        }
        while (cur < nends && ends[cur].op < i)
            cur++;
        bool race = cur < nends && ends[cur].op == i;
        if (race) {
            ends[cur].s = s;
            ends[cur].e = e;
        }
        write_op(o, m, op, s, e, origin, race);
    }
    return clipped;
}

/* The evacuation progress counter of a map: 0 when a growth starts, then
 * nevacuate after each evacuation. */
static void write_counter(struct json *o, const struct tl_model *m, uint32_t map, int64_t ts,
                          const struct tl_thread *th, uint64_t value, int64_t origin)
{
    json_item(o);
    JSON_LIT(o, "{\"name\":\"evacuation ");
    json_put_hex(o, map < m->maps.len ? TLX_MAPS(m)[map].addr : 0);
    JSON_LIT(o, "\",\"cat\":\"libmap.grow\",\"ph\":\"C\"");
    put_ts(o, ts, origin);
    put_pt(o, th);
    JSON_LIT(o, ",\"args\":{\"nevacuate\":");
    json_put_u64(o, value);
    JSON_LIT(o, "}}");
}

static void write_grows(struct json *o, const struct tl_model *m, const struct tl_view *v,
                        int64_t origin)
{
    const struct tl_thread *th = TLX_THREADS(m);
    const struct tl_evac *ev = TLX_EVACS(m);
    for (size_t i = 0; i < m->grows.len; i++) {
        const struct tl_grow *g = &TLX_GROWS(m)[i];
        int64_t end = tlx_grow_end(m, g);
        if (g->thread >= m->threads.len || !tlx_shown(v, g->map, g->start, end))
            continue;
        char name[48];
        int n = snprintf(name, sizeof name, "grow B %u->%u%s", g->old_B, g->new_B,
                         g->same_size ? " same-size" : "");
        for (int ph = 0; ph < 2; ph++) { /* the async phase: b then e */
            json_item(o);
            JSON_LIT(o, "{\"name\":\"");
            json_put(o, name, (size_t)n);
            JSON_LIT(o, "\",\"cat\":\"libmap.grow\",\"ph\":\"");
            json_putc(o, ph ? 'e' : 'b');
            JSON_LIT(o, "\",\"id\":");
            json_put_hexstr(o, i);
            put_ts(o, ph ? end : g->start, origin);
            put_pt(o, &th[g->thread]);
            JSON_LIT(o, ",\"args\":{");
            put_map_arg(o, m, g->map);
            if (!ph) {
                JSON_LIT(o, ",\"old_B\":");
                json_put_u64(o, g->old_B);
                JSON_LIT(o, ",\"new_B\":");
                json_put_u64(o, g->new_B);
                JSON_LIT(o, ",\"same_size\":");
                json_puts(o, g->same_size ? "true" : "false");
                JSON_LIT(o, ",\"count\":");
                json_put_u64(o, g->count);
                JSON_LIT(o, ",\"noldbuckets\":");
                json_put_u64(o, g->noldbuckets);
            } else {
                JSON_LIT(o, ",\"nevacuated\":");
                json_put_u64(o, g->nevacuated);
                JSON_LIT(o, ",\"finished\":");
                json_puts(o, g->end >= g->start ? "true" : "false");
            }
            JSON_LIT(o, "}}");
        }
        if (g->start >= v->from) {
            write_counter(o, m, g->map, g->start, &th[g->thread], 0, origin);
            json_item(o);
            JSON_LIT(o, "{\"name\":\"grow\",\"cat\":\"libmap.grow\",\"ph\":\"i\",\"s\":\"t\"");
            put_ts(o, g->start, origin);
            put_pt(o, &th[g->thread]);
            JSON_LIT(o, ",\"args\":{");
            put_map_arg(o, m, g->map);
            JSON_LIT(o, "}}");
        }
    }
    /* evacuation progress per map, and grow_done on the thread that made
     * the last evacuation */
    for (size_t i = 0; i < m->evacs.len; i++) {
        const struct tl_evac *e = &ev[i];
        if (e->thread >= m->threads.len || !tlx_shown(v, e->map, e->ts, e->ts))
            continue;
        bool done = e->grow < m->grows.len && TLX_GROWS(m)[e->grow].end >= 0 &&
                    e->nevacuate >= e->noldbuckets;
        write_counter(o, m, e->map, e->ts, &th[e->thread], e->nevacuate, origin);
        if (done) {
            json_item(o);
            JSON_LIT(o, "{\"name\":\"grow_done\",\"cat\":\"libmap.grow\",\"ph\":\"i\",\"s\":\"t\"");
            put_ts(o, e->ts, origin);
            put_pt(o, &th[e->thread]);
            JSON_LIT(o, ",\"args\":{");
            put_map_arg(o, m, e->map);
            JSON_LIT(o, ",\"B\":");
            json_put_u64(o, TLX_GROWS(m)[e->grow].new_B);
            JSON_LIT(o, "}}");
        }
    }
}

/* Lock waits: slices [start, end] on the waiting thread (a wait ends when
 * the lock is held, before the operation's own start time is read, so it
 * never overlaps the thread's operations). */
static void write_waits(struct json *o, const struct tl_model *m, const struct tl_view *v,
                        int64_t origin)
{
    for (size_t i = 0; i < m->waits.len; i++) {
        const struct tl_wait *w = &TLX_WAITS(m)[i];
        if (w->thread >= m->threads.len || w->lock >= m->locks.len ||
            !tlx_shown(v, w->map, w->start, w->end))
            continue;
        const struct tl_lock *l = &TLX_LOCKS(m)[w->lock];
        json_item(o);
        JSON_LIT(o, "{\"name\":\"");
        json_puts(o, w->mode == TL_WAIT_WRITE ? "lock wait write" : "lock wait read");
        JSON_LIT(o, "\",\"cat\":\"libmap.lock\",\"ph\":\"X\"");
        put_ts(o, w->start, origin);
        JSON_LIT(o, ",\"dur\":");
        json_put_us(o, w->end - w->start);
        put_pt(o, &TLX_THREADS(m)[w->thread]);
        json_put_fmt(o, ",\"args\":{\"lock\":\"0x%" PRIx64 "\",\"kind\":\"%s\",\"shard\":%" PRIu32
                     ",\"inner\":\"0x%" PRIx64 "\",\"waited_ns\":%" PRId64 "}}",
                     l->addr, tl_lock_kind_name(l->kind), w->shard,
                     w->map < m->maps.len ? TLX_MAPS(m)[w->map].addr : 0, w->end - w->start);
    }
}

static void write_panic(struct json *o, const struct tl_model *m, int64_t origin)
{
    const struct tl_panic *p = &m->panic;
    json_item(o);
    JSON_LIT(o, "{\"name\":\"panic: ");
    json_put_body(o, p->message, strnlen(p->message, sizeof p->message));
    JSON_LIT(o, "\",\"cat\":\"libmap\",\"ph\":\"i\",\"s\":\"p\"");
    put_ts(o, p->ts, origin);
    put_pt(o, &TLX_THREADS(m)[p->thread]);
    JSON_LIT(o, ",\"args\":{");
    put_map_arg(o, m, p->map);
    JSON_LIT(o, ",\"kind\":");
    json_put_u64(o, p->kind);
    JSON_LIT(o, ",\"op\":\"");
    json_puts(o, tlx_kind(p->op));
    JSON_LIT(o, "\",\"tid\":");
    json_put_i64(o, p->tid);
    JSON_LIT(o, ",\"writer_op\":\"");
    json_puts(o, tlx_kind(p->writer_op));
    JSON_LIT(o, "\",\"writer_tid\":");
    json_put_i64(o, p->writer_tid);
    JSON_LIT(o, ",\"writer_held\":");
    json_puts(o, p->writer_held ? "true" : "false");
    JSON_LIT(o, "}}");
}

static int64_t clamp(int64_t t, int64_t lo, int64_t hi) { return t < lo ? lo : t > hi ? hi : t; }

/* One flow per shown race, from a (started first) to b, both ends at the
 * moment b started, clamped into each clipped slice. */
static uint64_t write_flows(struct json *o, const struct tl_model *m, const struct tl_view *v,
                            int64_t origin, struct tlx_opref *ends, size_t nends)
{
    uint64_t nraces = 0;
    for (size_t r = 0; r < m->races.len; r++) {
        if (!tlx_race_shown(m, v, r))
            continue;
        const struct tl_race *rc = &TLX_RACES(m)[r];
        nraces++;
        const struct tlx_opref *a = tlx_find_opref(ends, nends, rc->a);
        const struct tlx_opref *b = tlx_find_opref(ends, nends, rc->b);
        int64_t t = a->s > b->s ? a->s : b->s;
        for (int ph = 0; ph < 2; ph++) {
            const struct tlx_opref *x = ph ? b : a;
            const struct tl_op *op = &TLX_OPS(m)[x->op];
            json_item(o);
            JSON_LIT(o, "{\"name\":\"");
            json_puts(o, rc->from_panic ? "panic race" : "race");
            JSON_LIT(o, "\",\"cat\":\"libmap.race\",\"ph\":\"");
            json_putc(o, ph ? 'f' : 's');
            JSON_LIT(o, "\",\"bp\":\"e\",\"id\":");
            json_put_u64(o, r + 1);
            put_ts(o, clamp(t, x->s, x->e), origin);
            put_pt(o, &TLX_THREADS(m)[op->thread]);
            JSON_LIT(o, ",\"args\":{\"op\":\"");
            json_puts(o, tlx_kind(op->kind));
            /* a negative overlap: the pair did not overlap within the
             * trace (the panic's writer had just finished) */
            if (rc->overlap_end >= rc->overlap_start)
                JSON_LIT(o, "\",\"overlap_ns\":");
            else
                JSON_LIT(o, "\",\"gap_ns\":");
            json_put_i64(o, rc->overlap_end >= rc->overlap_start
                                ? rc->overlap_end - rc->overlap_start
                                : rc->overlap_start - rc->overlap_end);
            JSON_LIT(o, "}}");
        }
    }
    return nraces;
}

int tl_write_chrome(const struct tl_model *m, const struct tl_view *v, FILE *out)
{
    struct tlx_sel sel;
    if (tlx_select(m, v, &sel) < 0)
        return -1;
    size_t nends = 0;
    struct tlx_opref *ends = tlx_race_ops(m, v, &nends);
    int64_t *last_end = malloc((m->threads.len + 1) * sizeof *last_end);
    struct json *o = malloc(sizeof *o);
    if (ends == NULL || last_end == NULL || o == NULL) {
        fprintf(stderr, "libmap-timeline: out of memory\n");
        free(ends), free(last_end), free(o), tlx_sel_free(&sel);
        return -1;
    }
    for (size_t i = 0; i < m->threads.len; i++)
        last_end[i] = INT64_MIN;
    int64_t origin = sel.t0 <= sel.t1 ? sel.t0 : m->first_ts;

    json_init(o, out, JSON_ESC_SCRIPT, 0);
    JSON_LIT(o, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    json_list(o);
    write_metadata(o, m, &sel);
    uint64_t clipped = write_ops(o, m, v, origin, last_end, ends, nends);
    write_grows(o, m, v, origin);
    write_waits(o, m, v, origin);
    if (tlx_panic_shown(m, v))
        write_panic(o, m, origin);
    uint64_t nraces = write_flows(o, m, v, origin, ends, nends);
    JSON_LIT(o, "\n],\n\"otherData\":{\"generator\":\"libmap-timeline\",\"origin_ns\":\"");
    json_put_i64(o, origin);
    JSON_LIT(o, "\",\"time_unit\":\"ts and dur in microseconds from origin_ns\",\"ops\":");
    json_put_u64(o, sel.nops);
    JSON_LIT(o, ",\"lock_waits\":");
    json_put_u64(o, sel.nwaits);
    JSON_LIT(o, ",\"threads\":");
    json_put_u64(o, sel.nthreads_used);
    JSON_LIT(o, ",\"clipped_slices\":");
    json_put_u64(o, clipped);
    JSON_LIT(o, ",\"races\":");
    json_put_u64(o, nraces);
    JSON_LIT(o, ",\"discarded_events\":");
    json_put_u64(o, m->discarded_events);
    JSON_LIT(o, "}}\n");
    int rc = json_finish(o, "libmap-timeline: --chrome");
    free(ends), free(last_end), free(o), tlx_sel_free(&sel);
    return rc;
}
