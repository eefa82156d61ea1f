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
 * - panic: a process instant; races: flow arrows ("s"/"f", "bp":"e") from
 *   the write that started first to the other one.
 *
 * Nesting guard: one thread's operations never overlap in a correct trace,
 * but the write start (start_ns + offset) and the event time come from two
 * clock readings. A slice that would start before the end of the previous
 * slice on its track is clipped to start there (dur >= 0), so slices stay
 * strictly nested; otherData.clipped_slices counts them.
 */
#include "export-out.h"
#include "export-view.h"

#include <stdlib.h>
#include <string.h>

/* "pid":P,"tid":T of thread index t */
static void put_pt(struct xo *o, const struct tl_thread *th)
{
    XO_LIT(o, ",\"pid\":");
    xo_i64(o, th->vpid);
    XO_LIT(o, ",\"tid\":");
    xo_i64(o, th->vtid);
}

static void put_ts(struct xo *o, int64_t t, int64_t origin)
{
    XO_LIT(o, ",\"ts\":");
    xo_us(o, t - origin);
}

static void put_map_arg(struct xo *o, const struct tl_model *m, uint32_t map)
{
    XO_LIT(o, "\"map\":");
    xo_hexstr(o, map < m->maps.len ? TLX_MAPS(m)[map].addr : 0);
    if (map < m->maps.len && TLX_MAPS(m)[map].life) {
        XO_LIT(o, ",\"map_life\":");
        xo_u64(o, TLX_MAPS(m)[map].life);
    }
}

/* A metadata event up to its "args": value. */
static void meta_begin(struct xo *o, const char *name, const struct tl_thread *th)
{
    xo_item(o);
    XO_LIT(o, "{\"name\":\"");
    xo_puts(o, name);
    XO_LIT(o, "\",\"ph\":\"M\",\"ts\":0");
    put_pt(o, th);
    XO_LIT(o, ",\"args\":");
}

static void write_metadata(struct xo *o, const struct tl_model *m, const struct tlx_sel *sel)
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
            XO_LIT(o, "{\"name\":");
            xo_jstrz(o, name->procname);
            XO_LIT(o, "}}");
        }
        meta_begin(o, "thread_name", &th[i]);
        XO_LIT(o, "{\"name\":\"");
        xo_jbodyz(o, th[i].procname);
        xo_putc(o, ' ');
        xo_i64(o, th[i].vtid);
        XO_LIT(o, "\"}}");
        meta_begin(o, "thread_sort_index", &th[i]);
        XO_LIT(o, "{\"sort_index\":");
        xo_i64(o, th[i].vtid);
        XO_LIT(o, "}}");
    }
}

static void write_op(struct xo *o, const struct tl_model *m, const struct tl_op *op, int64_t s,
                     int64_t e, int64_t origin, bool race)
{
    const struct tl_thread *th = &TLX_THREADS(m)[op->thread];
    bool slice = tl_kind_is_write(op->kind) || op->end > op->start;
    xo_item(o);
    XO_LIT(o, "{\"name\":\"");
    xo_puts(o, tlx_kind(op->kind));
    if (slice) {
        XO_LIT(o, "\",\"cat\":\"libmap\",\"ph\":\"X\"");
        put_ts(o, s, origin);
        XO_LIT(o, ",\"dur\":");
        xo_us(o, e - s);
    } else {
        XO_LIT(o, "\",\"cat\":\"libmap\",\"ph\":\"i\",\"s\":\"t\"");
        put_ts(o, s, origin);
    }
    put_pt(o, th);
    XO_LIT(o, ",\"args\":{");
    put_map_arg(o, m, op->map);
    switch (op->kind) {
    case TL_ASSIGN:
    case TL_DELETE:
    case TL_CLEAR:
        XO_LIT(o, ",\"hash\":");
        xo_hexstr(o, op->hash);
        XO_LIT(o, ",\"result\":");
        xo_i64(o, op->result);
        XO_LIT(o, ",\"count\":");
        xo_u64(o, op->count);
        XO_LIT(o, ",\"B\":");
        xo_u64(o, op->B);
        break;
    case TL_LOOKUP:
        XO_LIT(o, ",\"hash\":");
        xo_hexstr(o, op->hash);
        XO_LIT(o, ",\"found\":");
        xo_i64(o, op->result);
        break;
    case TL_FREE:
        XO_LIT(o, ",\"count\":");
        xo_u64(o, op->count);
        break;
    case TL_NEW:
        XO_LIT(o, ",\"B\":");
        xo_u64(o, op->B);
        break;
    default:
        break;
    }
    if (slice && (s != op->start || e != op->end)) {
        XO_LIT(o, ",\"clipped_from_start_us\":");
        xo_us(o, op->start - origin);
    }
    if (race)
        XO_LIT(o, ",\"race\":true");
    XO_LIT(o, "}}");
}

/* Writes and instants, clipped per track; records the clipped intervals of
 * the flow ends (ends: sorted by op, nends). Returns the clip count. */
static uint64_t write_ops(struct xo *o, const struct tl_model *m, const struct tl_view *v,
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
static void write_counter(struct xo *o, const struct tl_model *m, uint32_t map, int64_t ts,
                          const struct tl_thread *th, uint64_t value, int64_t origin)
{
    xo_item(o);
    XO_LIT(o, "{\"name\":\"evacuation ");
    xo_hex(o, map < m->maps.len ? TLX_MAPS(m)[map].addr : 0);
    XO_LIT(o, "\",\"cat\":\"libmap.grow\",\"ph\":\"C\"");
    put_ts(o, ts, origin);
    put_pt(o, th);
    XO_LIT(o, ",\"args\":{\"nevacuate\":");
    xo_u64(o, value);
    XO_LIT(o, "}}");
}

static void write_grows(struct xo *o, const struct tl_model *m, const struct tl_view *v,
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
            xo_item(o);
            XO_LIT(o, "{\"name\":\"");
            xo_put(o, name, (size_t)n);
            XO_LIT(o, "\",\"cat\":\"libmap.grow\",\"ph\":\"");
            xo_putc(o, ph ? 'e' : 'b');
            XO_LIT(o, "\",\"id\":");
            xo_hexstr(o, i);
            put_ts(o, ph ? end : g->start, origin);
            put_pt(o, &th[g->thread]);
            XO_LIT(o, ",\"args\":{");
            put_map_arg(o, m, g->map);
            if (!ph) {
                XO_LIT(o, ",\"old_B\":");
                xo_u64(o, g->old_B);
                XO_LIT(o, ",\"new_B\":");
                xo_u64(o, g->new_B);
                XO_LIT(o, ",\"same_size\":");
                xo_puts(o, g->same_size ? "true" : "false");
                XO_LIT(o, ",\"count\":");
                xo_u64(o, g->count);
                XO_LIT(o, ",\"noldbuckets\":");
                xo_u64(o, g->noldbuckets);
            } else {
                XO_LIT(o, ",\"nevacuated\":");
                xo_u64(o, g->nevacuated);
                XO_LIT(o, ",\"finished\":");
                xo_puts(o, g->end >= g->start ? "true" : "false");
            }
            XO_LIT(o, "}}");
        }
        if (g->start >= v->from) {
            write_counter(o, m, g->map, g->start, &th[g->thread], 0, origin);
            xo_item(o);
            XO_LIT(o, "{\"name\":\"grow\",\"cat\":\"libmap.grow\",\"ph\":\"i\",\"s\":\"t\"");
            put_ts(o, g->start, origin);
            put_pt(o, &th[g->thread]);
            XO_LIT(o, ",\"args\":{");
            put_map_arg(o, m, g->map);
            XO_LIT(o, "}}");
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
            xo_item(o);
            XO_LIT(o, "{\"name\":\"grow_done\",\"cat\":\"libmap.grow\",\"ph\":\"i\",\"s\":\"t\"");
            put_ts(o, e->ts, origin);
            put_pt(o, &th[e->thread]);
            XO_LIT(o, ",\"args\":{");
            put_map_arg(o, m, e->map);
            XO_LIT(o, ",\"B\":");
            xo_u64(o, TLX_GROWS(m)[e->grow].new_B);
            XO_LIT(o, "}}");
        }
    }
}

static void write_panic(struct xo *o, const struct tl_model *m, int64_t origin)
{
    const struct tl_panic *p = &m->panic;
    xo_item(o);
    XO_LIT(o, "{\"name\":\"panic: ");
    xo_jbody(o, p->message, strnlen(p->message, sizeof p->message));
    XO_LIT(o, "\",\"cat\":\"libmap\",\"ph\":\"i\",\"s\":\"p\"");
    put_ts(o, p->ts, origin);
    put_pt(o, &TLX_THREADS(m)[p->thread]);
    XO_LIT(o, ",\"args\":{");
    put_map_arg(o, m, p->map);
    XO_LIT(o, ",\"kind\":");
    xo_u64(o, p->kind);
    XO_LIT(o, ",\"op\":\"");
    xo_puts(o, tlx_kind(p->op));
    XO_LIT(o, "\",\"tid\":");
    xo_i64(o, p->tid);
    XO_LIT(o, ",\"writer_op\":\"");
    xo_puts(o, tlx_kind(p->writer_op));
    XO_LIT(o, "\",\"writer_tid\":");
    xo_i64(o, p->writer_tid);
    XO_LIT(o, ",\"writer_held\":");
    xo_puts(o, p->writer_held ? "true" : "false");
    XO_LIT(o, "}}");
}

static int64_t clamp(int64_t t, int64_t lo, int64_t hi) { return t < lo ? lo : t > hi ? hi : t; }

/* One flow per shown race, from a (started first) to b, both ends at the
 * moment b started, clamped into each clipped slice. */
static uint64_t write_flows(struct xo *o, const struct tl_model *m, const struct tl_view *v,
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
            xo_item(o);
            XO_LIT(o, "{\"name\":\"");
            xo_puts(o, rc->from_panic ? "panic race" : "race");
            XO_LIT(o, "\",\"cat\":\"libmap.race\",\"ph\":\"");
            xo_putc(o, ph ? 'f' : 's');
            XO_LIT(o, "\",\"bp\":\"e\",\"id\":");
            xo_u64(o, r + 1);
            put_ts(o, clamp(t, x->s, x->e), origin);
            put_pt(o, &TLX_THREADS(m)[op->thread]);
            XO_LIT(o, ",\"args\":{\"op\":\"");
            xo_puts(o, tlx_kind(op->kind));
            /* a negative overlap: the pair did not overlap within the
             * trace (the panic's writer had just finished) */
            if (rc->overlap_end >= rc->overlap_start)
                XO_LIT(o, "\",\"overlap_ns\":");
            else
                XO_LIT(o, "\",\"gap_ns\":");
            xo_i64(o, rc->overlap_end >= rc->overlap_start ? rc->overlap_end - rc->overlap_start
                                                           : rc->overlap_start - rc->overlap_end);
            XO_LIT(o, "}}");
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
    struct xo *o = malloc(sizeof *o);
    if (ends == NULL || last_end == NULL || o == NULL) {
        fprintf(stderr, "libmap-timeline: out of memory\n");
        free(ends), free(last_end), free(o), tlx_sel_free(&sel);
        return -1;
    }
    for (size_t i = 0; i < m->threads.len; i++)
        last_end[i] = INT64_MIN;
    int64_t origin = sel.t0 <= sel.t1 ? sel.t0 : m->first_ts;

    xo_init(o, out);
    XO_LIT(o, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    xo_list(o);
    write_metadata(o, m, &sel);
    uint64_t clipped = write_ops(o, m, v, origin, last_end, ends, nends);
    write_grows(o, m, v, origin);
    if (tlx_panic_shown(m, v))
        write_panic(o, m, origin);
    uint64_t nraces = write_flows(o, m, v, origin, ends, nends);
    XO_LIT(o, "\n],\n\"otherData\":{\"generator\":\"libmap-timeline\",\"origin_ns\":\"");
    xo_i64(o, origin);
    XO_LIT(o, "\",\"time_unit\":\"ts and dur in microseconds from origin_ns\",\"ops\":");
    xo_u64(o, sel.nops);
    XO_LIT(o, ",\"threads\":");
    xo_u64(o, sel.nthreads_used);
    XO_LIT(o, ",\"clipped_slices\":");
    xo_u64(o, clipped);
    XO_LIT(o, ",\"races\":");
    xo_u64(o, nraces);
    XO_LIT(o, ",\"discarded_events\":");
    xo_u64(o, m->discarded_events);
    XO_LIT(o, "}}\n");
    int rc = xo_finish(o, "--chrome");
    free(ends), free(last_end), free(o), tlx_sel_free(&sel);
    return rc;
}
