/*
 * json.c — --json: the race report and the summary (with the safe maps'
 * lock waits, per shard) as one JSON object on stdout (schema in
 * docs/libmap-timeline.md). Times are integers, ns from
 * the clock's origin; addresses and hashes are "0x..." strings. Written
 * with the suite's JSON writer (common/json.h), strings escaped by its
 * plain rule.
 */
#include <inttypes.h>

#include "json.h"

#include "export.h"
#include "viewer.h"

static void thread_ref(struct json *out, const struct tl_model *m, uint32_t i)
{
    const struct tl_thread *t = TL_AT(m->threads, struct tl_thread, i);
    json_put_fmt(out, "\"pid\": %d, \"tid\": %d, \"procname\": ", t->vpid, t->vtid);
    json_put_strz(out, t->procname);
}

static void op_obj(struct json *out, const struct tl_model *m, uint64_t idx)
{
    if (idx == TL_NONE) {
        JSON_LIT(out, "null");
        return;
    }
    const struct tl_op *op = TL_AT(m->ops, struct tl_op, idx);
    json_putc(out, '{');
    thread_ref(out, m, op->thread);
    json_put_fmt(out, ", \"op\": \"%s\", \"start_ns\": %" PRId64 ", \"end_ns\": %" PRId64
                 ", \"duration_ns\": %" PRId64 ", \"synthesized\": %s}",
                 tl_kind_name(op->kind), op->start, op->end, op->end - op->start,
                 op->flags & TL_OP_SYNTH ? "true" : "false");
}

static void counts(struct json *out, const uint64_t *nops)
{
    json_putc(out, '{');
    bool first = true;
    for (int k = 1; k < TL_NKINDS; k++) {
        if (!nops[k])
            continue;
        json_put_fmt(out, "%s\"%s\": %" PRIu64, first ? "" : ", ", tl_kind_name(k), nops[k]);
        first = false;
    }
    json_putc(out, '}');
}

static void map_ref(struct json *out, const struct tl_model *m, uint32_t i)
{
    const struct tl_map *mp = TL_AT(m->maps, struct tl_map, i);
    json_put_fmt(out, "\"map\": \"0x%" PRIx64 "\", \"map_life\": %u, \"pid\": %d", mp->addr,
                 mp->life,
                 mp->vpid);
}

static const char *const verdicts[] = {"unknown", "completed", "unfinished", "no_event"};

static void panic_obj(struct json *out, const struct tl_model *m, const struct tl_panic *p)
{
    json_putc(out, '{');
    map_ref(out, m, p->map);
    json_put_fmt(out, ", \"ts_ns\": %" PRId64 ", \"kind\": %u, \"message\": ", p->ts, p->kind);
    json_put_strz(out, p->message);
    if (p->has_detect)
        json_put_fmt(out, ", \"detect_ns\": %" PRId64, p->detect);
    else
        JSON_LIT(out, ", \"detect_ns\": null");
    json_put_fmt(out, ", \"tid\": %d, \"op\": \"%s\", \"writer_tid\": %d, \"writer_op\": \"%s\""
                 ", \"writer_held\": %s, \"writer_write\": \"%s\",\n    \"detector\": ", p->tid,
                 tl_kind_name(p->op), p->writer_tid, tl_kind_name(p->writer_op),
                 p->writer_held ? "true" : "false", verdicts[p->writer_verdict & 3]);
    op_obj(out, m, p->det_op);
    JSON_LIT(out, ",\n    \"writer\": ");
    op_obj(out, m, p->writer_op_idx);
    JSON_LIT(out, "}");
}

/* Every process with events in the model: pid, name, threads, panic. */
static void processes(struct json *out, const struct tl_model *m)
{
    bool first = true;
    for (size_t i = 0; i < m->threads.len; i++) {
        const struct tl_thread *t = TL_AT(m->threads, struct tl_thread, i);
        size_t nthreads = 0;
        bool seen = false;
        for (size_t j = 0; j < m->threads.len; j++) {
            const struct tl_thread *u = TL_AT(m->threads, struct tl_thread, j);
            if (u->vpid == t->vpid) {
                seen = seen || j < i;
                nthreads++;
            }
        }
        if (seen)
            continue;
        bool panicked = false;
        for (size_t k = 0; k < m->panics.len; k++) {
            const struct tl_panic *p = TL_AT(m->panics, struct tl_panic, k);
            panicked = panicked || TL_AT(m->threads, struct tl_thread, p->thread)->vpid == t->vpid;
        }
        json_put_fmt(out, "%s\n    {\"pid\": %d, \"procname\": ", first ? "" : ",", t->vpid);
        json_put_strz(out, t->procname);
        json_put_fmt(out, ", \"threads\": %zu, \"panic\": %s}", nthreads,
                     panicked ? "true" : "false");
        first = false;
    }
    if (!first)
        JSON_LIT(out, "\n  ");
}

/* "waits": N, "total_ns": N, "max_ns": N, then by mode */
static void wait_stats(struct json *out, const struct tl_wait_stats *st)
{
    json_put_fmt(out, "\"waits\": %" PRIu64 ", \"total_ns\": %" PRIu64 ", \"max_ns\": %" PRIu64,
                 st->n, st->total_ns, st->max_ns);
    static const char *const modes[2] = {"read", "write"};
    for (int md = 0; md < 2; md++)
        json_put_fmt(out, ", \"%s\": {\"waits\": %" PRIu64 ", \"total_ns\": %" PRIu64
                     ", \"max_ns\": %" PRIu64 "}", modes[md], st->n_mode[md],
                     st->total_mode[md], st->max_mode[md]);
}

/* The safe maps' lock waits, per shard (with the view's map, only the
 * shards guarding it). */
static void locks(struct json *out, const struct tl_model *m, const struct tl_view *v)
{
    JSON_LIT(out, "  \"locks\": [");
    bool first = true;
    for (size_t i = 0; i < m->locks.len; i++) {
        const struct tl_lock *l = TL_AT(m->locks, struct tl_lock, i);
        bool shown = v->map == TL_NONE;
        for (size_t s = 0; s < l->shards.len && !shown; s++)
            shown = TL_AT(l->shards, struct tl_shard_waits, s)->map == v->map;
        if (!shown)
            continue;
        json_put_fmt(out, "%s\n    {\"map\": \"0x%" PRIx64 "\", \"pid\": %d, \"kind\": \"%s\", ",
                     first ? "" : ",", l->addr, l->vpid, tl_lock_kind_name(l->kind));
        first = false;
        wait_stats(out, &l->st);
        json_put_fmt(out, ", \"bad_shard_waits\": %" PRIu64 ",\n     \"shards\": [", l->nbad_shards);
        bool sfirst = true;
        for (size_t s = 0; s < l->shards.len; s++) {
            const struct tl_shard_waits *sw = TL_AT(l->shards, struct tl_shard_waits, s);
            if (!sw->st.n || (v->map != TL_NONE && sw->map != v->map))
                continue;
            json_put_fmt(out, "%s\n       {\"shard\": %zu, \"inner\": ", sfirst ? "" : ",", s);
            sfirst = false;
            if (sw->map < m->maps.len) {
                const struct tl_map *mp = TL_AT(m->maps, struct tl_map, sw->map);
                json_put_fmt(out, "\"0x%" PRIx64 "\", \"inner_life\": %u, ", mp->addr, mp->life);
            } else {
                JSON_LIT(out, "null, \"inner_life\": null, ");
            }
            wait_stats(out, &sw->st);
            json_putc(out, '}');
        }
        json_puts(out, sfirst ? "]}" : "\n     ]}");
    }
    json_puts(out, first ? "]\n" : "\n  ]\n");
}

static void print(struct json *out, const struct tl_model *m, const struct tl_view *v)
{
    json_put_fmt(out, "{\n  \"version\": 1,\n  \"first_ns\": %" PRId64 ", \"last_ns\": %" PRId64
                 ",\n  \"window\": {\"from_ns\": %" PRId64 ", \"to_ns\": %" PRId64 "},\n"
                 "  \"events\": %" PRIu64 ", \"other_events\": %" PRIu64
                 ", \"discarded_events\": %" PRIu64 ", \"discarded_packets\": %" PRIu64 ",\n",
                 m->first_ts, m->last_ts, v->from, v->to, m->nevents, m->nother_events,
                 m->discarded_events, m->discarded_packets);
    JSON_LIT(out, "  \"panic\": ");
    if (m->panics.len)
        panic_obj(out, m, TL_AT(m->panics, struct tl_panic, 0));
    else
        JSON_LIT(out, "null");
    JSON_LIT(out, ",\n  \"panics\": [");
    for (size_t i = 0; i < m->panics.len; i++) {
        json_puts(out, i ? ",\n    " : "\n    ");
        panic_obj(out, m, TL_AT(m->panics, struct tl_panic, i));
    }
    json_puts(out, m->panics.len ? "\n  ],\n  \"processes\": [" : "],\n  \"processes\": [");
    processes(out, m);
    JSON_LIT(out, "]");
    json_put_fmt(out, ",\n  \"races_total\": %" PRIu64 ",\n  \"races\": [", m->nraces);
    bool first = true;
    for (size_t i = 0; i < m->races.len; i++) {
        const struct tl_race *r = TL_AT(m->races, struct tl_race, i);
        const struct tl_op *a = TL_AT(m->ops, struct tl_op, r->a);
        if (v->map != TL_NONE && a->map != v->map)
            continue;
        json_put_fmt(out, "%s\n    {", first ? "" : ",");
        first = false;
        map_ref(out, m, a->map);
        json_put_fmt(out, ", \"from_panic\": %s, \"overlap_start_ns\": %" PRId64
                     ", \"overlap_end_ns\": %" PRId64 ", \"overlap_ns\": %" PRId64
                     ",\n     \"a\": ",
                     r->from_panic ? "true" : "false", r->overlap_start, r->overlap_end,
                     r->overlap_end - r->overlap_start);
        op_obj(out, m, r->a);
        JSON_LIT(out, ",\n     \"b\": ");
        op_obj(out, m, r->b);
        json_putc(out, '}');
    }
    json_puts(out, first ? "],\n" : "\n  ],\n");
    JSON_LIT(out, "  \"threads\": [");
    for (size_t i = 0; i < m->threads.len; i++) {
        json_put_fmt(out, "%s\n    {", i ? "," : "");
        thread_ref(out, m, (uint32_t)i);
        JSON_LIT(out, ", \"ops\": ");
        counts(out, TL_AT(m->threads, struct tl_thread, i)->nops);
        json_putc(out, '}');
    }
    json_puts(out, m->threads.len ? "\n  ],\n" : "],\n");
    JSON_LIT(out, "  \"maps\": [");
    for (size_t i = 0; i < m->maps.len; i++) {
        const struct tl_map *mp = TL_AT(m->maps, struct tl_map, i);
        json_put_fmt(out, "%s\n    {", i ? "," : "");
        map_ref(out, m, (uint32_t)i);
        json_put_fmt(out, ", \"freed\": %s, \"grows\": %u, \"same_size_grows\": %u, "
                     "\"evacuations\": %" PRIu64 ", \"count\": %" PRIu64 ", \"B\": %u, \"ops\": ",
                     mp->freed ? "true" : "false", mp->ngrows, mp->nsame_size_grows,
                     mp->nevacuations, mp->last_count, mp->last_B);
        counts(out, mp->nops);
        json_putc(out, '}');
    }
    json_puts(out, m->maps.len ? "\n  ],\n" : "],\n");
    JSON_LIT(out, "  \"latency_ns\": {");
    for (int k = TL_ASSIGN; k <= TL_CLEAR; k++) {
        const struct tl_latency *l = &m->latency[k];
        json_put_fmt(out, "%s\n    \"%s\": {\"n\": %" PRIu64 ", \"min\": %" PRId64
                     ", \"p50\": %" PRId64
                     ", \"p90\": %" PRId64 ", \"p99\": %" PRId64 ", \"max\": %" PRId64
                     ", \"mean\": %.1f}", k == TL_ASSIGN ? "" : ",", tl_kind_name(k), l->n, l->min,
                     l->p50, l->p90, l->p99, l->max, l->mean);
    }
    json_put_fmt(out, "\n  },\n  \"lock_waits\": %" PRIu64 ",\n", m->nwaits);
    locks(out, m, v);
    JSON_LIT(out, "}\n");
}

void tl_print_json(FILE *f, const struct tl_model *m, const struct tl_view *v)
{
    struct json j;
    json_init(&j, f, JSON_ESC_PLAIN, 1);
    print(&j, m, v);
    json_finish(&j, NULL); /* a failed write shows on f: closeout.h reports it */
}
